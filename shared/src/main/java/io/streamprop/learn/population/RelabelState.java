package io.streamprop.learn.population;

import io.streamprop.learn.state.ModelState;
import java.util.Arrays;
import java.util.Objects;

/**
 * The state of a relabelling in progress ({@link Relabelling}): the frozen copy of the leader taken
 * at the drift alarm, and how often each label met each of the copy's answers since.
 *
 * @param copy the leader's complete state at the alarm (it learns nothing while counted)
 * @param counts (classes, classes), label-major: {@code counts[label * classes + answer]}
 * @param errorBefore the served member's mean error rate before the alarm (the drift test's mean)
 */
public record RelabelState(ModelState copy, long[] counts, double errorBefore) {
  /** Most classes a relabelling counts for (its counts are classes × classes). */
  public static final int MAX_CLASSES = 256;

  public RelabelState {
    Objects.requireNonNull(copy, "copy");
    Objects.requireNonNull(counts, "counts");
    int classes = copy.spec().outputs();
    if (classes > MAX_CLASSES) {
      throw new IllegalArgumentException(
          "relabelling counts at most " + MAX_CLASSES + " classes, got " + classes);
    }
    if (counts.length != classes * classes) {
      throw new IllegalArgumentException(
          "relabelling counts must be classes x classes = "
              + classes * classes
              + ", got "
              + counts.length);
    }
    if (!(errorBefore >= 0 && errorBefore <= 1)) {
      throw new IllegalArgumentException(
          "relabelling's error rate before must be in [0, 1], got " + errorBefore);
    }
    for (long c : counts) {
      if (c < 0) {
        throw new IllegalArgumentException("relabelling counts must be >= 0, got " + c);
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RelabelState r
        && copy.equals(r.copy)
        && Arrays.equals(counts, r.counts)
        && Double.compare(errorBefore, r.errorBefore) == 0;
  }

  @Override
  public int hashCode() {
    return (31 * copy.hashCode() + Arrays.hashCode(counts)) * 31 + Double.hashCode(errorBefore);
  }

  @Override
  public String toString() {
    return "RelabelState[copy of version "
        + copy.version()
        + ", counted "
        + counted()
        + ", error before "
        + errorBefore
        + "]";
  }

  /**
   * The copy's error rate on the counted examples with its answers re-ordered (each label given the
   * answer it met most often); 1 before any is counted.
   */
  public double reorderedError() {
    int classes = copy.spec().outputs();
    int[] source = sources();
    long right = 0;
    for (int label = 0; label < classes; label++) {
      right += counts[label * classes + source[label]];
    }
    long n = counted();
    return n == 0 ? 1 : 1 - right / (double) n;
  }

  /** For each label, the copy's answer it met most often (the lowest on ties), or itself. */
  public int[] sources() {
    int classes = copy.spec().outputs();
    int[] source = new int[classes];
    for (int label = 0; label < classes; label++) {
      source[label] = label;
      long most = 0;
      for (int answer = 0; answer < classes; answer++) {
        if (counts[label * classes + answer] > most) {
          most = counts[label * classes + answer];
          source[label] = answer;
        }
      }
    }
    return source;
  }

  /** The examples counted so far. */
  public long counted() {
    long sum = 0;
    for (long c : counts) {
      sum += c;
    }
    return sum;
  }
}
