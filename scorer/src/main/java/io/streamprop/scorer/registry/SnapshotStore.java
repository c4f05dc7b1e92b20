package io.streamprop.scorer.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest snapshot bytes of every model, on disk, so that a decoded model evicted from memory
 * can be decoded again: an append-only file of records with an index in memory (name to offset and
 * length, about 100 bytes a model).
 *
 * <p>The store is scratch space, not a source of truth: the snapshot topic is. It starts empty (the
 * scorer reads the topic from its beginning on every start), in a directory of its own under the
 * configured directory, locked while the scorer runs; a directory left by a scorer that was killed
 * is deleted by the next one that starts under the same parent. Several scorers may share a parent
 * directory.
 *
 * <p>One writer (the snapshot consumer's thread) and any number of readers (request threads).
 * Replaced and removed records stay in the file as dead bytes until they outweigh the live ones
 * (and {@link #COMPACT_AT_DEAD_BYTES}); the writer then copies the live records to a new file and
 * drops the old one. A reader that meets the dropped file looks its record up again.
 */
public final class SnapshotStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SnapshotStore.class);

  /** Dead bytes below which the file is never compacted. */
  static final long COMPACT_AT_DEAD_BYTES = 64L << 20;

  private static final String LOCK = "lock";

  private final Path directory;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Map<String, Location> index = new ConcurrentHashMap<>();
  private volatile Segment segment;
  private int generation;
  private volatile long liveBytes; // written by the writer only, read by the metrics
  private volatile long deadBytes;
  private final long compactAtDeadBytes;
  private volatile boolean closed;

  /**
   * One file of records. Its channel is reopened if a reader's interrupt closed it (a {@link
   * FileChannel} closes itself for every thread when one reading thread is interrupted); a segment
   * retired by compaction is closed for good.
   */
  private static final class Segment {
    private final Path path;
    private volatile FileChannel channel;
    private volatile boolean retired;

    Segment(Path path, FileChannel channel) {
      this.path = path;
      this.channel = channel;
    }

    FileChannel channel() {
      return channel;
    }

    Path path() {
      return path;
    }

    synchronized void reopenIfInterrupted(FileChannel closed) throws IOException {
      if (!retired && channel == closed && !closed.isOpen()) {
        channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
      }
    }

    synchronized void retire() throws IOException {
      retired = true;
      channel.close();
    }
  }

  private record Location(Segment segment, long offset, int length) {}

  private SnapshotStore(Path directory, long compactAtDeadBytes) throws IOException {
    this.directory = directory;
    this.compactAtDeadBytes = compactAtDeadBytes;
    this.lockChannel =
        FileChannel.open(
            directory.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    this.lock = lockChannel.lock();
    this.segment = openSegment();
  }

  /**
   * Opens a new, empty store in a fresh directory under {@code parent} (created if missing), after
   * deleting the directories under it that no running scorer holds.
   *
   * @throws UncheckedIOException naming the directory if it cannot be written
   */
  public static SnapshotStore open(Path parent) {
    return open(parent, COMPACT_AT_DEAD_BYTES);
  }

  static SnapshotStore open(Path parent, long compactAtDeadBytes) {
    try {
      Files.createDirectories(parent);
      deleteAbandoned(parent);
      return new SnapshotStore(
          Files.createTempDirectory(parent, "scorer-store-"), compactAtDeadBytes);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot open the scorer's snapshot store under '" + parent + "': " + e.getMessage(), e);
    }
  }

  /** Deletes store directories whose lock no process holds (their scorer has stopped). */
  private static void deleteAbandoned(Path parent) throws IOException {
    try (DirectoryStream<Path> stores = Files.newDirectoryStream(parent, "scorer-store-*")) {
      for (Path store : stores) {
        Path lockFile = store.resolve(LOCK);
        if (!Files.exists(lockFile)) {
          continue; // being created right now, or not ours
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
            FileLock held = channel.tryLock()) {
          if (held == null) {
            continue; // a running scorer holds it
          }
        } catch (OverlappingFileLockException e) {
          continue; // held by this JVM (another scorer in the same process)
        }
        deleteTree(store);
        log.info("deleted the snapshot store '{}' left by a stopped scorer", store);
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(root)) {
      paths = walk.sorted(Comparator.reverseOrder()).toList();
    }
    for (Path path : paths) {
      Files.deleteIfExists(path);
    }
  }

  private Segment openSegment() throws IOException {
    Path path = directory.resolve("snapshots-" + generation++ + ".log");
    FileChannel channel =
        FileChannel.open(
            path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    return new Segment(path, channel);
  }

  /** The directory this store writes in. */
  public Path directory() {
    return directory;
  }

  /**
   * Keeps {@code bytes} as the latest snapshot of {@code name}, replacing any before. Writer thread
   * only.
   */
  public void put(String name, byte[] bytes) {
    try {
      Segment current = segment;
      long offset = current.channel().size();
      writeFully(current.channel(), ByteBuffer.wrap(bytes), offset);
      Location old = index.put(name, new Location(current, offset, bytes.length));
      liveBytes += bytes.length;
      if (old != null) {
        liveBytes -= old.length();
        deadBytes += old.length();
      }
      compactIfWorthIt();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write the snapshot of model '" + name + "' to '" + directory + "'", e);
    }
  }

  /** Forgets a model's snapshot. Writer thread only. */
  public void remove(String name) {
    Location old = index.remove(name);
    if (old != null) {
      liveBytes -= old.length();
      deadBytes += old.length();
    }
  }

  /** The latest snapshot of {@code name}, or null if none is stored. Any thread. */
  public byte[] get(String name) {
    while (true) {
      Location location = index.get(name);
      if (location == null) {
        return null;
      }
      FileChannel channel = location.segment().channel();
      try {
        ByteBuffer buffer = ByteBuffer.allocate(location.length());
        long position = location.offset();
        while (buffer.hasRemaining()) {
          int read = channel.read(buffer, position);
          if (read < 0) {
            throw new IOException("unexpected end of file at " + position);
          }
          position += read;
        }
        return buffer.array();
      } catch (ClosedChannelException e) {
        // Compacted away while we read (the index names the new place now), or closed by an
        // interrupt of some reader (reopened here, for the others); closed with the store: give up.
        if (closed) {
          throw new UncheckedIOException("the snapshot store is closed", e);
        }
        try {
          location.segment().reopenIfInterrupted(channel);
        } catch (IOException reopen) {
          throw new UncheckedIOException(
              "cannot reopen '" + location.segment().path() + "'", reopen);
        }
        if (e instanceof ClosedByInterruptException) {
          // This thread was interrupted: it stops here, interrupt status kept.
          throw new UncheckedIOException("interrupted reading model '" + name + "'", e);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(
            "cannot read the snapshot of model '" + name + "' from '" + directory + "'", e);
      }
    }
  }

  /** Models stored. */
  public int size() {
    return index.size();
  }

  /** Bytes of the latest snapshots. */
  public long liveBytes() {
    return liveBytes;
  }

  /** Bytes on disk, replaced snapshots included until the next compaction. */
  public long fileBytes() {
    return liveBytes + deadBytes;
  }

  private void compactIfWorthIt() throws IOException {
    if (deadBytes < compactAtDeadBytes || deadBytes < liveBytes) {
      return;
    }
    Segment old = segment;
    Segment fresh = openSegment();
    long offset = 0;
    List<Map.Entry<String, Location>> live = new ArrayList<>(index.entrySet());
    for (Map.Entry<String, Location> entry : live) {
      Location from = entry.getValue();
      ByteBuffer buffer = ByteBuffer.allocate(from.length());
      old.channel().read(buffer, from.offset());
      buffer.flip();
      writeFully(fresh.channel(), buffer, offset);
      index.put(entry.getKey(), new Location(fresh, offset, from.length()));
      offset += from.length();
    }
    segment = fresh;
    log.debug(
        "compacted the snapshot store: {} live bytes kept, {} dead bytes dropped",
        offset,
        deadBytes);
    liveBytes = offset;
    deadBytes = 0;
    old.retire();
    Files.deleteIfExists(old.path());
  }

  private static void writeFully(FileChannel channel, ByteBuffer buffer, long offset)
      throws IOException {
    long position = offset;
    while (buffer.hasRemaining()) {
      position += channel.write(buffer, position);
    }
  }

  /** Closes the file and deletes the store's directory. */
  @Override
  public void close() throws IOException {
    closed = true;
    index.clear();
    segment.retire();
    lock.release();
    lockChannel.close();
    deleteTree(directory);
  }
}
