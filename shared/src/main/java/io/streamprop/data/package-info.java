/**
 * Reading datasets from files: {@link io.streamprop.data.DataFile} streams CSV or JSON-lines rows
 * of numbers (optionally gzip-compressed) with line numbers in every error, {@link
 * io.streamprop.data.RawDataFile} reads mixed-type rows (RFC 4180 CSV, JSON lines) for raw
 * features, and {@link io.streamprop.data.SpecInference} proposes a spec from a file. Used by the
 * command line and by producers; the trainer never reads files.
 */
package io.streamprop.data;
