package io.streamprop.faults.rig;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamprop.faults.rig.ScorerPhases.Phase;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** Which answers the load loop accepts at which moment (no broker, no scorer). */
class LoadLoopTest {

  @Test
  void scorerSeenReady_onlyA200IsExpected() {
    EnumSet<Phase> ready = EnumSet.of(Phase.READY);
    assertThat(LoadLoop.expected(200, ready)).isTrue();
    assertThat(LoadLoop.expected(503, ready)).isFalse();
    assertThat(LoadLoop.expected(ScorerClient.REFUSED, ready)).isFalse();
    assertThat(LoadLoop.expected(ScorerClient.BROKEN, ready)).isFalse();
    assertThat(LoadLoop.expected(ScorerClient.TIMEOUT, ready)).isFalse();
    assertThat(LoadLoop.expected(500, ready)).isFalse();
  }

  @Test
  void scorerStarting_503AndRefusalExpected_butNoTimeoutNorBrokenConnection() {
    EnumSet<Phase> starting = EnumSet.of(Phase.STARTING);
    assertThat(LoadLoop.expected(503, starting)).isTrue();
    assertThat(LoadLoop.expected(ScorerClient.REFUSED, starting)).isTrue();
    assertThat(LoadLoop.expected(ScorerClient.BROKEN, starting)).isFalse();
    assertThat(LoadLoop.expected(ScorerClient.TIMEOUT, starting)).isFalse();
  }

  @Test
  void requestAcrossAKill_refusalBrokenConnectionOrTimeoutExpected_but503Not() {
    EnumSet<Phase> acrossKill = EnumSet.of(Phase.READY, Phase.DOWN);
    assertThat(LoadLoop.expected(ScorerClient.REFUSED, acrossKill)).isTrue();
    assertThat(LoadLoop.expected(ScorerClient.BROKEN, acrossKill)).isTrue();
    assertThat(LoadLoop.expected(ScorerClient.TIMEOUT, acrossKill)).isTrue();
    assertThat(LoadLoop.expected(503, acrossKill)).isFalse();
  }

  @Test
  void phases_sinceAMark_coverEveryTransitionDuringTheRequest() {
    ScorerPhases phases = ScorerPhases.beforeStart();
    phases.starting();
    phases.ready();
    int mark = phases.mark();
    assertThat(phases.since(mark)).containsExactly(Phase.READY);

    phases.down();
    phases.starting();
    assertThat(phases.since(mark))
        .containsExactlyInAnyOrder(Phase.READY, Phase.DOWN, Phase.STARTING);
    assertThat(phases.since(phases.mark())).containsExactly(Phase.STARTING);
    assertThat(phases.history())
        .containsExactly(Phase.DOWN, Phase.STARTING, Phase.READY, Phase.DOWN, Phase.STARTING);
  }
}
