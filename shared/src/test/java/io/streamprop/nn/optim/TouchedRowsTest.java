package io.streamprop.nn.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TouchedRowsTest {

  @Test
  void addAll_keepsEachRowOnce_ascending_acrossCallsAndPastTheFirstCapacity() {
    TouchedRows rows = new TouchedRows(5000, 4);
    TreeSet<Integer> expected = new TreeSet<>();
    SplittableRandom random = new SplittableRandom(9);
    for (int call = 0; call < 6; call++) {
      int[] ids = new int[400];
      for (int k = 0; k < ids.length; k++) {
        ids[k] = random.nextInt(call % 2 == 0 ? 300 : 5000); // many repeats, then many rows
      }
      rows.addAll(ids, 10, 390);
      for (int k = 10; k < 390; k++) {
        expected.add(ids[k]);
      }
      assertThat(rows.count()).isEqualTo(expected.size());
      int k = 0;
      for (int row : expected) {
        assertThat(rows.row(k++)).isEqualTo(row);
        assertThat(rows.contains(row)).isTrue();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(
      ints = {
        200, // 4 words of marks: the list is read off them
        1 << 20 // 16,384 words: sorted by insertion, then by a heapsort past 64 rows
      })
  void smallAdds_readOffTheMarksOrSorted_alwaysAscending(int tableRows) {
    SplittableRandom random = new SplittableRandom(3);
    for (int trial = 0; trial < 50; trial++) {
      TouchedRows rows = new TouchedRows(tableRows, 1);
      TreeSet<Integer> expected = new TreeSet<>();
      while (expected.size() < 100) { // through both sorts
        int[] ids = new int[1 + random.nextInt(12)];
        for (int k = 0; k < ids.length; k++) {
          ids[k] = random.nextInt(200);
          expected.add(ids[k]);
        }
        rows.addAll(ids, 0, ids.length);
        assertThat(rows.count()).isEqualTo(expected.size());
        int k = 0;
        for (int row : expected) {
          assertThat(rows.row(k++)).isEqualTo(row);
        }
      }
    }
  }

  @Test
  void rowsInEveryBitOfTheMarks_listedAscending_andClearedExactly() {
    // 64-bit words of marks: rows at either end of a word, and the table's last row.
    TouchedRows rows = new TouchedRows(130, 1);
    rows.addAll(new int[] {129, 64, 0, 127, 63, 1, 128, 65}, 0, 8);
    int[] listed = new int[rows.count()];
    for (int k = 0; k < listed.length; k++) {
      listed[k] = rows.row(k);
    }
    assertThat(listed).containsExactly(0, 1, 63, 64, 65, 127, 128, 129);
    rows.clear();
    for (int row = 0; row < 130; row++) {
      assertThat(rows.contains(row)).as("row %d", row).isFalse();
    }
    rows.addAll(new int[] {127, 2}, 0, 2);
    assertThat(new int[] {rows.row(0), rows.row(1)}).containsExactly(2, 127);
    assertThat(rows.count()).isEqualTo(2);
  }

  @Test
  void clear_emptiesTheSet_andRowsCanBeAddedAgain() {
    TouchedRows rows = new TouchedRows(10, 2);
    rows.addAll(new int[] {7, 3, 7, 9}, 0, 4);
    assertThat(rows.count()).isEqualTo(3);
    rows.clear();
    assertThat(rows.count()).isZero();
    assertThat(rows.contains(7)).isFalse();
    rows.addAll(new int[] {7}, 0, 1);
    assertThat(rows.count()).isEqualTo(1);
    assertThat(rows.row(0)).isEqualTo(7);
  }

  @Test
  void everyRowOfASmallTable_fitsWithoutGrowingPastIt() {
    TouchedRows rows = new TouchedRows(3, 1);
    rows.addAll(new int[] {2, 1, 0, 2, 1, 0}, 0, 6);
    assertThat(new int[] {rows.row(0), rows.row(1), rows.row(2)}).containsExactly(0, 1, 2);
  }

  @Test
  void rowPastTheCount_andEmptyTables_refused() {
    TouchedRows rows = new TouchedRows(4, 2);
    rows.addAll(new int[] {1}, 0, 1);
    assertThatThrownBy(() -> rows.row(1)).hasMessageContaining("touched row 1 of 1");
    assertThatThrownBy(() -> new TouchedRows(0, 3))
        .hasMessageContaining("rows >= 1 and width >= 1, got 0 x 3");
  }
}
