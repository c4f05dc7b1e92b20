package io.streamprop.features;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamprop.wire.ExampleException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Turns raw events into network inputs, one row of a {@link FeaturizedBatch} per event, by the
 * rules of {@code docs/spec.md} ("Raw features"):
 *
 * <ul>
 *   <li><b>numeric</b>: the number as float32 in its value column, 0 in its missing indicator; when
 *       missing, NaN (the standardization imputes the running mean) and indicator 1;
 *   <li><b>boolean</b>: 1 or 0 and indicator 0; when missing, 0 and indicator 1;
 *   <li><b>categorical</b>: bucket {@code 1 + h mod (buckets - 1)} where {@code h} is the unsigned
 *       MurmurHash3 x86_32 (seed {@code hash_seed}) of the UTF-8 bytes of {@code name + "\0" +
 *       value}; bucket 0 when missing. One id in its bag, or a 1 in its one-hot block when tiny;
 *   <li><b>tokens</b>: the buckets of each token (then of each bigram {@code "a b"}) hashed the
 *       same way, a bag pooled by mean (a tiny field: the mean of one-hot vectors); a missing or
 *       empty value is the bag of the single id 0.
 * </ul>
 *
 * Missing means a JSON {@code null}, an absent key or an empty string (an empty CSV cell). Every
 * error is an {@link ExampleException} naming {@code features.<name>} and the value, and leaves the
 * batch as it was; nothing else is thrown for any input. Immutable and thread-safe: the scratch
 * space is in the batch. Pure: the same schema and event give the same row, bit for bit.
 */
public final class Featurizer {
  private final FeatureSchema schema;
  private final FeatureLayout layout;
  private final int width;
  private final String[] names;
  private final String[] paths; // "features.<name>", for messages
  private final FeatureKind[] kinds;
  private final FeatureSpec[] specs;
  private final KeyHash[] prefixes; // name + "\0" hashed: the start of every hash key
  private final int[] columns;
  private final int[] missingColumns;
  private final int[] embeddings; // embedding index, or -1 for a one-hot block (hashed kinds)

  public Featurizer(FeatureSchema schema) {
    if (schema == null) {
      throw new IllegalArgumentException("schema must be given");
    }
    this.schema = schema;
    this.layout = schema.layout();
    int seed = (int) schema.hashSeed();
    this.width = layout.denseWidth();
    int n = schema.size();
    names = new String[n];
    paths = new String[n];
    kinds = new FeatureKind[n];
    specs = new FeatureSpec[n];
    prefixes = new KeyHash[n];
    columns = new int[n];
    missingColumns = new int[n];
    embeddings = new int[n];
    for (int i = 0; i < n; i++) {
      FeatureSpec f = schema.feature(i);
      specs[i] = f;
      names[i] = f.name();
      paths[i] = "features." + FeatureErrors.abbreviate(f.name());
      kinds[i] = f.kind();
      prefixes[i] = KeyHash.prefix(f.name() + "\u0000", seed);
      columns[i] = layout.column(i);
      missingColumns[i] = layout.missingColumn(i);
      embeddings[i] = layout.embeddingIndex(i);
    }
  }

  public FeatureSchema schema() {
    return schema;
  }

  public FeatureLayout layout() {
    return layout;
  }

  /** An empty batch of this schema's shape holding up to {@code capacity} rows. */
  public FeaturizedBatch newBatch(int capacity) {
    return new FeaturizedBatch(layout, capacity);
  }

  /**
   * Featurizes one event, a JSON object of raw features by name, into the next row of {@code
   * batch}. Fields the schema does not name are ignored, or an error when the schema is closed.
   *
   * @throws ExampleException for a value that cannot be used; the batch is unchanged
   * @throws IllegalStateException if the batch is full
   */
  public void add(JsonNode features, FeaturizedBatch batch) {
    start(batch);
    if (features == null || !features.isObject()) {
      throw FeatureErrors.notAnObject(
          features == null ? "nothing" : FeatureErrors.abbreviate(features.toString()));
    }
    if (schema.closedSchema()) {
      for (Iterator<String> it = features.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        if (schema.indexOf(name) < 0) {
          throw FeatureErrors.unknown(name, schema);
        }
      }
    }
    int row = batch.size() * width;
    float[] dense = batch.dense();
    batch.beginRow();
    for (int i = 0; i < names.length; i++) {
      JsonNode v = features.get(names[i]);
      boolean missing = v == null || v.isNull() || v.isMissingNode() || isEmptyText(v);
      switch (kinds[i]) {
        case NUMERIC ->
            numeric(dense, row, i, missing ? Float.NaN : JsonValues.number(v, paths[i]));
        case BOOLEAN -> bool(dense, row, i, missing ? null : JsonValues.bool(v, paths[i]));
        case CATEGORICAL ->
            category(batch, row, i, missing ? null : JsonValues.category(v, specs[i], paths[i]));
        case TOKENS -> {
          if (!missing && v.isArray()) {
            tokenList(batch, row, i, v);
          } else {
            tokenText(batch, row, i, missing ? null : JsonValues.text(v, paths[i]));
          }
        }
      }
    }
    batch.commitRow();
  }

  /**
   * Featurizes one event read by {@link FeatureStreamReader} into the next row of {@code batch}:
   * feature {@code i}'s slot is {@code states[i]}, with its value in {@code numbers[i]} (a numeric
   * value, or a boolean as 1 or 0) or {@code texts[i]} (a categorical value, a token text).
   *
   * @throws ExampleException for a value that cannot be used; the batch is unchanged
   */
  void add(byte[] states, float[] numbers, String[] texts, FeaturizedBatch batch) {
    start(batch);
    int row = batch.size() * width;
    float[] dense = batch.dense();
    batch.beginRow();
    for (int i = 0; i < names.length; i++) {
      boolean missing = states[i] <= FeatureStreamReader.MISSING;
      switch (kinds[i]) {
        case NUMERIC -> numeric(dense, row, i, missing ? Float.NaN : numbers[i]);
        case BOOLEAN -> bool(dense, row, i, missing ? null : numbers[i] == 1f);
        case CATEGORICAL -> category(batch, row, i, missing ? null : texts[i]);
        case TOKENS -> tokenText(batch, row, i, missing ? null : texts[i]);
      }
    }
    batch.commitRow();
  }

  /**
   * Featurizes one CSV row, {@code column name -> cell text} holding the feature columns only (not
   * the label), into the next row of {@code batch}. An empty cell is missing; a numeric cell must
   * be a decimal ({@link RawValues#isDecimal}); a categorical cell in JSON number syntax is read as
   * that number ({@link RawValues#canonical(String, int)}), any other as its text.
   *
   * @throws ExampleException for a cell that cannot be used; the batch is unchanged
   * @throws IllegalStateException if the batch is full
   */
  public void add(Map<String, String> cells, FeaturizedBatch batch) {
    start(batch);
    if (cells == null) {
      throw FeatureErrors.notAnObject("nothing");
    }
    if (schema.closedSchema()) {
      for (String name : cells.keySet()) {
        if (schema.indexOf(name) < 0) {
          throw FeatureErrors.unknown(String.valueOf(name), schema);
        }
      }
    }
    int row = batch.size() * width;
    float[] dense = batch.dense();
    batch.beginRow();
    for (int i = 0; i < names.length; i++) {
      String cell = cells.get(names[i]);
      boolean missing = cell == null || cell.isEmpty();
      switch (kinds[i]) {
        case NUMERIC -> numeric(dense, row, i, missing ? Float.NaN : cellNumber(i, cell));
        case BOOLEAN -> bool(dense, row, i, missing ? null : cellBoolean(i, cell));
        case CATEGORICAL -> category(batch, row, i, missing ? null : cellCategory(i, cell));
        case TOKENS -> tokenText(batch, row, i, missing ? null : cell);
      }
    }
    batch.commitRow();
  }

  private static void start(FeaturizedBatch batch) {
    if (batch.isFull()) {
      throw new IllegalStateException(
          "the batch is full (" + batch.capacity() + " rows); use it and clear() it first");
    }
  }

  private static boolean isEmptyText(JsonNode v) {
    return v.isTextual() && v.textValue().isEmpty();
  }

  // ---- the four kinds, writing into row `row` (an offset into dense) -------------------------

  private void numeric(float[] dense, int row, int i, float value) {
    dense[row + columns[i]] = value;
    dense[row + missingColumns[i]] = Float.isNaN(value) ? 1f : 0f;
  }

  private void bool(float[] dense, int row, int i, Boolean value) {
    dense[row + columns[i]] = Boolean.TRUE.equals(value) ? 1f : 0f;
    dense[row + missingColumns[i]] = value == null ? 1f : 0f;
  }

  /** One categorical value (null: missing) as its bucket. */
  private void category(FeaturizedBatch batch, int row, int i, String value) {
    int id = value == null ? 0 : bucket(batch, i, value, 0, value.length(), null, 0, 0);
    int e = embeddings[i];
    if (e >= 0) {
      int[] ids = batch.reserveIds(e, 1);
      ids[batch.rowEnds[e]++] = id;
    } else {
      float[] dense = batch.dense();
      int block = row + columns[i];
      Arrays.fill(dense, block, block + specs[i].buckets(), 0f);
      dense[block + id] = 1f;
    }
  }

  /** A text value (null: missing) split into tokens. */
  private void tokenText(FeaturizedBatch batch, int row, int i, String value) {
    FeatureSpec f = specs[i];
    if (value == null) {
      writeBag(batch, row, i, 0);
      return;
    }
    if (value.length() > f.maxLength()) {
      throw FeatureErrors.tooLong(paths[i], f, value.length(), value);
    }
    String lower = value.toLowerCase(Locale.ROOT);
    batch.reserveTokens(f.maxTokens());
    int count = Tokenizer.split(lower, batch.tokenBounds, f.maxTokens());
    if (count > f.maxTokens()) {
      throw FeatureErrors.tooManyTokens(paths[i], f, count, value);
    }
    int[] b = batch.tokenBounds;
    int n = 0;
    for (int t = 0; t < count; t++) {
      batch.valueIds[n++] = bucket(batch, i, lower, b[2 * t], b[2 * t + 1], null, 0, 0);
    }
    if (f.bigrams()) {
      for (int t = 0; t + 1 < count; t++) {
        batch.valueIds[n++] =
            bucket(batch, i, lower, b[2 * t], b[2 * t + 1], lower, b[2 * t + 2], b[2 * t + 3]);
      }
    }
    writeBag(batch, row, i, n);
  }

  /** A JSON list of strings, each one token (lowercased; empty strings dropped). */
  private void tokenList(FeaturizedBatch batch, int row, int i, JsonNode list) {
    FeatureSpec f = specs[i];
    int count = 0;
    for (JsonNode item : list) {
      if (!item.isTextual()) {
        throw FeatureErrors.typeMismatch(
            paths[i], "a string or a list of strings", JsonValues.show(list));
      }
      if (!item.textValue().isEmpty()) {
        count++;
      }
    }
    if (count > f.maxTokens()) {
      throw FeatureErrors.tooManyTokens(paths[i], f, count, list.toString());
    }
    batch.reserveTokens(count);
    String[] tokens = batch.tokenStrings;
    int t = 0;
    for (JsonNode item : list) {
      String token = item.textValue();
      if (token.length() > f.maxLength()) {
        throw FeatureErrors.tooLong(paths[i], f, token.length(), token);
      }
      if (!token.isEmpty()) {
        tokens[t++] = token.toLowerCase(Locale.ROOT);
      }
    }
    int n = 0;
    for (t = 0; t < count; t++) {
      batch.valueIds[n++] = bucket(batch, i, tokens[t], 0, tokens[t].length(), null, 0, 0);
    }
    if (f.bigrams()) {
      for (t = 0; t + 1 < count; t++) {
        String a = tokens[t];
        String c = tokens[t + 1];
        batch.valueIds[n++] = bucket(batch, i, a, 0, a.length(), c, 0, c.length());
      }
    }
    Arrays.fill(tokens, 0, count, null);
    writeBag(batch, row, i, n);
  }

  /** Writes the bag of {@code batch.valueIds[0, n)} (n = 0: the missing bag {0}). */
  private void writeBag(FeaturizedBatch batch, int row, int i, int n) {
    int[] values = batch.valueIds;
    if (n == 0) {
      values[0] = 0;
      n = 1;
    }
    int e = embeddings[i];
    if (e >= 0) {
      int[] ids = batch.reserveIds(e, n);
      System.arraycopy(values, 0, ids, batch.rowEnds[e], n);
      batch.rowEnds[e] += n;
      return;
    }
    // Tiny: the mean of one-hot vectors, as an embedding bag (mean) of an identity table gives it:
    // count each bucket, then divide by the bag size.
    float[] dense = batch.dense();
    int block = row + columns[i];
    int buckets = specs[i].buckets();
    Arrays.fill(dense, block, block + buckets, 0f);
    for (int k = 0; k < n; k++) {
      dense[block + values[k]] += 1f;
    }
    for (int j = block; j < block + buckets; j++) {
      dense[j] /= n;
    }
  }

  /**
   * The bucket of the key {@code name + "\0" + a[aFrom, aTo)}, followed by {@code " " + b[bFrom,
   * bTo)} when {@code b} is not null (a bigram): {@code 1 + h mod (buckets - 1)}.
   */
  private int bucket(
      FeaturizedBatch batch, int i, String a, int aFrom, int aTo, String b, int bFrom, int bTo) {
    KeyHash key = batch.key.startWith(prefixes[i]);
    key.addUtf8(a, aFrom, aTo);
    if (b != null) {
      key.add(' ');
      key.addUtf8(b, bFrom, bTo);
    }
    long h = key.hash() & 0xffff_ffffL;
    return 1 + (int) (h % (specs[i].buckets() - 1));
  }

  /**
   * The bucket of categorical value {@code value} of feature {@code name}, as {@link #add} gives it
   * in a schema of this {@code hashSeed}: {@code 1 + h mod (buckets - 1)}, {@code h} the unsigned
   * MurmurHash3 of the UTF-8 bytes of {@code name + "\0" + value}. {@code value} is the text a
   * categorical value is hashed as (a number's canonical decimal, {@code "true"}, a string as is).
   */
  public static int categoricalBucket(String name, String value, int buckets, long hashSeed) {
    byte[] key = (name + "\u0000" + value).getBytes(StandardCharsets.UTF_8);
    long h = MurmurHash3.hash32(key, (int) hashSeed) & 0xffff_ffffL;
    return 1 + (int) (h % (buckets - 1));
  }

  // ---- CSV cells ---------------------------------------------------------------------------

  private float cellNumber(int i, String cell) {
    if (!RawValues.isDecimal(cell)) {
      throw FeatureErrors.typeMismatch(
          paths[i], "a number (numeric feature)", FeatureErrors.quote(cell));
    }
    float value = Float.parseFloat(cell);
    if (!Float.isFinite(value)) {
      throw FeatureErrors.notFinite(paths[i], FeatureErrors.abbreviate(cell));
    }
    return value;
  }

  private Boolean cellBoolean(int i, String cell) {
    Boolean value = RawValues.booleanWord(cell);
    if (value == null) {
      throw FeatureErrors.typeMismatch(
          paths[i], "true, false, yes, no, 1 or 0 (boolean feature)", FeatureErrors.quote(cell));
    }
    return value;
  }

  private String cellCategory(int i, String cell) {
    FeatureSpec f = specs[i];
    if (cell.length() > f.maxLength()) {
      throw FeatureErrors.tooLong(paths[i], f, cell.length(), cell);
    }
    if (!RawValues.isJsonNumber(cell)) {
      return cell;
    }
    String canonical = RawValues.canonical(cell, f.maxLength());
    if (canonical == null) {
      throw FeatureErrors.numberTooLong(paths[i], f, FeatureErrors.quote(cell));
    }
    return canonical;
  }
}
