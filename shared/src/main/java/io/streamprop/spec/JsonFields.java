package io.streamprop.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Reading and checking the JSON values of a spec: every error names the field's JSON path and its
 * value.
 */
final class JsonFields {
  private JsonFields() {}

  static void checkKeys(String prefix, JsonNode object, List<String> allowed) {
    Iterator<String> names = object.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw new SpecException(
            prefix + name, "unknown key; allowed keys are " + String.join(", ", allowed));
      }
    }
  }

  static void requireObject(String field, JsonNode node) {
    if (!node.isObject()) {
      throw new SpecException(field, "must be a JSON object or a name, got " + show(node));
    }
  }

  static <E extends Enum<E>> E enumOr(JsonNode object, String key, Class<E> type, E fallback) {
    return object.has(key) ? enumValue(key, object.get(key), type) : fallback;
  }

  static <E extends Enum<E>> E enumValue(String field, JsonNode node, Class<E> type) {
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      names.add(e.name().toLowerCase(Locale.ROOT));
    }
    if (node.isTextual()) {
      int i = names.indexOf(node.textValue());
      if (i >= 0) {
        return type.getEnumConstants()[i];
      }
    }
    throw new SpecException(
        field, "must be one of " + String.join(", ", names) + "; got " + show(node));
  }

  static boolean boolOr(JsonNode object, String key, boolean fallback) {
    JsonNode node = object.get(key);
    if (node == null) {
      return fallback;
    }
    if (!node.isBoolean()) {
      throw new SpecException(key, "must be true or false, got " + show(node));
    }
    return node.booleanValue();
  }

  static double doubleOr(JsonNode object, String key, double fallback) {
    return doubleOr(object, "", key, fallback);
  }

  static double doubleOr(JsonNode object, String prefix, String key, double fallback) {
    JsonNode node = object.get(key);
    if (node == null) {
      return fallback;
    }
    if (!node.isNumber()) {
      throw new SpecException(prefix + key, "must be a number, got " + show(node));
    }
    return node.doubleValue();
  }

  static long longValue(String field, JsonNode node) {
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      return node.longValue();
    }
    if (node.isFloatingPointNumber()) {
      double d = node.doubleValue();
      // 64.0 is accepted as 64 (some encoders write every number as a float); 64.5 is not.
      if (d == Math.rint(d) && Math.abs(d) < 0x1p53) {
        return (long) d;
      }
    }
    throw new SpecException(field, "must be an integer, got " + show(node));
  }

  static int intValue(String field, JsonNode node) {
    long value = longValue(field, node);
    if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
      throw new SpecException(field, "is out of range, got " + show(node));
    }
    return (int) value;
  }

  static List<Integer> intList(String field, JsonNode node) {
    if (!node.isArray()) {
      throw new SpecException(field, "must be a list of integers, got " + show(node));
    }
    Integer[] values = new Integer[node.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = intValue(field + "[" + i + "]", node.get(i));
    }
    return List.of(values);
  }

  static List<String> stringList(String field, JsonNode node) {
    if (!node.isArray()) {
      throw new SpecException(field, "must be a list of strings, got " + show(node));
    }
    String[] values = new String[node.size()];
    for (int i = 0; i < values.length; i++) {
      JsonNode item = node.get(i);
      if (item.getNodeType() != JsonNodeType.STRING) {
        throw new SpecException(field + "[" + i + "]", "must be a string, got " + show(item));
      }
      values[i] = item.textValue();
    }
    return Arrays.asList(values);
  }

  static String show(JsonNode node) {
    return SpecValidator.abbreviate(node.toString());
  }

  static String name(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
