package io.streamprop.features;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where each raw feature lands in the network input, a row of {@link #inputs()} floats laid out as
 * (part of the format: snapshots and other languages rely on it)
 *
 * <pre>
 * [ numeric values    (nNum)  | numeric missing indicators (nNum)
 * | boolean values    (nBool) | boolean missing indicators (nBool)
 * | one-hot blocks (tiny categorical and tokens fields, width = buckets each)
 * | embedding outputs (embedded categorical and tokens fields, width = embedding_dim each) ]
 * </pre>
 *
 * each part in the spec's field order. The {@link Featurizer} fills the <b>dense part</b>, every
 * column before {@link #denseWidth()}, and the bucket ids of each embedded field; the embedding
 * layers write their outputs after it. Numeric value columns are the only ones that may hold NaN (a
 * missing number, imputed by the standardization).
 */
public final class FeatureLayout {

  /**
   * One embedded field: an embedding bag of {@code buckets x dim}, mean-pooled, whose output fills
   * network inputs {@code [column, column + dim)}.
   *
   * @param feature the field's position in the schema
   * @param name the field's name
   * @param kind categorical (one id per example) or tokens (a bag of ids per example)
   * @param buckets rows of the embedding table
   * @param dim width of one embedding
   * @param column the first network input column of its output
   */
  public record Embedding(
      int feature, String name, FeatureKind kind, int buckets, int dim, int column) {}

  private final int numericCount;
  private final int booleanCount;
  private final int denseWidth;
  private final int inputs;
  private final List<Embedding> embeddings;
  private final int[] column; // per feature: first column of its value, block or embedding output
  private final int[] missingColumn; // per feature: its missing indicator, or -1
  private final int[] width; // per feature: 1 (numeric, boolean value), buckets or dim
  private final int[] embeddingIndex; // per feature: index in embeddings, or -1
  private final long embeddingParameters;
  private final int maxIdsPerExample;

  FeatureLayout(List<FeatureSpec> features) {
    int n = features.size();
    int nNum = 0;
    int nBool = 0;
    for (FeatureSpec f : features) {
      nNum += f.kind() == FeatureKind.NUMERIC ? 1 : 0;
      nBool += f.kind() == FeatureKind.BOOLEAN ? 1 : 0;
    }
    numericCount = nNum;
    booleanCount = nBool;
    column = new int[n];
    missingColumn = new int[n];
    width = new int[n];
    embeddingIndex = new int[n];
    Arrays.fill(missingColumn, -1);
    Arrays.fill(embeddingIndex, -1);
    int num = 0;
    int bool = 0;
    int next = 2 * nNum + 2 * nBool; // the one-hot blocks start here
    for (int i = 0; i < n; i++) {
      FeatureSpec f = features.get(i);
      if (f.kind() == FeatureKind.NUMERIC) {
        column[i] = num;
        missingColumn[i] = nNum + num++;
        width[i] = 1;
      } else if (f.kind() == FeatureKind.BOOLEAN) {
        column[i] = 2 * nNum + bool;
        missingColumn[i] = 2 * nNum + nBool + bool++;
        width[i] = 1;
      } else if (f.oneHot()) {
        column[i] = next;
        width[i] = f.buckets();
        next += f.buckets();
      }
    }
    denseWidth = next;
    List<Embedding> list = new ArrayList<>();
    long parameters = 0;
    int ids = 0;
    for (int i = 0; i < n; i++) {
      FeatureSpec f = features.get(i);
      ids += f.maxIds();
      if (f.embedded()) {
        column[i] = next;
        width[i] = f.embeddingDim();
        embeddingIndex[i] = list.size();
        list.add(new Embedding(i, f.name(), f.kind(), f.buckets(), f.embeddingDim(), next));
        next += f.embeddingDim();
        parameters += (long) f.buckets() * f.embeddingDim();
      }
    }
    inputs = next;
    embeddings = List.copyOf(list);
    embeddingParameters = parameters;
    maxIdsPerExample = ids;
  }

  /** Number of numeric features (nNum). */
  public int numericCount() {
    return numericCount;
  }

  /** Number of boolean features (nBool). */
  public int booleanCount() {
    return booleanCount;
  }

  /** Column of the first numeric value: 0. */
  public int numericValuesOffset() {
    return 0;
  }

  /** Column of the first numeric missing indicator: nNum. */
  public int numericMissingOffset() {
    return numericCount;
  }

  /** Column of the first boolean value: 2 nNum. */
  public int booleanValuesOffset() {
    return 2 * numericCount;
  }

  /** Column of the first boolean missing indicator: 2 nNum + nBool. */
  public int booleanMissingOffset() {
    return 2 * numericCount + booleanCount;
  }

  /** Column of the first one-hot block: 2 nNum + 2 nBool. */
  public int oneHotOffset() {
    return 2 * numericCount + 2 * booleanCount;
  }

  /** Columns the featurizer fills per example: everything before the embedding outputs. */
  public int denseWidth() {
    return denseWidth;
  }

  /** Width of the network input: the dense part plus every embedding's output. */
  public int inputs() {
    return inputs;
  }

  /** The embedded fields in field order; the i-th is the i-th id list of a batch. */
  public List<Embedding> embeddings() {
    return embeddings;
  }

  /** The feature's index among {@link #embeddings()}, or -1 if it is not embedded. */
  public int embeddingIndex(int feature) {
    return embeddingIndex[feature];
  }

  /**
   * The first network input column of the feature: its value (numeric, boolean), its one-hot block,
   * or its embedding output.
   */
  public int column(int feature) {
    return column[feature];
  }

  /** The column of the feature's missing indicator (numeric, boolean), or -1. */
  public int missingColumn(int feature) {
    return missingColumn[feature];
  }

  /** Columns from {@link #column}: 1 (numeric, boolean value), buckets (one-hot) or dim. */
  public int width(int feature) {
    return width[feature];
  }

  /** Trainable parameters of all embedding tables: sum of buckets x dim. */
  public long embeddingParameters() {
    return embeddingParameters;
  }

  /** The most bucket ids one example can make over all embedded and one-hot fields. */
  public int maxIdsPerExample() {
    return maxIdsPerExample;
  }
}
