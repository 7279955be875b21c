package dev.kopi.image.decode;

import dev.kopi.image.ItemException;
import dev.kopi.image.ItemStatus;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Reads an input file's bytes after checking what it is, without ever opening a special file: a
 * FIFO would block the reader forever and a device could be endless, so the type is checked from
 * the file's attributes first (not following a symlink unless asked).
 */
public final class ImageFiles {
  private ImageFiles() {}

  /**
   * The file's bytes.
   *
   * @param maxBytes files larger than this are refused as {@code too_many_pixels}' cousin: no image
   *     worth decoding is larger, and reading it whole would threaten memory
   * @throws ItemException with {@code not_found}, {@code not_a_file}, {@code empty} or {@code
   *     io_error}
   */
  public static byte[] read(Path path, boolean followSymlinks, long maxBytes) throws ItemException {
    byte[] bytes = readIfAtMost(path, followSymlinks, maxBytes, maxBytes);
    if (bytes == null) {
      throw new IllegalStateException("a file within maxBytes was not read");
    }
    return bytes;
  }

  /**
   * The file's bytes, or {@code null} if it is larger than {@code readLimit}: the same checks and
   * failures as {@link #read}, for a reader that only takes files up to a size (a read-ahead that
   * must keep its memory bounded) and leaves bigger ones to be read when they are needed.
   *
   * @param readLimit files larger than this, and within {@code maxBytes}, are checked but not read
   */
  public static byte @Nullable [] readIfAtMost(
      Path path, boolean followSymlinks, long maxBytes, long readLimit) throws ItemException {
    BasicFileAttributes attrs;
    try {
      attrs =
          followSymlinks
              ? Files.readAttributes(path, BasicFileAttributes.class)
              : Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new ItemException(ItemStatus.NOT_FOUND, "no such file");
    } catch (AccessDeniedException e) {
      throw new ItemException(ItemStatus.IO_ERROR, "permission denied reading its attributes");
    } catch (IOException e) {
      throw new ItemException(ItemStatus.IO_ERROR, "cannot read its attributes: " + e, e);
    }
    if (attrs.isSymbolicLink()) {
      throw new ItemException(
          ItemStatus.NOT_A_FILE, "a symbolic link; pass --follow-symlinks to follow links");
    }
    if (attrs.isDirectory()) {
      throw new ItemException(ItemStatus.NOT_A_FILE, "a directory, not a file");
    }
    if (!attrs.isRegularFile()) {
      throw new ItemException(
          ItemStatus.NOT_A_FILE, "a special file (FIFO, device or socket); not opened");
    }
    long size = attrs.size();
    if (size == 0) {
      throw new ItemException(ItemStatus.EMPTY, "the file is empty (0 bytes)");
    }
    if (size > maxBytes) {
      throw new ItemException(
          ItemStatus.UNSUPPORTED_FORMAT,
          String.format(
              Locale.ROOT,
              "the file is %d bytes, over the %d-byte limit for one image",
              size,
              maxBytes));
    }
    if (size > readLimit) {
      return null;
    }
    try {
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new ItemException(ItemStatus.NOT_FOUND, "the file disappeared while being read");
    } catch (AccessDeniedException e) {
      throw new ItemException(ItemStatus.IO_ERROR, "permission denied");
    } catch (IOException e) {
      throw new ItemException(ItemStatus.IO_ERROR, "read failed: " + e.getMessage(), e);
    } catch (OutOfMemoryError e) {
      throw new ItemException(ItemStatus.IO_ERROR, "not enough memory to read the file", e);
    }
  }
}
