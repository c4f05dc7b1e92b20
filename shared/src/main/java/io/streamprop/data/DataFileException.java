package io.streamprop.data;

/** A data file whose content cannot be read as rows; the message names the file and line. */
public final class DataFileException extends IllegalArgumentException {
  public DataFileException(String message) {
    super(message);
  }
}
