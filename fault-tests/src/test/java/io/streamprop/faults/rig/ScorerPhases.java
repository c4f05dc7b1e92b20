package io.streamprop.faults.rig;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What a scenario knows of the scorer process it controls, from its own actions and observations: a
 * history of phases. The scenario moves it on ({@link #starting} just before it starts a process,
 * {@link #ready} once it has seen {@code /health/ready} answer 200, {@link #down} just before it
 * kills the process); a client takes a {@link #mark} before each request and asks, with the answer
 * in hand, which phases were in effect while the request ran ({@link #since}). An answer is then
 * judged against what the scorer was at that moment, not merely against what it might have been at
 * some point.
 */
public final class ScorerPhases {
  /** What the scorer process is, as far as the scenario knows. */
  public enum Phase {
    /** Started, and not yet seen ready: refusals and 503s are expected. */
    STARTING,
    /** Seen ready: every request must get an answer, and a prediction a 200. */
    READY,
    /** Not started yet, being killed, or dead: refusals and connections that break are expected. */
    DOWN
  }

  private final List<Phase> history = new ArrayList<>();

  private ScorerPhases(Phase first) {
    history.add(first);
  }

  /** Before the first process starts: nothing listens yet. */
  public static ScorerPhases beforeStart() {
    return new ScorerPhases(Phase.DOWN);
  }

  /** A process is about to be started: call before starting it. */
  public synchronized void starting() {
    history.add(Phase.STARTING);
  }

  /** The scorer was seen ready: call after {@code /health/ready} answered 200. */
  public synchronized void ready() {
    history.add(Phase.READY);
  }

  /** The process is about to be killed: call before the signal. */
  public synchronized void down() {
    history.add(Phase.DOWN);
  }

  /** The position in the history now; pass it to {@link #since} when the request is over. */
  public synchronized int mark() {
    return history.size() - 1;
  }

  /** Every phase in effect from {@code mark} until now. */
  public synchronized Set<Phase> since(int mark) {
    return EnumSet.copyOf(history.subList(mark, history.size()));
  }

  /** The phases so far, in order, for a report. */
  public synchronized List<Phase> history() {
    return List.copyOf(history);
  }
}
