package io.streamprop.features;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.NumberInput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Featurizes one event's raw features straight from a Jackson token stream, without building a JSON
 * tree: each value is read into its feature's slot as its token goes by, and the slots are
 * featurized in schema order by the same code as {@link Featurizer#add(
 * com.fasterxml.jackson.databind.JsonNode, FeaturizedBatch)}.
 *
 * <p>It reads only the events whose row it is sure of: the same row, bit for bit, as the tree path
 * (which reads decimals exactly, as {@code BigDecimal}) gives. Anything else it <b>declines</b>
 * ({@link #add} returns false) and the caller reads the event again through the tree, which then
 * accepts it or names what is wrong with it, so errors and their reasons have one source. Declined:
 * a name given twice, a name outside a closed schema, a nested value (an object, or a list: tokens
 * given as a list), a number where the kind wants a string or the reverse, a boolean word that is
 * not one, a categorical decimal ({@code 2.50}) or integer beyond 64 bits, a numeric decimal that
 * is not finite as a float32, or a zero written with an exponent ({@code -1e-999} rounds to -0 in
 * the tree, {@code 0e5} to +0), a value over its length limit, and any error of the featurizer. A
 * decimal zero ({@code -0.0}) is +0, as the tree reads it.
 *
 * <p>Events from one producer list their fields in one order, most often the schema's: a name is
 * first compared with the feature after the one read before it, and looked up in the schema only
 * when that is not it.
 *
 * <p>Allocation: the strings of categorical and token values (and of boolean words); the slots are
 * the batch's scratch space. Immutable and thread-safe like the featurizer: one batch per thread.
 */
public final class FeatureStreamReader {
  /** Slot states: not given, given as missing (null or ""), a number, a string. */
  static final byte ABSENT = 0;

  static final byte MISSING = 1;
  static final byte NUMBER = 2;
  static final byte TEXT = 3;

  /** What {@code read} returns to decline the event. */
  private static final byte DECLINE = -1;

  /** Names outside the schema remembered per event (to refuse one given twice), at most. */
  private static final int MAX_OTHER_NAMES = 8;

  /** Longest decimal read here; longer ones go through the tree (and its number limits). */
  private static final int MAX_DECIMAL_CHARS = 64;

  private final Featurizer featurizer;
  private final FeatureSchema schema;
  private final String[] names;
  private final FeatureKind[] kinds;
  private final int[] maxLengths;

  public FeatureStreamReader(Featurizer featurizer) {
    if (featurizer == null) {
      throw new IllegalArgumentException("featurizer must be given");
    }
    this.featurizer = featurizer;
    this.schema = featurizer.schema();
    int n = schema.size();
    names = new String[n];
    kinds = new FeatureKind[n];
    maxLengths = new int[n];
    for (int i = 0; i < n; i++) {
      names[i] = schema.feature(i).name();
      kinds[i] = schema.feature(i).kind();
      maxLengths[i] = schema.feature(i).maxLength();
    }
  }

  /**
   * Reads the object at the parser's current token ({@code START_OBJECT}) up to its end and
   * featurizes it into the next row of {@code batch}.
   *
   * @return true if the row was added; false if declined: the batch has no new row and the parser
   *     is somewhere inside the object
   * @throws IOException for JSON the parser cannot read (the caller's tree path reports it)
   */
  public boolean add(JsonParser p, FeaturizedBatch batch) throws IOException {
    if (p.currentToken() != JsonToken.START_OBJECT || batch.isFull()) {
      return false;
    }
    int n = kinds.length;
    batch.reserveSlots(n);
    byte[] states = batch.slotStates;
    float[] numbers = batch.slotNumbers;
    String[] texts = batch.slotTexts;
    Arrays.fill(states, 0, n, ABSENT);
    int others = 0;
    int next = 0; // the feature after the last one read: where a producer's fixed order goes on
    JsonToken t;
    while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      int i = next < n && names[next].equals(name) ? next : schema.indexOf(name);
      if (i < 0) {
        // The tree refuses a name given twice at any depth: remember flat names, decline the rest.
        if (schema.closedSchema()
            || v == JsonToken.START_OBJECT
            || v == JsonToken.START_ARRAY
            || others == MAX_OTHER_NAMES
            || seen(batch.otherNames, others, name)) {
          return false;
        }
        batch.otherNames[others++] = name;
        continue;
      }
      byte state = states[i] == ABSENT ? read(p, v, i, numbers, texts) : DECLINE;
      if (state == DECLINE) {
        return false;
      }
      states[i] = state;
      next = i + 1;
    }
    Arrays.fill(batch.otherNames, 0, others, null);
    if (t != JsonToken.END_OBJECT) {
      return false;
    }
    try {
      featurizer.add(states, numbers, texts, batch);
    } catch (RuntimeException e) {
      return false; // the tree path says why
    } finally {
      Arrays.fill(texts, 0, n, null);
    }
    return true;
  }

  private static boolean seen(String[] names, int count, String name) {
    for (int k = 0; k < count; k++) {
      if (names[k].equals(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Reads value token {@code v} of feature {@code i} into its slot, {@code numbers[i]} or {@code
   * texts[i]}, and returns the slot's state, or {@link #DECLINE}.
   */
  private byte read(JsonParser p, JsonToken v, int i, float[] numbers, String[] texts)
      throws IOException {
    FeatureKind kind = kinds[i];
    switch (v) {
      case VALUE_NULL:
        return MISSING;
      case VALUE_STRING:
        {
          String text = p.getText();
          if (text.isEmpty()) {
            return MISSING; // an empty string is missing, whatever the kind
          }
          return switch (kind) {
            case NUMERIC -> DECLINE;
            case BOOLEAN -> {
              Boolean word = RawValues.booleanWord(text);
              yield word == null ? DECLINE : number(numbers, i, word ? 1f : 0f);
            }
            case CATEGORICAL -> text.length() <= maxLengths[i] ? text(texts, i, text) : DECLINE;
            case TOKENS -> text(texts, i, text);
          };
        }
      case VALUE_TRUE:
      case VALUE_FALSE:
        {
          boolean b = v == JsonToken.VALUE_TRUE;
          return switch (kind) {
            case BOOLEAN -> number(numbers, i, b ? 1f : 0f);
            case CATEGORICAL -> text(texts, i, b ? "true" : "false");
            default -> DECLINE;
          };
        }
      case VALUE_NUMBER_INT:
        return integer(p, kind, i, numbers, texts);
      case VALUE_NUMBER_FLOAT:
        return kind == FeatureKind.NUMERIC ? decimal(p, i, numbers) : DECLINE;
      default:
        return DECLINE; // an object or a list
    }
  }

  private static byte number(float[] numbers, int i, float value) {
    numbers[i] = value;
    return NUMBER;
  }

  private static byte text(String[] texts, int i, String text) {
    texts[i] = text;
    return TEXT;
  }

  /** An integer token: exactly as the tree's IntNode or LongNode gives it; larger ones declined. */
  private byte integer(JsonParser p, FeatureKind kind, int i, float[] numbers, String[] texts)
      throws IOException {
    JsonParser.NumberType type = p.getNumberType();
    if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
      return DECLINE;
    }
    long value = type == JsonParser.NumberType.INT ? p.getIntValue() : p.getLongValue();
    return switch (kind) {
      case NUMERIC -> number(numbers, i, (float) value);
      case BOOLEAN -> value == 0 || value == 1 ? number(numbers, i, value) : DECLINE;
      case CATEGORICAL -> {
        String digits = Long.toString(value);
        yield digits.length() <= maxLengths[i] ? text(texts, i, digits) : DECLINE;
      }
      case TOKENS -> DECLINE;
    };
  }

  /**
   * A numeric decimal as float32 in one rounding from its text, as {@code BigDecimal.floatValue()}
   * rounds the tree's exact decimal; declined when not finite, and when zero with an exponent
   * (where the tree's rounding keeps the sign of an underflow).
   */
  private static byte decimal(JsonParser p, int i, float[] numbers) throws IOException {
    int length = p.getTextLength();
    if (length > MAX_DECIMAL_CHARS) {
      return DECLINE;
    }
    char[] chars = p.getTextCharacters();
    int offset = p.getTextOffset();
    float value;
    try {
      value = NumberInput.parseFloat(chars, offset, length, true);
    } catch (NumberFormatException e) {
      return DECLINE;
    }
    if (!Float.isFinite(value)) {
      return DECLINE;
    }
    if (value == 0f) {
      for (int k = offset; k < offset + length; k++) {
        if (chars[k] == 'e' || chars[k] == 'E') {
          return DECLINE;
        }
      }
      value = 0f; // the tree's decimal zero has no sign
    }
    return number(numbers, i, value);
  }
}
