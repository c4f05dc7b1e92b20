/**
 * Reading datasets from files: {@link io.streamprop.data.DataFile} streams CSV or JSON-lines rows
 * (optionally gzip-compressed) with line numbers in every error, and {@link
 * io.streamprop.data.SpecInference} proposes a spec from a file. Used by the command line and by
 * producers; the trainer never reads files.
 */
package io.streamprop.data;
