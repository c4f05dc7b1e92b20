package io.streamprop.wire;

/** The first bytes of a record value, checked before Jackson sees them. */
final class RecordStart {
  private RecordStart() {}

  /**
   * Refuses input that is not a UTF-8 JSON object before Jackson sees it: Jackson would otherwise
   * guess UTF-16 or UTF-32 from zero bytes among the first four, and a producer sending such
   * encodings (or binary) should hear so plainly.
   */
  static void check(byte[] json) {
    for (int i = 0; i < Math.min(4, json.length); i++) {
      if (json[i] == 0) {
        throw ExampleParser.badJson(
            "not UTF-8 JSON: byte " + i + " is 0 (UTF-16, UTF-32 or binary data?)");
      }
    }
    int i = 0;
    if (json.length >= 3
        && (json[0] & 0xff) == 0xef
        && (json[1] & 0xff) == 0xbb
        && (json[2] & 0xff) == 0xbf) {
      i = 3; // UTF-8 byte order mark, which Jackson skips
    }
    while (i < json.length
        && (json[i] == ' ' || json[i] == '\t' || json[i] == '\n' || json[i] == '\r')) {
      i++;
    }
    if (i == json.length) {
      throw ExampleParser.badJson("record value is empty");
    }
    if (json[i] != '{') {
      throw ExampleParser.badJson(
          "an example must be a JSON object {\"features\": [...], \"label\": ...}; it starts with "
              + describeByte(json[i]));
    }
  }

  private static String describeByte(byte b) {
    int c = b & 0xff;
    if (c >= 0x21 && c < 0x7f) {
      return "'" + (char) c + "'";
    }
    return String.format("byte 0x%02x", c);
  }
}
