package io.streamprop.cli;

import io.streamprop.data.SpecInference;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Warnings for columns that inference made non-numeric because of a few values ({@link
 * SpecInference.MostlyNumeric}: one {@code "thirty"} among a thousand ages was most likely meant to
 * be a number). Inference itself stays as it is (any non-number makes a column non-numeric,
 * docs/data.md); this only tells the user, naming the column, how many values are not numbers and
 * the first of them with its line.
 */
final class NumericHints {
  private NumericHints() {}

  /** One line per mostly-numeric column of {@code data} that {@code inference} read otherwise. */
  static List<String> warnings(Path data, SpecInference.Inference inference) {
    return inference.mostlyNumeric().stream()
        .map(
            c ->
                String.format(
                    Locale.ROOT,
                    "warning: features.%s: %,d of its %,d values %s not a number (the first: %s at"
                        + " %s), so it was inferred %s; to read it as numeric, fix or empty %s and"
                        + " give a --spec where its kind is numeric (`streamprop spec --data %s`"
                        + " prints one to edit)",
                    c.feature(),
                    c.notNumbers(),
                    c.values(),
                    c.notNumbers() == 1 ? "is" : "are",
                    c.first(),
                    c.where(),
                    c.kind().name().toLowerCase(Locale.ROOT),
                    c.notNumbers() == 1 ? "that value" : "those values",
                    data))
        .toList();
  }
}
