package io.streamprop.faults.rig;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Answered predictions held against prediction log records (no broker, no scorer). */
class AnsweredPredictionsTest {
  static final String ANSWER =
      "{\"model\":\"m\",\"model_version\":7,\"predictions\":"
          + "[{\"class\":1,\"probabilities\":[0.25,0.75]},{\"class\":0,\"probabilities\":[0.5,0.5]}],"
          + "\"ids\":[\"a\",\"b\\\"q\"]}";

  static ConsumerRecord<byte[], byte[]> logged(String id, long version, String prediction) {
    String value =
        "{\"id\":\""
            + id.replace("\"", "\\\"")
            + "\",\"model\":\"m\",\"version\":"
            + version
            + ",\"time\":1,\"features\":[1.0,2.0],\"prediction\":"
            + prediction
            + "}";
    return new ConsumerRecord<>(
        "predictions",
        0,
        0,
        id.getBytes(StandardCharsets.UTF_8),
        value.getBytes(StandardCharsets.UTF_8));
  }

  static List<ConsumerRecord<byte[], byte[]>> exactLog() {
    List<ConsumerRecord<byte[], byte[]>> log = new ArrayList<>();
    log.add(logged("a", 7, "{\"class\":1,\"probabilities\":[0.25,0.75]}"));
    log.add(logged("b\"q", 7, "{\"class\":0,\"probabilities\":[0.5,0.5]}"));
    return log;
  }

  @Test
  void everyAnswerLoggedOnceWithItsBytes_noProblem() {
    AnsweredPredictions answered = new AnsweredPredictions();
    assertThat(answered.record(ANSWER, null)).isNull();
    List<ConsumerRecord<byte[], byte[]>> log = exactLog();
    log.add(logged("unanswered", 7, "{\"class\":0,\"probabilities\":[0.5,0.5]}"));

    AnsweredPredictions.LogCheck check = answered.check(log);

    assertThat(check.problems()).isEmpty();
    assertThat(check.answered()).isEqualTo(2);
    assertThat(check.answeredWithGeneratedIds()).isEqualTo(2);
    assertThat(check.unansweredLogged()).isEqualTo(1);
  }

  @Test
  void missingRepeatedOrOtherBytes_areEachCounted() {
    AnsweredPredictions answered = new AnsweredPredictions();
    answered.record(ANSWER, new String[] {"a", "b\"q"});
    List<ConsumerRecord<byte[], byte[]>> log = new ArrayList<>();
    // "a" twice; "b\"q" missing.
    log.add(logged("a", 7, "{\"class\":1,\"probabilities\":[0.25,0.75]}"));
    log.add(logged("a", 7, "{\"class\":1,\"probabilities\":[0.25,0.75]}"));
    AnsweredPredictions.LogCheck check = answered.check(log);
    assertThat(check.answeredWithCallerIds()).isEqualTo(2);
    assertThat(check.repeatedInLog()).isEqualTo(1);
    assertThat(check.missing()).isEqualTo(1);
    assertThat(check.differing()).isZero();

    // The same value printed differently (0.250) is other bytes; so is another version.
    List<ConsumerRecord<byte[], byte[]>> other = new ArrayList<>();
    other.add(logged("a", 7, "{\"class\":1,\"probabilities\":[0.250,0.75]}"));
    other.add(logged("b\"q", 6, "{\"class\":0,\"probabilities\":[0.5,0.5]}"));
    assertThat(answered.check(other).differing()).isEqualTo(2);
  }

  @Test
  void idsAnsweredOtherThanSent_orAnsweredTwice_areProblems() {
    AnsweredPredictions answered = new AnsweredPredictions();
    assertThat(answered.record(ANSWER, new String[] {"a", "c"})).contains("sent as c");
    answered.record(ANSWER, null);
    assertThat(answered.check(exactLog()).repeatedAnswers()).isEqualTo(2);
  }

  @Test
  void rawTexts_areTheCharactersAsWritten() {
    String json = "{ \"x\" : [ 1.50 , {\"y\": \"z\\\"\"} ], \"s\": \"t\\u0041\", \"n\": -0.0 }";
    assertThat(AnsweredPredictions.rawElements(json, "x"))
        .containsExactly("1.50", "{\"y\": \"z\\\"\"}");
    assertThat(AnsweredPredictions.rawField(json, "s")).isEqualTo("\"t\\u0041\"");
    assertThat(AnsweredPredictions.rawField(json, "n")).isEqualTo("-0.0");
  }
}
