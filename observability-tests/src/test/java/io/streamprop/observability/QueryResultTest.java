package io.streamprop.observability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * What counts as "the query returned data" in {@link LiveStackIT}: a finite sample, nothing less.
 */
class QueryResultTest {
  private static boolean finite(String data) throws Exception {
    return LiveStackIT.hasFiniteSample(Dashboards.JSON.readTree(data));
  }

  @Test
  void emptyVector_isNoData() throws Exception {
    assertThat(finite("{\"resultType\": \"vector\", \"result\": []}")).isFalse();
  }

  @Test
  void vectorOfOnlyNaN_isNoData() throws Exception {
    assertThat(
            finite(
                "{\"resultType\": \"vector\", \"result\": [{\"metric\": {}, \"value\": [1, \"NaN\"]},"
                    + " {\"metric\": {}, \"value\": [1, \"+Inf\"]}]}"))
        .isFalse();
  }

  @Test
  void vectorWithOneFiniteSample_isData() throws Exception {
    assertThat(
            finite(
                "{\"resultType\": \"vector\", \"result\": [{\"metric\": {}, \"value\": [1, \"NaN\"]},"
                    + " {\"metric\": {}, \"value\": [1, \"0\"]}]}"))
        .isTrue();
  }

  @Test
  void finiteScalar_isData_nanScalarIsNot() throws Exception {
    assertThat(finite("{\"resultType\": \"scalar\", \"result\": [1, \"2.5\"]}")).isTrue();
    assertThat(finite("{\"resultType\": \"scalar\", \"result\": [1, \"NaN\"]}")).isFalse();
  }
}
