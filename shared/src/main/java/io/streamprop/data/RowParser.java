package io.streamprop.data;

import java.io.IOException;
import java.util.List;

/**
 * Turns one line of a {@link DataFile} into a {@link DataFile.Row}, in one of its {@link
 * DataFile.Format formats}: {@link CsvRows} or {@link JsonLinesRows}. The widths and names are
 * known once the header (CSV) or the first row (JSON lines) has been read.
 */
interface RowParser {

  /**
   * The row on this line, which the file's {@link DataLines} has just read.
   *
   * @throws DataFileException for a row that cannot be used, naming the file, line and column
   */
  DataFile.Row parse(String line) throws IOException;

  /** Feature names from the CSV header (or the first JSON row's names); empty if positional. */
  List<String> featureNames();

  int featureCount();

  int labelWidth();

  String labelName();
}
