package io.streamprop.spec;

import static io.streamprop.spec.JsonFields.boolOr;
import static io.streamprop.spec.JsonFields.checkKeys;
import static io.streamprop.spec.JsonFields.doubleOr;
import static io.streamprop.spec.JsonFields.enumOr;
import static io.streamprop.spec.JsonFields.enumValue;
import static io.streamprop.spec.JsonFields.intList;
import static io.streamprop.spec.JsonFields.intValue;
import static io.streamprop.spec.JsonFields.longValue;
import static io.streamprop.spec.JsonFields.name;
import static io.streamprop.spec.JsonFields.requireObject;
import static io.streamprop.spec.JsonFields.show;
import static io.streamprop.spec.JsonFields.stringList;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamprop.features.FeatureSchema;
import io.streamprop.spec.ModelSpec.Activation;
import io.streamprop.spec.ModelSpec.Init;
import io.streamprop.spec.ModelSpec.InputTransform;
import io.streamprop.spec.ModelSpec.Learner;
import io.streamprop.spec.ModelSpec.Loss;
import io.streamprop.spec.ModelSpec.OptimizerName;
import io.streamprop.spec.ModelSpec.OptimizerSpec;
import io.streamprop.spec.ModelSpec.ScheduleName;
import io.streamprop.spec.ModelSpec.ScheduleSpec;
import io.streamprop.spec.ModelSpec.SnapshotPolicy;
import io.streamprop.spec.ModelSpec.Task;
import io.streamprop.wire.JsonErrors;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads, validates and writes model specs as JSON (format in {@code docs/spec.md}). Missing fields
 * take the defaults in {@link SpecDefaults}; unknown keys are refused (a misspelt key silently
 * ignored would train the wrong model); every error is a {@link SpecException} naming the JSON path
 * and the bad value.
 *
 * <p>{@link #write} emits every field in a fixed order, so equal specs give equal strings and
 * {@code parse(write(spec)).equals(spec)}.
 */
public final class SpecJson {
  private SpecJson() {}

  private static final List<String> TOP_KEYS =
      List.of(
          "task",
          "inputs",
          "feature_names",
          "features",
          "closed_schema",
          "hash_seed",
          "classes",
          "targets",
          "class_names",
          "class_weight",
          "hidden",
          "activation",
          "init",
          "batch_norm",
          "dropout",
          "loss",
          "huber_delta",
          "learner",
          "optimizer",
          "schedule",
          "clip_norm",
          "batch_size",
          "standardize",
          "input_transform",
          "seed",
          "snapshot");
  private static final List<String> OPTIMIZER_KEYS =
      List.of(
          "name", "learning_rate", "momentum", "beta1", "beta2", "rho", "epsilon", "weight_decay");
  private static final List<String> SCHEDULE_KEYS =
      List.of("name", "warmup_steps", "decay_steps", "decay_rate");
  private static final List<String> SNAPSHOT_KEYS = List.of("every_examples", "every_seconds");

  private static final ObjectMapper MAPPER =
      new ObjectMapper(
              JsonFactory.builder()
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /**
   * Parses and validates a spec.
   *
   * @throws SpecException naming the field and the bad value
   */
  public static ModelSpec parse(String json) {
    if (json == null) {
      throw new SpecException("spec", "must be given, got null");
    }
    if (json.length() > SpecLimits.MAX_SPEC_JSON_BYTES) {
      throw new SpecException(
          "spec", "at most " + SpecLimits.MAX_SPEC_JSON_BYTES + " bytes, got " + json.length());
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new SpecException("spec", "not valid JSON: " + JsonErrors.message(e));
    }
    return fromTree(root);
  }

  /** Parses a spec from UTF-8 bytes (a {@code model-specs} record value). */
  public static ModelSpec parse(byte[] json) {
    if (json == null) {
      throw new SpecException("spec", "must be given, got null");
    }
    if (json.length > SpecLimits.MAX_SPEC_JSON_BYTES) {
      throw new SpecException(
          "spec", "at most " + SpecLimits.MAX_SPEC_JSON_BYTES + " bytes, got " + json.length);
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(json))
              .toString();
    } catch (CharacterCodingException e) {
      throw new SpecException("spec", "not valid UTF-8 text");
    }
    return parse(text);
  }

  /** The full spec with every field written out on one line; {@link #parse} gives it back. */
  public static String write(ModelSpec spec) {
    return write(spec, false);
  }

  /** {@link #write}, indented for people (the command line, example files). */
  public static String writePretty(ModelSpec spec) {
    return write(spec, true);
  }

  private static ModelSpec fromTree(JsonNode root) {
    if (root == null || root.isMissingNode()) {
      throw new SpecException(
          "spec", "is empty; the smallest spec is {\"inputs\": 4, \"classes\": 3}");
    }
    if (!root.isObject()) {
      throw new SpecException("spec", "must be a JSON object, got " + show(root));
    }
    checkKeys("", root, TOP_KEYS);

    JsonNode classesNode = root.get("classes");
    JsonNode targetsNode = root.get("targets");
    List<String> classNames = List.of();
    if (root.has("class_names")) {
      classNames = stringList("class_names", root.get("class_names"));
    }
    Task task;
    if (root.has("task")) {
      task = enumValue("task", root.get("task"), Task.class);
    } else if (targetsNode != null && classesNode == null && classNames.isEmpty()) {
      task = Task.REGRESSION;
    } else if (classesNode != null || !classNames.isEmpty()) {
      task = Task.CLASSIFICATION;
    } else {
      throw new SpecException(
          "task",
          "missing: give \"classes\" for classification or \"task\": \"regression\" (with"
              + " \"targets\", default 1)");
    }
    int outputs;
    if (task == Task.CLASSIFICATION) {
      if (targetsNode != null) {
        throw new SpecException(
            "targets", "is for regression; a classification model takes \"classes\"");
      }
      if (classesNode != null) {
        outputs = intValue("classes", classesNode);
      } else if (!classNames.isEmpty()) {
        outputs = classNames.size();
      } else {
        throw new SpecException(
            "classes",
            "missing: a classification model needs its class count (or \"class_names\")");
      }
    } else {
      if (classesNode != null) {
        throw new SpecException(
            "classes", "is for classification; a regression model takes \"targets\"");
      }
      outputs = targetsNode == null ? SpecDefaults.TARGETS : intValue("targets", targetsNode);
    }

    List<String> featureNames = List.of();
    if (root.has("feature_names")) {
      featureNames = stringList("feature_names", root.get("feature_names"));
    }
    FeatureSchema features = FeaturesJson.read(root);
    int inputs;
    if (root.has("inputs")) {
      inputs = intValue("inputs", root.get("inputs"));
    } else if (features != null) {
      inputs = features.layout().inputs();
    } else if (!featureNames.isEmpty()) {
      inputs = featureNames.size();
    } else {
      throw new SpecException(
          "inputs", "missing: give the number of input features (or \"feature_names\")");
    }

    List<Integer> hidden = SpecDefaults.HIDDEN;
    if (root.has("hidden")) {
      hidden = intList("hidden", root.get("hidden"));
    }
    Loss loss =
        root.has("loss")
            ? enumValue("loss", root.get("loss"), Loss.class)
            : task == Task.CLASSIFICATION
                ? SpecDefaults.CLASSIFICATION_LOSS
                : SpecDefaults.REGRESSION_LOSS;

    Learner learner = learner(root);
    return new ModelSpec(
        task,
        inputs,
        featureNames,
        outputs,
        hidden,
        enumOr(root, "activation", Activation.class, SpecDefaults.ACTIVATION),
        enumOr(root, "init", Init.class, SpecDefaults.INIT),
        boolOr(root, "batch_norm", SpecDefaults.BATCH_NORM),
        doubleOr(root, "dropout", SpecDefaults.DROPOUT),
        loss,
        doubleOr(root, "huber_delta", SpecDefaults.HUBER_DELTA),
        optimizer(root.get("optimizer")),
        schedule(root.get("schedule")),
        doubleOr(root, "clip_norm", SpecDefaults.CLIP_NORM),
        root.has("batch_size")
            ? intValue("batch_size", root.get("batch_size"))
            : SpecDefaults.BATCH_SIZE,
        boolOr(root, "standardize", SpecDefaults.STANDARDIZE),
        root.has("seed") ? longValue("seed", root.get("seed")) : SpecDefaults.SEED,
        snapshot(root.get("snapshot")),
        classNames,
        LabelsJson.classWeight(root.get("class_weight"), classNames),
        features,
        learner,
        // absent: auto for a population (its members race them), none for one learner
        enumOr(
            root, "input_transform", InputTransform.class, SpecDefaults.inputTransform(learner)));
  }

  /**
   * The {@code learner} key, or its default: a population when the spec leaves the learning choices
   * open (no {@code optimizer}), the one learner of the spec when it fixes its optimizer.
   */
  private static Learner learner(JsonNode root) {
    if (root.has("learner")) {
      return enumValue("learner", root.get("learner"), Learner.class);
    }
    return root.has("optimizer") ? Learner.SINGLE : SpecDefaults.OPEN_LEARNER;
  }

  /** The optimizer object, or its name alone as a shorthand ({@code "optimizer": "sgd"}). */
  private static OptimizerSpec optimizer(JsonNode node) {
    if (node == null) {
      return SpecDefaults.optimizer();
    }
    OptimizerName name = SpecDefaults.OPTIMIZER;
    if (node.isTextual()) {
      return withName(SpecDefaults.optimizer(), enumValue("optimizer", node, OptimizerName.class));
    }
    requireObject("optimizer", node);
    checkKeys("optimizer.", node, OPTIMIZER_KEYS);
    if (node.has("name")) {
      name = enumValue("optimizer.name", node.get("name"), OptimizerName.class);
    }
    return new OptimizerSpec(
        name,
        doubleOr(node, "optimizer.", "learning_rate", SpecDefaults.LEARNING_RATE),
        doubleOr(node, "optimizer.", "momentum", SpecDefaults.MOMENTUM),
        doubleOr(node, "optimizer.", "beta1", SpecDefaults.BETA1),
        doubleOr(node, "optimizer.", "beta2", SpecDefaults.BETA2),
        doubleOr(node, "optimizer.", "rho", SpecDefaults.RHO),
        doubleOr(node, "optimizer.", "epsilon", SpecDefaults.EPSILON),
        doubleOr(node, "optimizer.", "weight_decay", SpecDefaults.WEIGHT_DECAY));
  }

  private static OptimizerSpec withName(OptimizerSpec o, OptimizerName name) {
    return new OptimizerSpec(
        name,
        o.learningRate(),
        o.momentum(),
        o.beta1(),
        o.beta2(),
        o.rho(),
        o.epsilon(),
        o.weightDecay());
  }

  /** The schedule object, or its name alone as a shorthand ({@code "schedule": "step"}). */
  private static ScheduleSpec schedule(JsonNode node) {
    if (node == null) {
      return SpecDefaults.schedule();
    }
    if (node.isTextual()) {
      ScheduleSpec d = SpecDefaults.schedule();
      return new ScheduleSpec(
          enumValue("schedule", node, ScheduleName.class),
          d.warmupSteps(),
          d.decaySteps(),
          d.decayRate());
    }
    requireObject("schedule", node);
    checkKeys("schedule.", node, SCHEDULE_KEYS);
    return new ScheduleSpec(
        node.has("name")
            ? enumValue("schedule.name", node.get("name"), ScheduleName.class)
            : SpecDefaults.SCHEDULE,
        node.has("warmup_steps")
            ? longValue("schedule.warmup_steps", node.get("warmup_steps"))
            : SpecDefaults.WARMUP_STEPS,
        node.has("decay_steps")
            ? longValue("schedule.decay_steps", node.get("decay_steps"))
            : SpecDefaults.DECAY_STEPS,
        doubleOr(node, "schedule.", "decay_rate", SpecDefaults.DECAY_RATE));
  }

  private static SnapshotPolicy snapshot(JsonNode node) {
    if (node == null) {
      return SpecDefaults.snapshot();
    }
    requireObject("snapshot", node);
    checkKeys("snapshot.", node, SNAPSHOT_KEYS);
    return new SnapshotPolicy(
        node.has("every_examples")
            ? longValue("snapshot.every_examples", node.get("every_examples"))
            : SpecDefaults.SNAPSHOT_EVERY_EXAMPLES,
        doubleOr(node, "snapshot.", "every_seconds", SpecDefaults.SNAPSHOT_EVERY_SECONDS));
  }

  private static String write(ModelSpec spec, boolean pretty) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      if (pretty) {
        g.useDefaultPrettyPrinter();
      }
      g.writeStartObject();
      g.writeStringField("task", name(spec.task()));
      g.writeNumberField("inputs", spec.inputs());
      g.writeArrayFieldStart("feature_names");
      for (String n : spec.featureNames()) {
        g.writeString(n);
      }
      g.writeEndArray();
      FeaturesJson.write(g, spec.features()); // only when the spec has raw features
      g.writeNumberField(
          spec.task() == Task.CLASSIFICATION ? "classes" : "targets", spec.outputs());
      LabelsJson.write(g, spec);
      g.writeArrayFieldStart("hidden");
      for (int width : spec.hidden()) {
        g.writeNumber(width);
      }
      g.writeEndArray();
      g.writeStringField("activation", name(spec.activation()));
      g.writeStringField("init", name(spec.init()));
      g.writeBooleanField("batch_norm", spec.batchNorm());
      g.writeNumberField("dropout", spec.dropout());
      g.writeStringField("loss", name(spec.loss()));
      g.writeNumberField("huber_delta", spec.huberDelta());
      if (spec.learner() != Learner.SINGLE) {
        // Written only when it is not what the written-out optimizer implies (single), so the
        // canonical form, and every snapshot, of a single learner's spec keeps its bytes.
        g.writeStringField("learner", name(spec.learner()));
      }
      if (spec.inputTransform() != SpecDefaults.inputTransform(spec.learner())) {
        // Written only when it is not the learner's default, so the canonical form of every spec
        // written before the key existed keeps its bytes.
        g.writeStringField("input_transform", name(spec.inputTransform()));
      }
      OptimizerSpec o = spec.optimizer();
      g.writeObjectFieldStart("optimizer");
      g.writeStringField("name", name(o.name()));
      g.writeNumberField("learning_rate", o.learningRate());
      g.writeNumberField("momentum", o.momentum());
      g.writeNumberField("beta1", o.beta1());
      g.writeNumberField("beta2", o.beta2());
      g.writeNumberField("rho", o.rho());
      g.writeNumberField("epsilon", o.epsilon());
      g.writeNumberField("weight_decay", o.weightDecay());
      g.writeEndObject();
      ScheduleSpec s = spec.schedule();
      g.writeObjectFieldStart("schedule");
      g.writeStringField("name", name(s.name()));
      g.writeNumberField("warmup_steps", s.warmupSteps());
      g.writeNumberField("decay_steps", s.decaySteps());
      g.writeNumberField("decay_rate", s.decayRate());
      g.writeEndObject();
      g.writeNumberField("clip_norm", spec.clipNorm());
      g.writeNumberField("batch_size", spec.batchSize());
      g.writeBooleanField("standardize", spec.standardize());
      g.writeNumberField("seed", spec.seed());
      g.writeObjectFieldStart("snapshot");
      g.writeNumberField("every_examples", spec.snapshot().everyExamples());
      g.writeNumberField("every_seconds", spec.snapshot().everySeconds());
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }
}
