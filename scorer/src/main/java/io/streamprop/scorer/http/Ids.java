package io.streamprop.scorer.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The optional {@code "ids"} of a predict body: one caller's id per instance (an order id, a
 * session id), each a non-empty string of at most {@value #MAX_BYTES} UTF-8 bytes, echoed in the
 * response and written with each prediction to the prediction log. Read by Jackson ({@link #read})
 * or, on the fast path, from the bytes ({@link #scan}); checked against the instances by {@link
 * #check}, so both paths give one message for one mistake.
 */
final class Ids {
  /** Longest id, in UTF-8 bytes. */
  static final int MAX_BYTES = 256;

  private Ids() {}

  /** Ids read from the body's bytes and the position after their closing bracket. */
  record Scanned(String[] ids, int end) {}

  /**
   * Reads {@code : ["a", "b", ...]} from {@code p} (just after the {@code "ids"} name), or returns
   * null for anything else: a string with an escape, a control character or a byte beyond ASCII,
   * which the Jackson path reads and decodes exactly.
   */
  static Scanned scan(byte[] b, int p) {
    p = RowScanner.expect(b, p, ':');
    p = p < 0 ? -1 : RowScanner.expect(b, p, '[');
    if (p < 0) {
      return null;
    }
    List<String> ids = new ArrayList<>();
    p = RowScanner.skipWhitespace(b, p);
    if (p < b.length && b[p] == ']') {
      return new Scanned(new String[0], p + 1);
    }
    while (true) {
      p = RowScanner.expect(b, p, '"');
      if (p < 0) {
        return null;
      }
      int start = p;
      while (p < b.length && b[p] != '"') {
        byte c = b[p];
        if (c < 0x20 || c == '\\') { // bytes beyond ASCII are negative
          return null;
        }
        p++;
      }
      if (p == b.length) {
        return null;
      }
      ids.add(new String(b, start, p - start, StandardCharsets.ISO_8859_1));
      p = RowScanner.skipWhitespace(b, p + 1);
      if (p < b.length && b[p] == ',') {
        p++;
      } else if (p < b.length && b[p] == ']') {
        return new Scanned(ids.toArray(new String[0]), p + 1);
      } else {
        return null;
      }
    }
  }

  /** Reads the list at the parser's current token; a 400 naming the first value that is wrong. */
  static String[] read(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_NULL) {
      return null; // "ids": null is an absent "ids", as clients that write every field send it
    }
    if (token != JsonToken.START_ARRAY) {
      throw Instances.badRequest(
          "'ids' must be a list of strings, one per instance, got " + Instances.describe(token));
    }
    List<String> ids = new ArrayList<>();
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      if (token != JsonToken.VALUE_STRING) {
        throw Instances.badRequest(
            "ids["
                + ids.size()
                + "] must be a string, got "
                + Instances.describe(token)
                + (token.isNumeric() || token.isBoolean() ? " (" + parser.getText() + ")" : ""));
      }
      ids.add(parser.getText());
    }
    return ids.toArray(new String[0]);
  }

  /** Checks that {@code ids} (null: none given) has one valid id for each of {@code rows}. */
  static void check(String[] ids, int rows) {
    if (ids == null) {
      return;
    }
    if (ids.length != rows) {
      throw Instances.badRequest(
          "'ids' has "
              + ids.length
              + (ids.length == 1 ? " id" : " ids")
              + " for "
              + rows
              + (rows == 1 ? " instance" : " instances")
              + "; send one id per instance, in the order of 'instances'");
    }
    for (int i = 0; i < ids.length; i++) {
      String id = ids[i];
      if (id.isEmpty()) {
        throw Instances.badRequest(
            "ids["
                + i
                + "] is empty; an id is a non-empty string of at most "
                + MAX_BYTES
                + " bytes");
      }
      if (id.length() > MAX_BYTES / 3) { // a char is at most 3 UTF-8 bytes
        int bytes = id.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
          throw Instances.badRequest(
              "ids["
                  + i
                  + "] = \""
                  + id.substring(0, id.offsetByCodePoints(0, 32))
                  + "...\" is "
                  + bytes
                  + " bytes in UTF-8, over the limit of "
                  + MAX_BYTES);
        }
      }
    }
  }
}
