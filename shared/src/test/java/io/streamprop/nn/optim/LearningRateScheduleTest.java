package io.streamprop.nn.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamprop.spec.ModelSpec.ScheduleName;
import io.streamprop.spec.ModelSpec.ScheduleSpec;
import io.streamprop.spec.SpecException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LearningRateScheduleTest {

  static Stream<Arguments> torchSchedules() {
    List<Arguments> out = new ArrayList<>();
    for (JsonNode c : OptimizerGoldenTest.golden().get("schedules")) {
      out.add(
          Arguments.of(
              c.get("name").asText()
                  + " warmup="
                  + c.get("warmup_steps").asLong()
                  + " decay_steps="
                  + c.get("decay_steps").asLong()
                  + " rate="
                  + c.get("decay_rate").asDouble(),
              c));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("torchSchedules")
  void schedule_firstTwentySteps_matchesTorchSchedulers(String label, JsonNode c) {
    LearningRateSchedule schedule =
        LearningRateSchedule.of(
            new ScheduleSpec(
                ScheduleName.valueOf(c.get("name").asText().toUpperCase(Locale.ROOT)),
                c.get("warmup_steps").asLong(),
                c.get("decay_steps").asLong(),
                c.get("decay_rate").asDouble()));
    double base = c.get("base").asDouble();
    JsonNode rates = c.get("rates");

    for (int t = 1; t <= rates.size(); t++) {
      double expected = rates.get(t - 1).asDouble();
      // PyTorch's LinearLR compounds factors step by step; a few double ulps apart.
      assertThat(schedule.rate(t, base))
          .as("%s at step %d", label, t)
          .isCloseTo(expected, within(1e-12 * expected));
    }
  }

  @Test
  void warmUpOfFour_firstSteps_climbLinearlyFromAQuarterToBase() {
    LearningRateSchedule schedule =
        LearningRateSchedule.of(new ScheduleSpec(ScheduleName.CONSTANT, 4, 1000, 0.5));

    assertThat(schedule.rate(1, 0.8)).isEqualTo(0.2);
    assertThat(schedule.rate(2, 0.8)).isEqualTo(0.4);
    assertThat(schedule.rate(3, 0.8)).isCloseTo(0.6, within(1e-15));
    assertThat(schedule.rate(4, 0.8)).isEqualTo(0.8);
    assertThat(schedule.rate(5, 0.8)).isEqualTo(0.8);
    assertThat(schedule.rate(1_000_000, 0.8)).isEqualTo(0.8);
  }

  @Test
  void stepDecay_everyDecayStepsSteps_multipliesByDecayRate() {
    LearningRateSchedule schedule =
        LearningRateSchedule.of(new ScheduleSpec(ScheduleName.STEP, 0, 1000, 0.5));

    assertThat(schedule.rate(1, 1.0)).isEqualTo(1.0);
    assertThat(schedule.rate(1000, 1.0)).isEqualTo(1.0);
    assertThat(schedule.rate(1001, 1.0)).isEqualTo(0.5);
    assertThat(schedule.rate(2000, 1.0)).isEqualTo(0.5);
    assertThat(schedule.rate(2001, 1.0)).isEqualTo(0.25);
  }

  @Test
  void stepDecayAfterWarmUp_firstPeriodStartsAfterWarmUp() {
    LearningRateSchedule schedule =
        LearningRateSchedule.of(new ScheduleSpec(ScheduleName.STEP, 10, 100, 0.1));

    assertThat(schedule.rate(10, 2.0)).isEqualTo(2.0);
    assertThat(schedule.rate(110, 2.0)).isEqualTo(2.0);
    assertThat(schedule.rate(111, 2.0)).isCloseTo(0.2, within(1e-15));
  }

  @Test
  void inverseTime_afterDecaySteps_rateIsBaseOverOnePlusDecayRate() {
    LearningRateSchedule schedule =
        LearningRateSchedule.of(new ScheduleSpec(ScheduleName.INVERSE_TIME, 0, 100, 0.5));

    assertThat(schedule.rate(1, 3.0)).isEqualTo(3.0);
    assertThat(schedule.rate(101, 3.0)).isEqualTo(2.0);
    assertThat(schedule.rate(201, 3.0)).isEqualTo(1.5);
  }

  @Test
  void constantWithoutWarmUp_anyStep_isBase() {
    LearningRateSchedule schedule =
        LearningRateSchedule.of(new ScheduleSpec(ScheduleName.CONSTANT, 0, 1000, 0.5));

    assertThat(schedule.rate(1, 0.003)).isEqualTo(0.003);
    assertThat(schedule.rate(Long.MAX_VALUE, 0.003)).isEqualTo(0.003);
  }

  @Test
  void rate_stepZero_refusedAsOneBased() {
    LearningRateSchedule schedule =
        LearningRateSchedule.of(new ScheduleSpec(ScheduleName.CONSTANT, 0, 1000, 0.5));

    assertThatThrownBy(() -> schedule.rate(0, 0.1)).hasMessageContaining("1-based, got 0");
  }

  static Stream<Arguments> invalidSchedules() {
    return Stream.of(
        Arguments.of(
            new ScheduleSpec(ScheduleName.CONSTANT, -1, 1000, 0.5), "schedule.warmup_steps", "-1"),
        Arguments.of(new ScheduleSpec(ScheduleName.STEP, 0, 0, 0.5), "schedule.decay_steps", "0"),
        Arguments.of(
            new ScheduleSpec(ScheduleName.INVERSE_TIME, 0, -5, 0.5), "schedule.decay_steps", "-5"),
        Arguments.of(new ScheduleSpec(ScheduleName.STEP, 0, 10, 0), "schedule.decay_rate", "0.0"),
        Arguments.of(new ScheduleSpec(ScheduleName.STEP, 0, 10, 1.5), "schedule.decay_rate", "1.5"),
        Arguments.of(
            new ScheduleSpec(ScheduleName.STEP, 0, 10, Double.NaN), "schedule.decay_rate", "NaN"),
        Arguments.of(
            new ScheduleSpec(ScheduleName.INVERSE_TIME, 0, 10, -0.5),
            "schedule.decay_rate",
            "-0.5"));
  }

  @ParameterizedTest
  @MethodSource("invalidSchedules")
  void invalidSchedule_of_refusedNamingFieldAndValue(
      ScheduleSpec spec, String field, String value) {
    assertThatThrownBy(() -> LearningRateSchedule.of(spec))
        .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageContaining("got " + value);
  }

  @Test
  void constantSchedule_unusedDecayFields_notChecked() {
    LearningRateSchedule schedule =
        LearningRateSchedule.of(new ScheduleSpec(ScheduleName.CONSTANT, 0, 0, -3));

    assertThat(schedule.rate(5, 0.1)).isEqualTo(0.1);
  }
}
