# The scorer image: the shaded jar built by Maven (./mvnw -B -DskipTests package) on a JRE.
# Build context: the repository root (see docker-compose.yml and .dockerignore).
FROM eclipse-temurin:17.0.15_6-jre
# curl: the compose health check asks the service over HTTP.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app streamprop
WORKDIR /app
COPY scorer/target/streamprop-scorer.jar /app/streamprop-scorer.jar
USER streamprop
# 8080: predictions, /metrics, /health/live, /health/ready.
EXPOSE 8080
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
ENTRYPOINT ["java", "--add-modules=jdk.incubator.vector", "-jar", "/app/streamprop-scorer.jar"]
