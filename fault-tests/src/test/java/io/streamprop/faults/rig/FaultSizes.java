package io.streamprop.faults.rig;

/**
 * Sizes of the short run (the default, part of {@code ./mvnw verify}) and of the full run ({@code
 * -Pfaults-full}, system property {@code faults.full=true}).
 */
public final class FaultSizes {
  private FaultSizes() {}

  public static final boolean FULL = Boolean.getBoolean("faults.full");

  /** Examples streamed while the trainer is killed. */
  public static int killStreamExamples() {
    return FULL ? 200_000 : 30_000;
  }

  /** SIGKILLs of the trainer. */
  public static int trainerKills() {
    return FULL ? 5 : 2;
  }

  /** Logged predictions (each labeled once) while the trainer's label join is killed. */
  public static int labelJoinPredictions() {
    return FULL ? 30_000 : 3_000;
  }

  /** SIGKILLs of the trainer while labels are joined. */
  public static int labelJoinKills() {
    return FULL ? 4 : 2;
  }

  /** Examples streamed while the broker restarts. */
  public static int brokerStreamExamples() {
    return FULL ? 100_000 : 10_000;
  }

  /** Valid examples of the poison scenario. */
  public static int poisonValidExamples() {
    return FULL ? 50_000 : 6_000;
  }

  /** Bad records of each kind in the poison scenario. */
  public static int poisonPerKind() {
    return FULL ? 20 : 3;
  }

  /** Scorer kills under load. */
  public static int scorerRestarts() {
    return FULL ? 3 : 1;
  }

  /** Examples of each of the six models shared by several trainer instances. */
  public static int multiInstanceExamplesPerModel() {
    return FULL ? 30_000 : 4_000;
  }

  /** Examples of each model streamed through the 3-broker cluster while a broker is killed. */
  public static int clusterExamplesPerModel() {
    return FULL ? 30_000 : 3_000;
  }

  /** Examples of each of the four models while one of two trainers is cut off and comes back. */
  public static int zombieExamplesPerModel() {
    return FULL ? 30_000 : 4_000;
  }

  public static String label() {
    return FULL ? "full" : "short";
  }
}
