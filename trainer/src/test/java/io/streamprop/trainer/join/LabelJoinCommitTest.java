package io.streamprop.trainer.join;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A joined example is invisible to the training task (which reads {@code examples} read_committed)
 * until its transaction commits, so the join asks Kafka Streams for a commit when it emits one, at
 * most once per {@link JoinSettings#commitSpacingMs}.
 */
class LabelJoinCommitTest {
  private static final long T = 1_733_480_000_000L;
  private final MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>();
  private LabelJoin join;

  @BeforeEach
  void start() {
    join = MockJoins.start(context, false, 50);
    context.setCurrentSystemTimeMs(1_000);
  }

  private void predict(String id) {
    context.setRecordMetadata("predictions", 0, 0);
    byte[] value =
        ("{\"id\": \""
                + id
                + "\", \"model\": \"iris\", \"version\": 3, \"time\": "
                + T
                + ", \"features\": [5.1, 3.5, 1.4, 0.2], \"prediction\": {\"class\": 0,"
                + " \"probabilities\": [0.9, 0.05, 0.05]}}")
            .getBytes(StandardCharsets.UTF_8);
    join.process(new Record<>(id.getBytes(StandardCharsets.UTF_8), value, T));
  }

  private void label(String id) {
    context.setRecordMetadata("labels", 0, 0);
    join.process(
        new Record<>(
            id.getBytes(StandardCharsets.UTF_8),
            "{\"label\": 1}".getBytes(StandardCharsets.UTF_8),
            T + 1000));
  }

  @Test
  void emittingAJoinedExample_requestsACommit_atMostOncePerSpacing() {
    predict("a");
    predict("b");
    predict("c");
    assertThat(context.committed()).as("a logged prediction alone hurries nothing").isFalse();

    label("a");
    assertThat(context.forwarded()).hasSize(1);
    assertThat(context.committed()).isTrue();

    context.resetCommit();
    context.setCurrentSystemTimeMs(1_049);
    label("b");
    assertThat(context.forwarded()).hasSize(2);
    assertThat(context.committed()).as("49 ms after the last request").isFalse();

    context.setCurrentSystemTimeMs(1_050);
    label("c");
    assertThat(context.forwarded()).hasSize(3);
    assertThat(context.committed()).isTrue();
  }
}
