/**
 * Tests of what an operator sees: the Grafana dashboards and their provisioning, the Prometheus
 * configuration, and {@code docker-compose.yml}. {@code *Test} classes read the files alone; the
 * {@code *IT} classes run a real Prometheus against a live trainer and scorer, or the compose stack
 * where Docker exists.
 */
package io.streamprop.observability;
