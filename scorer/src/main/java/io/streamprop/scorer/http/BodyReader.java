package io.streamprop.scorer.http;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.BiConsumer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads a request body into one byte array without blocking, refusing it as soon as it grows past a
 * limit: Jetty's read / demand loop. {@code done} receives the bytes, or the error (413 past the
 * limit, 400 when the connection fails mid-body). Stopping early is safe: Jetty deals with unread
 * content when the response completes.
 */
final class BodyReader implements Runnable {
  private final Request request;
  private final int maxBytes;
  private final BiConsumer<byte[], HttpError> done;
  private byte[] bytes;
  private int size;

  private BodyReader(Request request, int maxBytes, BiConsumer<byte[], HttpError> done) {
    this.request = request;
    this.maxBytes = maxBytes;
    this.done = done;
    long length = request.getLength();
    this.bytes = new byte[length >= 0 ? (int) length : 1024];
  }

  /** Starts reading; {@code done} is called exactly once, on this thread or a Jetty thread. */
  static void read(Request request, int maxBytes, BiConsumer<byte[], HttpError> done) {
    new BodyReader(request, maxBytes, done).run();
  }

  @Override
  public void run() {
    while (true) {
      Content.Chunk chunk = request.read();
      if (chunk == null) {
        request.demand(this); // called back when more content arrives
        return;
      }
      if (Content.Chunk.isFailure(chunk)) {
        done.accept(
            null, new HttpError(400, "could not read the request body: " + chunk.getFailure()));
        return;
      }
      ByteBuffer buffer = chunk.getByteBuffer();
      int remaining = buffer.remaining();
      if ((long) size + remaining > maxBytes) {
        chunk.release();
        done.accept(null, ScorerHandler.tooLarge("more than " + maxBytes + " bytes", maxBytes));
        return;
      }
      if (size + remaining > bytes.length) {
        bytes =
            Arrays.copyOf(bytes, Math.max(size + remaining, Math.min(maxBytes, bytes.length * 2)));
      }
      buffer.get(bytes, size, remaining);
      size += remaining;
      boolean last = chunk.isLast();
      chunk.release();
      if (last) {
        done.accept(size == bytes.length ? bytes : Arrays.copyOf(bytes, size), null);
        return;
      }
    }
  }
}
