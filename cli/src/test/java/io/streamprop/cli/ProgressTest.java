package io.streamprop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.learn.StepResult;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.ModelSpec.Activation;
import io.streamprop.spec.ModelSpec.Init;
import io.streamprop.spec.ModelSpec.Loss;
import io.streamprop.spec.ModelSpec.OptimizerName;
import io.streamprop.spec.ModelSpec.OptimizerSpec;
import io.streamprop.spec.ModelSpec.ScheduleName;
import io.streamprop.spec.ModelSpec.ScheduleSpec;
import io.streamprop.spec.ModelSpec.SnapshotPolicy;
import io.streamprop.spec.ModelSpec.Task;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private static final long MILLIS = 1_000_000L;

  static ModelSpec irisSpec() {
    return new ModelSpec(
        Task.CLASSIFICATION,
        4,
        List.of(),
        3,
        List.of(8),
        Activation.RELU,
        Init.AUTO,
        false,
        0.0,
        Loss.SOFTMAX_CROSS_ENTROPY,
        1.0,
        new OptimizerSpec(OptimizerName.ADAM, 0.003, 0.9, 0.9, 0.999, 0.9, 1e-8, 0.0),
        new ScheduleSpec(ScheduleName.CONSTANT, 0, 1000, 0.5),
        5.0,
        4,
        true,
        42,
        new SnapshotPolicy(10_000, 5.0),
        java.util.List.of(),
        ModelSpec.ClassWeight.NONE,
        null,
        ModelSpec.Learner.SINGLE,
        ModelSpec.InputTransform.NONE);
  }

  private final long[] now = {0};
  private final StringWriter text = new StringWriter();
  private final Tally tally = new Tally(irisSpec());

  private Progress progress(Progress.Mode mode) {
    return new Progress(new PrintWriter(text, true), mode, () -> now[0]);
  }

  @Test
  void updatesWithinAQuarterSecond_printOnce() {
    Progress progress = progress(Progress.Mode.ALWAYS);
    tally.add(new StepResult(4, 4.0, 3, 0.0, false, 0.003, new StepResult.LayerStats[0]));

    now[0] = 300 * MILLIS;
    progress.update("", 4, tally);
    now[0] = 400 * MILLIS;
    progress.update("", 8, tally);
    now[0] = 540 * MILLIS;
    progress.update("", 12, tally);

    assertThat(text.toString()).startsWith("\r4 examples  accuracy 0.7500  loss 1.0000");
    assertThat(text.toString().chars().filter(c -> c == '\r')).hasSize(1);
  }

  @Test
  void updateAfterTheInterval_rewritesTheLineInPlace() {
    Progress progress = progress(Progress.Mode.ALWAYS);
    tally.add(new StepResult(4, 4.0, 3, 0.0, false, 0.003, new StepResult.LayerStats[0]));

    now[0] = 300 * MILLIS;
    progress.update("", 4, tally);
    now[0] = 600 * MILLIS;
    progress.update("", 1000, tally);

    assertThat(text.toString().split("\r")).hasSize(3);
    assertThat(text.toString()).contains("\r1,000 examples");
  }

  @Test
  void finish_erasesThePrintedLine() {
    Progress progress = progress(Progress.Mode.ALWAYS);
    now[0] = 300 * MILLIS;
    progress.update("epoch 1/2: ", 4, tally);
    int width = text.toString().length() - 1;

    progress.finish();

    assertThat(text.toString()).endsWith("\r" + " ".repeat(width) + "\r");
  }

  @Test
  void never_printsNothing() {
    Progress progress = progress(Progress.Mode.NEVER);

    now[0] = 10_000 * MILLIS;
    progress.update("", 4, tally);
    progress.finish();

    assertThat(text.toString()).isEmpty();
  }

  @Test
  void auto_followsTheLaunchersTerminalFlag() {
    String previous = System.getProperty("streamprop.stderr.tty");
    try {
      System.setProperty("streamprop.stderr.tty", "false");
      Progress progress = progress(Progress.Mode.AUTO);
      now[0] = 10_000 * MILLIS;
      progress.update("", 4, tally);
      assertThat(text.toString()).isEmpty();

      System.setProperty("streamprop.stderr.tty", "true");
      progress = progress(Progress.Mode.AUTO);
      now[0] = 20_000 * MILLIS;
      progress.update("", 4, tally);
      assertThat(text.toString()).contains("4 examples");
    } finally {
      if (previous == null) {
        System.clearProperty("streamprop.stderr.tty");
      } else {
        System.setProperty("streamprop.stderr.tty", previous);
      }
    }
  }
}
