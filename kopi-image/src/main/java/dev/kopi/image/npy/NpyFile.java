package dev.kopi.image.npy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A fixed-shape NumPy array file ({@code .npy}, format 1.0, or 2.0 when the header needs it), C
 * order, written row by row at positions given by the row's index, so that rows can arrive in any
 * order and a restarted job can fill in the rows it is missing.
 *
 * <p>The header follows the NumPy format specification (numpy/lib/format.py): the magic string
 * {@code \x93NUMPY}, the version, the header length, and a Python dict literal padded with spaces
 * to a newline so that the data starts at a multiple of 64 bytes. The file is sized at creation;
 * rows never written read as zeros (the file is sparse until they are).
 *
 * <p>Writes are positional {@link FileChannel} writes, not a memory mapping: a full disk then
 * surfaces as an {@link IOException} on the write that hit it, where a mapping would crash the JVM
 * with SIGBUS. Thread-safe: concurrent {@link #writeRow} calls on distinct rows are fine.
 */
public final class NpyFile implements AutoCloseable {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final int ALIGN = 64;

  private final FileChannel channel;
  private final long dataOffset;
  private final long rowBytes;
  private final long rows;

  private NpyFile(FileChannel channel, long dataOffset, long rowBytes, long rows) {
    this.channel = channel;
    this.dataOffset = dataOffset;
    this.rowBytes = rowBytes;
    this.rows = rows;
  }

  /**
   * Creates (or truncates) {@code file} as an array of dtype {@code descr} (e.g. {@code "|u1"},
   * {@code "<i8"}) and the given shape; the first dimension counts rows.
   *
   * @param itemSize bytes per element of {@code descr}
   * @throws IllegalArgumentException if the shape is empty or has a negative dimension
   */
  public static NpyFile create(Path file, String descr, int itemSize, long... shape)
      throws IOException {
    Objects.requireNonNull(file, "file");
    byte[] header = header(descr, shape);
    long rowBytes = itemSize;
    for (int i = 1; i < shape.length; i++) {
      rowBytes = Math.multiplyExact(rowBytes, shape[i]);
    }
    FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.READ,
            StandardOpenOption.TRUNCATE_EXISTING);
    try {
      writeFully(ch, ByteBuffer.wrap(header), 0);
      long size = header.length + Math.multiplyExact(rowBytes, shape[0]);
      if (size > header.length) {
        // Extend to full size (sparse): one zero byte at the end.
        writeFully(ch, ByteBuffer.wrap(new byte[1]), size - 1);
      }
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    return new NpyFile(ch, header.length, rowBytes, shape[0]);
  }

  /**
   * Opens an existing file written by {@link #create} with the same header, to fill in rows.
   *
   * @throws IOException if the file's header differs from the one these arguments give
   */
  public static NpyFile reopen(Path file, String descr, int itemSize, long... shape)
      throws IOException {
    byte[] header = header(descr, shape);
    FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ);
    try {
      ByteBuffer existing = ByteBuffer.allocate(header.length);
      while (existing.hasRemaining() && ch.read(existing, existing.position()) > 0) {
        // keep reading
      }
      if (!Arrays.equals(existing.array(), header)) {
        throw new IOException("not the same array header: " + file);
      }
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    long rowBytes = itemSize;
    for (int i = 1; i < shape.length; i++) {
      rowBytes *= shape[i];
    }
    return new NpyFile(ch, header.length, rowBytes, shape[0]);
  }

  /** The header bytes for this dtype and shape, padded so the data is 64-byte aligned. */
  static byte[] header(String descr, long... shape) {
    Objects.requireNonNull(descr, "descr");
    if (shape.length == 0) {
      throw new IllegalArgumentException("shape must have at least one dimension");
    }
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "shape dimensions >= 0 required but it was " + Arrays.toString(shape));
      }
    }
    String dims = Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", "));
    String tuple = shape.length == 1 ? "(" + dims + ",)" : "(" + dims + ")";
    String dict =
        String.format(
            Locale.ROOT, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, tuple);
    int major = 1;
    int prefix = MAGIC.length + 2 + 2;
    int total = roundUp(prefix + dict.length() + 1, ALIGN);
    if (total - prefix > 0xFFFF) {
      major = 2;
      prefix = MAGIC.length + 2 + 4;
      total = roundUp(prefix + dict.length() + 1, ALIGN);
    }
    int headerLen = total - prefix;
    ByteBuffer b = ByteBuffer.allocate(total).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) major).put((byte) 0);
    if (major == 1) {
      b.putShort((short) headerLen);
    } else {
      b.putInt(headerLen);
    }
    b.put(dict.getBytes(StandardCharsets.US_ASCII));
    while (b.position() < total - 1) {
      b.put((byte) ' ');
    }
    b.put((byte) '\n');
    return b.array();
  }

  private static int roundUp(int n, int m) {
    return (n + m - 1) / m * m;
  }

  /** Bytes per row. */
  public long rowBytes() {
    return rowBytes;
  }

  /** The number of rows (the first dimension). */
  public long rows() {
    return rows;
  }

  /**
   * Writes one row's bytes at its index.
   *
   * @throws IndexOutOfBoundsException if {@code index} is not a row
   * @throws IllegalArgumentException if {@code row} is not exactly {@link #rowBytes()} long
   * @throws IOException if the write fails (for instance, the disk is full)
   */
  public void writeRow(long index, ByteBuffer row) throws IOException {
    Objects.checkIndex(index, rows);
    if (row.remaining() != rowBytes) {
      throw new IllegalArgumentException(
          "a row of " + rowBytes + " bytes required but it was " + row.remaining());
    }
    writeFully(channel, row, dataOffset + index * rowBytes);
  }

  /** Writes one row's bytes at its index; see {@link #writeRow(long, ByteBuffer)}. */
  public void writeRow(long index, byte[] row) throws IOException {
    writeRow(index, ByteBuffer.wrap(row));
  }

  /** Forces the written rows to the storage device. */
  public void force() throws IOException {
    channel.force(false);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  private static void writeFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
    long pos = position;
    while (b.hasRemaining()) {
      pos += ch.write(b, pos);
    }
  }
}
