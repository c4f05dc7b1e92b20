package io.streamprop.scorer.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotStoreTest {
  @TempDir Path parent;

  private static byte[] bytes(int seed, int length) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) seed);
    bytes[0] = (byte) (seed >> 8);
    return bytes;
  }

  @Test
  void put_get_replace_remove() throws Exception {
    try (SnapshotStore store = SnapshotStore.open(parent)) {
      store.put("a", bytes(1, 100));
      store.put("b", bytes(2, 50));
      store.put("a", bytes(3, 70));

      assertThat(store.get("a")).isEqualTo(bytes(3, 70));
      assertThat(store.get("b")).isEqualTo(bytes(2, 50));
      assertThat(store.get("c")).isNull();
      assertThat(store.liveBytes()).isEqualTo(120);
      assertThat(store.fileBytes()).isEqualTo(220);

      store.remove("b");
      assertThat(store.get("b")).isNull();
      assertThat(store.size()).isEqualTo(1);
    }
  }

  @Test
  void deadBytesOutweighLive_fileCompacted_latestBytesKept() throws Exception {
    try (SnapshotStore store = SnapshotStore.open(parent, 1_000)) {
      for (int version = 0; version < 50; version++) {
        for (int model = 0; model < 5; model++) {
          store.put("m" + model, bytes(model * 100 + version, 64));
        }
      }

      assertThat(store.fileBytes()).isLessThan(2 * 5 * 64 + 1_000 + 64);
      for (int model = 0; model < 5; model++) {
        assertThat(store.get("m" + model)).isEqualTo(bytes(model * 100 + 49, 64));
      }
      try (var files = Files.list(store.directory())) {
        assertThat(files.filter(f -> f.toString().endsWith(".log")).count()).isEqualTo(1);
      }
    }
  }

  @Test
  void readerInterrupted_channelReopened_storeKeepsServing() throws Exception {
    try (SnapshotStore store = SnapshotStore.open(parent)) {
      store.put("a", bytes(1, 100));
      Thread.currentThread().interrupt();
      try {
        // An interrupted read closes the channel for every thread; this one fails.
        assertThatThrownBy(() -> store.get("a")).isInstanceOf(UncheckedIOException.class);
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
      } finally {
        Thread.interrupted();
      }

      assertThat(store.get("a")).isEqualTo(bytes(1, 100));
      store.put("b", bytes(2, 10));
      assertThat(store.get("b")).isEqualTo(bytes(2, 10));
    }
  }

  @Test
  void twoStoresShareAParent_aStoppedOnesDirectoryIsDeletedByTheNext() throws Exception {
    SnapshotStore first = SnapshotStore.open(parent);
    SnapshotStore second = SnapshotStore.open(parent);
    first.put("a", bytes(1, 10));
    second.put("a", bytes(2, 10));
    assertThat(first.get("a")).isEqualTo(bytes(1, 10));
    assertThat(first.directory()).isNotEqualTo(second.directory());

    Path abandoned = Files.createDirectory(parent.resolve("scorer-store-killed"));
    Files.writeString(abandoned.resolve("lock"), "");
    Files.writeString(abandoned.resolve("snapshots-0.log"), "old");
    try (SnapshotStore third = SnapshotStore.open(parent)) {
      assertThat(abandoned).doesNotExist();
      assertThat(first.directory()).exists();
      assertThat(third.size()).isZero();
    }
    Path firstDirectory = first.directory();
    first.close();
    second.close();
    assertThat(firstDirectory).doesNotExist();
  }
}
