package io.streamprop.trainer.join;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of the join's store values: the logged predictions of one id, and the labels of one id
 * waiting for their prediction. Private to the join (its changelog topics); a list is a count then
 * its entries, strings and byte arrays are a length then the bytes.
 */
final class JoinCodec {
  private JoinCodec() {}

  /**
   * A logged prediction of one id by one model, or, once {@code labeled}, the record that it was
   * labeled (its features and prediction dropped) kept until retention to refuse a second label.
   *
   * @param time the prediction's time (epoch ms): retention runs from it
   */
  record Logged(
      String model, long version, long time, boolean labeled, byte[] features, byte[] prediction) {
    Logged asLabeled() {
      return new Logged(model, version, time, true, new byte[0], new byte[0]);
    }
  }

  /**
   * A label waiting (at most the grace) for its prediction, with what the dead letter needs to
   * carry the record unchanged.
   *
   * @param model the model it labels, or null for every model
   * @param joined whether a model-less label already met at least one prediction while waiting
   */
  record Waiting(
      String model,
      long time,
      boolean joined,
      byte[] value,
      List<Header> headers,
      int partition,
      long offset) {
    Waiting asJoined() {
      return new Waiting(model, time, true, value, headers, partition, offset);
    }
  }

  /** A record header (the key and value of a Kafka header). */
  record Header(String key, byte[] value) {}

  static byte[] encodeLogged(List<Logged> entries) {
    int size = 4;
    for (Logged e : entries) {
      size += 4 + utf8Length(e.model()) + 8 + 8 + 1 + 4 + e.features().length + 4;
      size += e.prediction().length;
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    b.putInt(entries.size());
    for (Logged e : entries) {
      putString(b, e.model());
      b.putLong(e.version()).putLong(e.time()).put((byte) (e.labeled() ? 1 : 0));
      putBytes(b, e.features());
      putBytes(b, e.prediction());
    }
    return b.array();
  }

  static List<Logged> decodeLogged(byte[] bytes) {
    List<Logged> entries = new ArrayList<>();
    if (bytes == null) {
      return entries;
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int n = b.getInt();
    for (int i = 0; i < n; i++) {
      entries.add(
          new Logged(
              getString(b), b.getLong(), b.getLong(), b.get() == 1, getBytes(b), getBytes(b)));
    }
    return entries;
  }

  static byte[] encodeWaiting(List<Waiting> labels) {
    int size = 4;
    for (Waiting w : labels) {
      size += 4 + utf8Length(w.model()) + 8 + 1 + 4 + w.value().length + 4 + 4 + 8;
      for (Header h : w.headers()) {
        size += 4 + utf8Length(h.key()) + 4 + (h.value() == null ? 0 : h.value().length);
      }
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    b.putInt(labels.size());
    for (Waiting w : labels) {
      putString(b, w.model());
      b.putLong(w.time()).put((byte) (w.joined() ? 1 : 0));
      putBytes(b, w.value());
      b.putInt(w.headers().size());
      for (Header h : w.headers()) {
        putString(b, h.key());
        putBytes(b, h.value());
      }
      b.putInt(w.partition()).putLong(w.offset());
    }
    return b.array();
  }

  static List<Waiting> decodeWaiting(byte[] bytes) {
    List<Waiting> labels = new ArrayList<>();
    if (bytes == null) {
      return labels;
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int n = b.getInt();
    for (int i = 0; i < n; i++) {
      String model = getString(b);
      long time = b.getLong();
      boolean joined = b.get() == 1;
      byte[] value = getBytes(b);
      int headerCount = b.getInt();
      List<Header> headers = new ArrayList<>(headerCount);
      for (int h = 0; h < headerCount; h++) {
        headers.add(new Header(getString(b), getBytes(b)));
      }
      labels.add(new Waiting(model, time, joined, value, headers, b.getInt(), b.getLong()));
    }
    return labels;
  }

  /** The UTF-8 length of {@code s}; null (written as length -1) has no bytes. */
  private static int utf8Length(String s) {
    return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
  }

  private static void putString(ByteBuffer b, String s) {
    putBytes(b, s == null ? null : s.getBytes(StandardCharsets.UTF_8));
  }

  private static String getString(ByteBuffer b) {
    byte[] bytes = getBytes(b);
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  private static void putBytes(ByteBuffer b, byte[] bytes) {
    if (bytes == null) {
      b.putInt(-1);
      return;
    }
    b.putInt(bytes.length).put(bytes);
  }

  private static byte[] getBytes(ByteBuffer b) {
    int n = b.getInt();
    if (n < 0) {
      return null;
    }
    byte[] bytes = new byte[n];
    b.get(bytes);
    return bytes;
  }
}
