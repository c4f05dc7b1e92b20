package io.streamprop.scorer.registry;

import io.streamprop.features.Featurizer;
import io.streamprop.spec.ModelSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One model as served: immutable, built and warmed before it is published, so that a request that
 * reads it once sees one consistent model (weights, spec and version together).
 *
 * <p>A model with raw features ({@link ModelSpec#hasFeatures()}) takes instances of raw values by
 * name, featurized by {@link #featurizer()} and predicted with {@link Inference#predict(
 * io.streamprop.features.FeatureRow[])}; a model of numbers takes vectors.
 *
 * <p>The output width of {@link #inference()} is {@code spec.outputs()}: class probabilities for
 * classification (two for binary cross-entropy), predicted values for regression.
 */
public final class ServedModel {
  private final String name;
  private final long version;
  private final ModelSpec spec;
  private final Inference inference;
  private final ModelInfo info;
  private final Map<String, Integer> featureIndex;
  private final Featurizer featurizer; // null for a model of numbers

  public ServedModel(
      String name, long version, ModelSpec spec, Inference inference, ModelInfo info) {
    this.name = Objects.requireNonNull(name, "name");
    this.version = version;
    this.spec = Objects.requireNonNull(spec, "spec");
    this.inference = Objects.requireNonNull(inference, "inference");
    this.info = Objects.requireNonNull(info, "info");
    List<String> names = spec.featureNames() == null ? List.of() : spec.featureNames();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      index.put(names.get(i), i);
    }
    this.featureIndex = Map.copyOf(index);
    this.featurizer = spec.hasFeatures() ? new Featurizer(spec.features()) : null;
  }

  public String name() {
    return name;
  }

  public long version() {
    return version;
  }

  public ModelSpec spec() {
    return spec;
  }

  public Inference inference() {
    return inference;
  }

  public ModelInfo info() {
    return info;
  }

  /** Input features per instance. */
  public int inputs() {
    return spec.inputs();
  }

  /** Values per predicted instance (see the class comment). */
  public int outputs() {
    return spec.outputs();
  }

  /**
   * The spec's featurizer, which turns an instance of raw features into the model's inputs exactly
   * as the trainer turned its examples; null for a model of numbers.
   */
  public Featurizer featurizer() {
    return featurizer;
  }

  /** True when the spec names its features, so that instances may come as objects. */
  public boolean hasFeatureNames() {
    return !featureIndex.isEmpty();
  }

  /** Position of a named feature, or -1 if the spec has no such feature. */
  public int featureIndex(String featureName) {
    Integer index = featureIndex.get(featureName);
    return index == null ? -1 : index;
  }

  @Override
  public String toString() {
    return "ServedModel[" + name + " v" + version + "]";
  }
}
