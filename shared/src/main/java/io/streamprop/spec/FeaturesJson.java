package io.streamprop.spec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.streamprop.features.FeatureKind;
import io.streamprop.features.FeatureSchema;
import io.streamprop.features.FeatureSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The spec's raw-feature keys, {@code features}, {@code closed_schema} and {@code hash_seed}, for
 * {@link SpecJson}. {@code features} is a list of objects with a {@code name} and a {@code kind},
 * or an object from name to kind (a string) or to an object of options; see {@code docs/spec.md}.
 * Written back as the list, every option spelled out, so that the canonical form is one.
 */
final class FeaturesJson {
  private FeaturesJson() {}

  private static final List<String> FEATURE_KEYS =
      List.of("name", "kind", "buckets", "embedding_dim", "bigrams", "max_tokens", "max_length");

  /**
   * The schema the spec declares, or null when it has no {@code features} key.
   *
   * @throws SpecException naming the JSON path and the bad value
   */
  static FeatureSchema read(JsonNode root) {
    JsonNode node = root.get("features");
    if (node == null) {
      for (String key : List.of("closed_schema", "hash_seed")) {
        if (root.has(key)) {
          throw new SpecException(key, "is only for specs with \"features\"");
        }
      }
      return null;
    }
    List<FeatureSpec> features = new ArrayList<>();
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String path = "features[" + i + "]";
        JsonNode item = node.get(i);
        if (!item.isObject()) {
          throw new SpecException(
              path,
              "must be an object {\"name\": ..., \"kind\": ...}, got " + JsonFields.show(item));
        }
        JsonNode name = item.get("name");
        if (name == null || !name.isTextual()) {
          throw new SpecException(
              path + ".name",
              "must be a string, got " + (name == null ? "nothing" : JsonFields.show(name)));
        }
        features.add(feature(path, name.textValue(), item, true));
      }
    } else if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String path = "features." + e.getKey();
        JsonNode value = e.getValue();
        if (value.isTextual()) {
          features.add(
              FeatureSpec.of(e.getKey(), JsonFields.enumValue(path, value, FeatureKind.class)));
        } else if (value.isObject()) {
          features.add(feature(path, e.getKey(), value, false));
        } else {
          throw new SpecException(
              path, "must be a kind or an object with a \"kind\", got " + JsonFields.show(value));
        }
      }
    } else {
      throw new SpecException(
          "features", "must be a list of features or an object, got " + JsonFields.show(node));
    }
    boolean closed = false;
    JsonNode closedNode = root.get("closed_schema");
    if (closedNode != null) {
      if (!closedNode.isBoolean()) {
        throw new SpecException(
            "closed_schema", "must be true or false, got " + JsonFields.show(closedNode));
      }
      closed = closedNode.booleanValue();
    }
    long seed =
        root.has("hash_seed")
            ? JsonFields.longValue("hash_seed", root.get("hash_seed"))
            : SpecDefaults.HASH_SEED;
    return new FeatureSchema(features, closed, seed);
  }

  private static FeatureSpec feature(String path, String name, JsonNode item, boolean named) {
    JsonFields.checkKeys(path + ".", item, named ? FEATURE_KEYS : FEATURE_KEYS.subList(1, 7));
    JsonNode kindNode = item.get("kind");
    if (kindNode == null) {
      throw new SpecException(
          path + ".kind", "missing: one of numeric, categorical, boolean, tokens");
    }
    FeatureSpec f =
        FeatureSpec.of(name, JsonFields.enumValue(path + ".kind", kindNode, FeatureKind.class));
    if (item.has("buckets")) {
      f = f.withBuckets(JsonFields.intValue(path + ".buckets", item.get("buckets")));
    }
    if (item.has("embedding_dim")) {
      f =
          f.withEmbeddingDim(
              JsonFields.intValue(path + ".embedding_dim", item.get("embedding_dim")));
    }
    if (item.has("bigrams")) {
      JsonNode b = item.get("bigrams");
      if (!b.isBoolean()) {
        throw new SpecException(
            path + ".bigrams", "must be true or false, got " + JsonFields.show(b));
      }
      f = f.withBigrams(b.booleanValue());
    }
    if (item.has("max_tokens")) {
      f = f.withMaxTokens(JsonFields.intValue(path + ".max_tokens", item.get("max_tokens")));
    }
    if (item.has("max_length")) {
      f = f.withMaxLength(JsonFields.intValue(path + ".max_length", item.get("max_length")));
    }
    return f;
  }

  /** Writes {@code features}, {@code closed_schema} and {@code hash_seed}; nothing for null. */
  static void write(JsonGenerator g, FeatureSchema schema) throws IOException {
    if (schema == null) {
      return;
    }
    g.writeArrayFieldStart("features");
    for (FeatureSpec f : schema.features()) {
      g.writeStartObject();
      g.writeStringField("name", f.name());
      g.writeStringField("kind", f.kind().jsonName());
      if (f.hashed()) {
        g.writeNumberField("buckets", f.buckets());
        g.writeNumberField("embedding_dim", f.embeddingDim());
        if (f.kind() == FeatureKind.TOKENS) {
          g.writeBooleanField("bigrams", f.bigrams());
          g.writeNumberField("max_tokens", f.maxTokens());
        }
        g.writeNumberField("max_length", f.maxLength());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeBooleanField("closed_schema", schema.closedSchema());
    g.writeNumberField("hash_seed", schema.hashSeed());
  }
}
