package io.streamprop.wire;

import io.streamprop.learn.population.PopulationState;
import java.nio.ByteBuffer;

/**
 * Reads what a {@code model-snapshots} record serves, whichever learner wrote it: a single model's
 * snapshot ({@link SnapshotCodec}, magic {@code SPRP}) is its own state; a population's ({@link
 * PopulationCodec}, magic {@code SPPO}) serves its leader's state at the population's model
 * version.
 */
public final class Snapshots {
  private Snapshots() {}

  /** True when the bytes start with a population's magic {@code SPPO}. */
  public static boolean isPopulation(byte[] bytes) {
    return bytes != null
        && bytes.length >= 4
        && ByteBuffer.wrap(bytes).getInt(0) == PopulationCodec.MAGIC;
  }

  /**
   * The served state and creation time of a snapshot record; with a key, only snapshots signed with
   * it decode.
   *
   * @throws SnapshotException saying what is wrong
   */
  public static Snapshot served(byte[] bytes, SigningKey key) {
    if (isPopulation(bytes)) {
      PopulationCodec.Served served = PopulationCodec.decodeServed(bytes, key);
      return new Snapshot(served.served().model(), served.createdAtMillis());
    }
    return SnapshotCodec.decodeSnapshot(bytes, key);
  }

  /** {@link #served(byte[], SigningKey)} without verifying signatures. */
  public static Snapshot served(byte[] bytes) {
    return served(bytes, null);
  }

  /**
   * The whole population a population snapshot carries (its training part), or null for a single
   * model's snapshot.
   *
   * @throws SnapshotException if a population's bytes do not decode
   */
  public static PopulationState population(byte[] bytes) {
    return isPopulation(bytes) ? PopulationCodec.decode(bytes) : null;
  }
}
