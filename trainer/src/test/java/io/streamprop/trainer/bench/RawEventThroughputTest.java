package io.streamprop.trainer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecJson;
import io.streamprop.wire.Example;
import io.streamprop.wire.ExampleParser;
import org.junit.jupiter.api.Test;

/** The benchmark's events are the 20-field mixed event, and the trainer accepts each. */
class RawEventThroughputTest {

  @Test
  void benchmarkEvents_twentyFieldsOfFourKinds_eachParsedByTheTrainersParser() {
    ModelSpec spec = SpecJson.parse(RawEventThroughput.spec());
    ExampleParser parser = new ExampleParser(spec);
    byte[][] events = RawEventThroughput.events(2000, 20);
    long tokens = 0;
    int churned = 0;
    for (byte[] event : events) {
      Example e = parser.parse(event);
      tokens += e.ids()[CATEGORICAL_FIELDS].length + e.ids()[CATEGORICAL_FIELDS + 1].length;
      churned += (int) e.label()[0];
    }

    assertThat(spec.features().size()).isEqualTo(20);
    assertThat(spec.batchSize()).isEqualTo(8);
    assertThat(tokens / (2.0 * events.length)).isBetween(9.0, 11.0);
    assertThat(churned).isBetween(100, 1900); // both classes occur
  }

  private static final int CATEGORICAL_FIELDS = RawEventThroughput.CATEGORICAL;
}
