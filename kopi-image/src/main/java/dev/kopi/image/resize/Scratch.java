package dev.kopi.image.resize;

/**
 * Per-thread reusable working memory for {@link Resampler}, so that resizing a stream of images on
 * a pool thread does not allocate an intermediate image per call.
 *
 * <p>Bounded by construction: each of the five buffers is kept only while it holds at most {@link
 * #RETAINED_BYTES_LIMIT} bytes; a call that needs more gets a fresh array that is dropped when the
 * call ends. A thread therefore retains at most {@code 5 * RETAINED_BYTES_LIMIT} bytes. Virtual
 * threads each get their own (usually short-lived) instance, which costs no more than allocating.
 *
 * <p>Confined to its thread; a buffer's contents are meaningful only within one {@link Resampler}
 * call, which never re-enters another.
 */
final class Scratch {
  /** The largest buffer, in bytes, that a thread keeps between calls: 8 MiB. */
  static final int RETAINED_BYTES_LIMIT = 8 << 20;

  private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

  private byte[] intermediate = new byte[0];
  private byte[] premultiplied = new byte[0];
  private byte[] output = new byte[0];
  private long[] accumulator = new long[0];
  private int[] ring = new int[0];

  private Scratch() {}

  static Scratch get() {
    return LOCAL.get();
  }

  /** Holds the horizontally resampled rows that the vertical pass reads. */
  byte[] intermediate(int length) {
    if (intermediate.length >= length) {
      return intermediate;
    }
    byte[] a = new byte[length];
    if (length <= RETAINED_BYTES_LIMIT) {
      intermediate = a;
    }
    return a;
  }

  /** Holds an RGBA source with its colour premultiplied by alpha. */
  byte[] premultiplied(int length) {
    if (premultiplied.length >= length) {
      return premultiplied;
    }
    byte[] a = new byte[length];
    if (length <= RETAINED_BYTES_LIMIT) {
      premultiplied = a;
    }
    return a;
  }

  /** Holds a whole result before it is copied into a {@link java.nio.ByteBuffer} without array. */
  byte[] output(int length) {
    if (output.length >= length) {
      return output;
    }
    byte[] a = new byte[length];
    if (length <= RETAINED_BYTES_LIMIT) {
      output = a;
    }
    return a;
  }

  /** Holds one output row's running sums in the vertical pass. */
  long[] accumulator(int length) {
    if (accumulator.length >= length) {
      return accumulator;
    }
    long[] a = new long[length];
    if (length <= RETAINED_BYTES_LIMIT / Long.BYTES) {
      accumulator = a;
    }
    return a;
  }

  /** Holds the vertical pass's source rows widened to ints. */
  int[] ring(int length) {
    if (ring.length >= length) {
      return ring;
    }
    int[] a = new int[length];
    if (length <= RETAINED_BYTES_LIMIT / Integer.BYTES) {
      ring = a;
    }
    return a;
  }
}
