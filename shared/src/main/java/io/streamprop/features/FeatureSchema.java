package io.streamprop.features;

import io.streamprop.spec.SpecException;
import io.streamprop.spec.SpecLimits;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The ordered, validated raw features of a model (the spec's {@code features}, {@code
 * closed_schema} and {@code hash_seed}), with the network input layout they make. Immutable; an
 * instance that exists is valid. Field order is the spec's and fixes the layout.
 */
public final class FeatureSchema {
  private final List<FeatureSpec> features;
  private final boolean closedSchema;
  private final long hashSeed;
  private final Map<String, Integer> index;
  private final FeatureLayout layout;

  /**
   * @param features the features in order, at least one, names unique
   * @param closedSchema true: an event field that is not a feature is an error; false: ignored
   * @param hashSeed the MurmurHash3 seed, an unsigned 32-bit integer (0..4294967295)
   * @throws SpecException naming the JSON path ({@code features[i].key}) and the bad value
   */
  public FeatureSchema(List<FeatureSpec> features, boolean closedSchema, long hashSeed) {
    if (features == null) {
      throw new SpecException("features", "must be given, got null");
    }
    if (features.isEmpty() || features.size() > SpecLimits.MAX_FEATURES) {
      throw new SpecException(
          "features",
          "must list 1.." + SpecLimits.MAX_FEATURES + " features, got " + features.size());
    }
    if (hashSeed < 0 || hashSeed > SpecLimits.MAX_HASH_SEED) {
      throw new SpecException(
          "hash_seed", "must be in 0.." + SpecLimits.MAX_HASH_SEED + ", got " + hashSeed);
    }
    Map<String, Integer> names = new HashMap<>();
    for (int i = 0; i < features.size(); i++) {
      FeatureSpec f = features.get(i);
      String path = "features[" + i + "]";
      if (f == null) {
        throw new SpecException(path, "must be given, got null");
      }
      f.validate(path);
      if (names.putIfAbsent(f.name(), i) != null) {
        throw new SpecException(
            path + ".name", "duplicate name \"" + FeatureErrors.abbreviate(f.name()) + "\"");
      }
    }
    this.features = List.copyOf(features);
    this.closedSchema = closedSchema;
    this.hashSeed = hashSeed;
    this.index = Map.copyOf(names);
    this.layout = new FeatureLayout(this.features);
  }

  /** An open schema (unknown fields ignored) with hash seed 0. */
  public static FeatureSchema of(FeatureSpec... features) {
    return new FeatureSchema(List.of(features), false, 0);
  }

  public List<FeatureSpec> features() {
    return features;
  }

  public boolean closedSchema() {
    return closedSchema;
  }

  /** The hash seed as given, 0..4294967295. */
  public long hashSeed() {
    return hashSeed;
  }

  public int size() {
    return features.size();
  }

  public FeatureSpec feature(int i) {
    return features.get(i);
  }

  /** The position of the feature with this name, or -1. */
  public int indexOf(String name) {
    Integer i = index.get(name);
    return i == null ? -1 : i;
  }

  /** Where each feature lands in the network input. */
  public FeatureLayout layout() {
    return layout;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FeatureSchema other
        && features.equals(other.features)
        && closedSchema == other.closedSchema
        && hashSeed == other.hashSeed;
  }

  @Override
  public int hashCode() {
    return Objects.hash(features, closedSchema, hashSeed);
  }

  @Override
  public String toString() {
    return "FeatureSchema[features="
        + features
        + ", closedSchema="
        + closedSchema
        + ", hashSeed="
        + hashSeed
        + "]";
  }
}
