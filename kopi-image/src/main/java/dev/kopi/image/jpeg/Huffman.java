package dev.kopi.image.jpeg;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

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

  static final int SKIP_BITS = 12;

  /** {@code skip} entry fields: positions advanced, bits consumed, and whether it ended on EOB. */
  static final int SKIP_ADVANCE_MASK = 0xFF;

  static final int SKIP_BITS_SHIFT = 8;
  static final int SKIP_EOB = 1 << 16;

  final int[] fast = new int[1 << FAST_BITS];
  final int[] fastAc = new int[1 << FAST_BITS];
  final int[] skip;

  /** Largest code of each length (index 1..16), or -1 when there is none; [17] is a sentinel. */
  final int[] maxCode = new int[18];

  /** Index into {@link #values} of the first symbol of each length, minus that length's code. */
  final int[] valOffset = new int[17];

  final byte[] values;

  /**
   * @param counts the number of codes of each length 1..16 (index 0 unused)
   * @param values the symbols in code order
   */
  private static final int CACHE_SIZE = 32;

  /**
   * Built tables by their DHT bytes, per thread: most files of a corpus share a handful of tables
   * (the standard ones, or one encoder's), and building the lookups costs more than decoding a
   * small image's DC coefficients.
   */
  private static final ThreadLocal<Map<Key, Huffman>> CACHE =
      ThreadLocal.withInitial(() -> new HashMap<>());

  private record Key(boolean ac, byte[] bytes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.ac == ac && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes) * 31 + (ac ? 1 : 0);
    }
  }

  /**
   * The table defined by {@code length} DHT bytes at {@code offset} (16 counts, then the symbols),
   * built or from this thread's cache.
   */
  static Huffman of(boolean ac, byte[] data, int offset, int length) throws JpegException {
    Key key = new Key(ac, Arrays.copyOfRange(data, offset, offset + length));
    Map<Key, Huffman> cache = CACHE.get();
    Huffman h = cache.get(key);
    if (h == null) {
      int[] counts = new int[17];
      for (int i = 1; i <= 16; i++) {
        counts[i] = data[offset + i - 1] & 0xFF;
      }
      h = new Huffman(counts, Arrays.copyOfRange(data, offset + 16, offset + length), ac);
      if (cache.size() >= CACHE_SIZE) {
        cache.clear();
      }
      cache.put(key, h);
    }
    return h;
  }

  Huffman(int[] counts, byte[] values, boolean ac) throws JpegException {
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
    if (ac) {
      buildFastAc();
      skip = buildSkip();
    } else {
      skip = new int[0];
    }
  }

  /** See {@link #skip}: whole AC symbols per {@value #SKIP_BITS}-bit window. */
  private int[] buildSkip() {
    int[] table = new int[1 << SKIP_BITS];
    for (int i = 0; i < table.length; i++) {
      int used = 0;
      int advance = 0;
      boolean eob = false;
      while (true) {
        int look = ((i << used) & ((1 << SKIP_BITS) - 1)) >>> (SKIP_BITS - FAST_BITS);
        int e = fast[look];
        int len = e >>> 8;
        if (e == 0 || used + len > SKIP_BITS) {
          break;
        }
        int rs = e & 0xFF;
        int run = rs >>> 4;
        int size = rs & 15;
        if (size == 0) {
          used += len;
          if (run != 15) {
            eob = true;
            break;
          }
          advance += 16;
        } else {
          if (used + len + size > SKIP_BITS) {
            break;
          }
          used += len + size;
          advance += run + 1;
        }
        if (advance > 64) {
          break;
        }
      }
      table[i] = used == 0 ? 0 : advance | used << SKIP_BITS_SHIFT | (eob ? SKIP_EOB : 0);
    }
    return table;
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
