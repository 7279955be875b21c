package dev.kopi.image;

import java.util.Locale;

/**
 * How one input item of the image job ended. Every item ends in exactly one status; all but {@link
 * #OK} come with a reason a person can act on, in the index's {@code reason} column.
 */
public enum ItemStatus {
  /** Decoded, converted and resized; its row of the array holds the image. */
  OK,
  /** The path does not exist. */
  NOT_FOUND,
  /** The path is a directory, a special file (FIFO, device, socket) or an unfollowed symlink. */
  NOT_A_FILE,
  /** The file has no bytes. */
  EMPTY,
  /** No decoder recognises the file's format. */
  UNSUPPORTED_FORMAT,
  /** The file ends before the image data does (cut off during a copy or download). */
  TRUNCATED,
  /** The image data is damaged in a way other than truncation. */
  CORRUPT,
  /** The header declares more pixels than the limit; refused before decoding. */
  TOO_MANY_PIXELS,
  /** Decoding outlived the per-item timeout. */
  DECODE_TIMEOUT,
  /** Reading the file failed (permissions, I/O errors). */
  IO_ERROR;

  /** The name used in the index and the summary: {@code ok}, {@code not_found}, ... */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
