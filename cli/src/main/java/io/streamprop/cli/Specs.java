package io.streamprop.cli;

import io.streamprop.data.SpecInference;
import io.streamprop.learn.population.PopulationPlan;
import io.streamprop.spec.ModelSpec;
import io.streamprop.spec.SpecException;
import io.streamprop.spec.SpecJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/** Where a command's spec comes from: the {@code --spec} file, or else inferred from the data. */
final class Specs {
  private Specs() {}

  /** Reads and validates a spec file; errors name the file and the field. */
  static ModelSpec read(Path file) {
    String json;
    try {
      json = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new UserException(file + ": no such file");
    } catch (IOException e) {
      throw UserException.io(file, "read", e);
    }
    try {
      return SpecJson.parse(json);
    } catch (SpecException e) {
      throw new UserException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The spec from {@code specFile} if given, else the one inferred from {@code data}; an inferred
   * spec is announced on {@code err} so that the user knows what was trained, with a warning for
   * each column inferred non-numeric because of a few values ({@link NumericHints}).
   */
  static ModelSpec resolve(Path specFile, Path data, PrintWriter err) {
    if (specFile != null) {
      return read(specFile);
    }
    SpecInference.Inference inference = DataReader.infer(data);
    ModelSpec spec = inference.spec();
    err.println(
        "no --spec: inferred "
            + describe(spec)
            + " from "
            + data
            + " ("
            + inference.reason()
            + "; `streamprop spec --data "
            + data
            + "` prints the whole spec)");
    NumericHints.warnings(data, inference).forEach(err::println);
    err.flush();
    return spec;
  }

  /**
   * One line: task, shape (with the raw features and class names when there are), activation, loss,
   * optimizer, mini-batch.
   */
  static String describe(ModelSpec spec) {
    String outputs =
        spec.task() == ModelSpec.Task.CLASSIFICATION
            ? spec.outputs()
                + " classes"
                + (spec.classNames().isEmpty() ? "" : " " + abbreviate(spec.classNames()))
            : spec.outputs() + (spec.outputs() == 1 ? " target" : " targets");
    String inputs =
        spec.hasFeatures()
            ? spec.inputs() + " inputs from " + spec.features().size() + " raw features"
            : spec.inputs() + " inputs";
    return String.format(
        Locale.ROOT,
        "%s %s%s -> %s -> %s, %s, %s, %s %s, batch_size %d%s",
        lower(spec.task()),
        inputs,
        spec.inputTransform() == ModelSpec.InputTransform.SYMLOG ? " (symlog)" : "",
        spec.hidden(),
        outputs,
        lower(spec.activation()),
        lower(spec.loss()),
        lower(spec.optimizer().name()),
        spec.learner() == ModelSpec.Learner.POPULATION
            ? "population of lr "
                + PopulationPlan.standard().rateFactors().stream()
                    .map(f -> String.valueOf(f * spec.optimizer().learningRate()))
                    .toList()
                + (PopulationPlan.standard().widthFactors().size() > 1
                    ? " x hidden widths " + scaledWidths(spec.hidden())
                    : "")
                + (PopulationPlan.transforms(spec).size() > 1
                    ? ", and symlog inputs at the first widths"
                    : "")
                + (spec.hidden().isEmpty()
                    ? ""
                    : "; linear members at lr "
                        + PopulationPlan.standard().linearRateFactors().stream()
                            .map(f -> String.valueOf(f * spec.optimizer().learningRate()))
                            .toList()
                        + " in the warm-up")
            : "lr " + spec.optimizer().learningRate(),
        spec.batchSize(),
        spec.learner() == ModelSpec.Learner.POPULATION
                && PopulationPlan.standard().warmupExamples() > 0
            ? " (1 for the first " + PopulationPlan.standard().warmupExamples() + " examples)"
            : "");
  }

  /**
   * The population's hidden widths, each the spec's times a width factor, with the factors: {@code
   * [64], [128] (the spec's x1, x2)}.
   */
  static String scaledWidths(java.util.List<Integer> hidden) {
    java.util.List<Integer> factors = PopulationPlan.standard().widthFactors();
    StringBuilder widths = new StringBuilder();
    StringBuilder times = new StringBuilder();
    for (int factor : factors) {
      if (widths.length() > 0) {
        widths.append(", ");
        times.append(", ");
      }
      widths.append(hidden.stream().map(h -> h * factor).toList());
      times.append('x').append(factor);
    }
    return widths + " (the spec's " + times + ")";
  }

  /** Up to 5 names, then "..." */
  private static String abbreviate(java.util.List<String> names) {
    return names.size() <= 5
        ? names.toString()
        : names.subList(0, 5).toString().replace("]", ", ... (" + names.size() + ")]");
  }

  static String lower(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT);
  }
}
