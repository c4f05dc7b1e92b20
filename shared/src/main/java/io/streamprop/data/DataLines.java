package io.streamprop.data;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * A data file as numbered lines, for {@link DataFile}: gzip is detected from the first two bytes
 * (not the name), UTF-8 is decoded strictly (a malformed byte is an error, not a replacement
 * character), and blank lines are skipped but counted. {@link #where()} starts every error message
 * about a row. Not thread-safe.
 */
final class DataLines implements Closeable {
  private final String source;
  private final BufferedReader reader;
  private long lineNumber;

  private DataLines(Path path, BufferedReader reader) {
    this.source = path.getFileName() == null ? path.toString() : path.getFileName().toString();
    this.reader = reader;
  }

  /** Opens {@code path}, gzip-compressed or not. */
  static DataLines open(Path path) throws IOException {
    return new DataLines(path, reader(path));
  }

  /**
   * A strict UTF-8 reader of {@code path}, gunzipped when its first two bytes are gzip's magic
   * ({@code 1f 8b}).
   */
  static BufferedReader reader(Path path) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
    try {
      in.mark(2);
      int b0 = in.read();
      int b1 = in.read();
      in.reset();
      if (b0 == 0x1f && b1 == 0x8b) {
        in = new GZIPInputStream(in, 1 << 16);
      }
      return new BufferedReader(
          new InputStreamReader(
              in,
              StandardCharsets.UTF_8
                  .newDecoder()
                  .onMalformedInput(CodingErrorAction.REPORT)
                  .onUnmappableCharacter(CodingErrorAction.REPORT)),
          1 << 16);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /** The next line that is not blank, or null at the end of the file. */
  String nextNonBlank() throws IOException {
    String line;
    do {
      line = reader.readLine();
      if (line == null) {
        return null;
      }
      lineNumber++;
    } while (line.isBlank());
    return line;
  }

  /** The file's name, without its directory. */
  String source() {
    return source;
  }

  /** The 1-based number of the last line read, in the uncompressed file. */
  long lineNumber() {
    return lineNumber;
  }

  /** {@code file:line} of the last line read. */
  String where() {
    return source + ":" + lineNumber;
  }

  /** A bad value quoted in an error message, cut to 40 characters. */
  static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }

  @Override
  public void close() throws IOException {
    reader.close();
  }
}
