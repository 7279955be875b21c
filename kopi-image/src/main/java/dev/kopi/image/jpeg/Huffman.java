package dev.kopi.image.jpeg;

/**
 * One Huffman table (ITU T.81 Annex C) with the lookup structures the entropy decoder uses.
 *
 * <p>{@link #fast} maps the next {@value #FAST_BITS} bits to {@code length << 8 | symbol} for every
 * code at most that long (0 for longer codes, which take the canonical {@link #maxCode} path). For
 * AC tables, {@link #fastAc} goes one step further, as stb_image does: when a code and the extra
 * bits of its coefficient both fit in the lookahead, the entry holds the coefficient's value, the
 * zero run before it and the total length, so the common coefficient costs one lookup.
 */
final class Huffman {
  static final int FAST_BITS = 10;

  final int[] fast = new int[1 << FAST_BITS];
  final int[] fastAc = new int[1 << FAST_BITS];

  /** Largest code of each length (index 1..16), or -1 when there is none; [17] is a sentinel. */
  final int[] maxCode = new int[18];

  /** Index into {@link #values} of the first symbol of each length, minus that length's code. */
  final int[] valOffset = new int[17];

  final byte[] values;

  /**
   * @param counts the number of codes of each length 1..16 (index 0 unused)
   * @param values the symbols in code order
   */
  Huffman(int[] counts, byte[] values) throws JpegException {
    this.values = values;
    int code = 0;
    int k = 0;
    for (int len = 1; len <= 16; len++) {
      int n = counts[len];
      // libjpeg's rule: the codes of one length must fit in that many bits. Checked before the
      // codes are entered: a code past the limit would index past the end of the fast table.
      if (code + n > (1 << len)) {
        throw JpegException.corrupt("a Huffman table has more codes than its code lengths allow");
      }
      valOffset[len] = k - code;
      if (n == 0) {
        maxCode[len] = -1;
      } else {
        for (int i = 0; i < n; i++, k++, code++) {
          if (len <= FAST_BITS) {
            int shift = FAST_BITS - len;
            int entry = len << 8 | (values[k] & 0xFF);
            for (int j = code << shift, end = (code + 1) << shift; j < end; j++) {
              fast[j] = entry;
            }
          }
        }
        maxCode[len] = code - 1;
      }
      code <<= 1;
    }
    maxCode[17] = Integer.MAX_VALUE;
    buildFastAc();
  }

  private void buildFastAc() {
    for (int i = 0; i < fast.length; i++) {
      int e = fast[i];
      if (e == 0) {
        continue;
      }
      int len = e >>> 8;
      int rs = e & 0xFF;
      int run = rs >>> 4;
      int size = rs & 15;
      if (size == 0 || len + size > FAST_BITS) {
        continue;
      }
      int extra = (i >>> (FAST_BITS - len - size)) & ((1 << size) - 1);
      int value = extra < (1 << (size - 1)) ? extra - (1 << size) + 1 : extra;
      fastAc[i] = value << 16 | run << 8 | (len + size);
    }
  }
}
