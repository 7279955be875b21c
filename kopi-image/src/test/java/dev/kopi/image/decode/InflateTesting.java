package dev.kopi.image.decode;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.IntSupplier;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.jspecify.annotations.Nullable;

/**
 * Shared by the {@link Inflate} tests: the reference (java.util.zip's Inflater, that is zlib),
 * kopi's decoder driven the ways PngDecoder and other callers drive it, outcomes to compare, and
 * data.
 */
final class InflateTesting {
  private InflateTesting() {}

  /** How a decode ended. */
  enum Kind {
    /** The stream ended and its check matched. */
    OK,
    /** The input ended first (zlib: needs input). */
    TRUNCATED,
    /** Invalid data; the message is zlib's. */
    ERROR,
    /** The header asks for a preset dictionary. */
    DICTIONARY,
    /** The output reached the cap first: only the bytes so far are compared. */
    CAPPED
  }

  /**
   * An outcome: the kind, the output produced (for ERROR, what the decoder had produced before,
   * which zlib does not report), and zlib's message for ERROR.
   */
  record Outcome(Kind kind, byte[] output, String message) {
    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Outcome other
          && kind == other.kind
          && Arrays.equals(output, other.output)
          && message.equals(other.message);
    }

    @Override
    public int hashCode() {
      return 31 * (31 * kind.hashCode() + Arrays.hashCode(output)) + message.hashCode();
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%s (%d bytes)%s",
          kind,
          output.length,
          message.isEmpty() ? "" : ": " + message);
    }
  }

  /** zlib through java.util.zip, the whole input at once, output up to {@code cap} bytes. */
  static Outcome zlib(byte[] stream, int cap) {
    Inflater inf = new Inflater();
    try {
      inf.setInput(stream);
      byte[] out = new byte[Math.min(cap, 65_536)];
      int n = 0;
      while (true) {
        if (n == out.length) {
          out = Arrays.copyOf(out, (int) Math.min(cap, 2L * out.length));
        }
        int got;
        try {
          got = inf.inflate(out, n, out.length - n);
        } catch (DataFormatException e) {
          return new Outcome(Kind.ERROR, Arrays.copyOf(out, n), String.valueOf(e.getMessage()));
        }
        n += got;
        if (inf.finished()) {
          return new Outcome(Kind.OK, Arrays.copyOf(out, n), "");
        }
        if (n == cap) {
          return new Outcome(Kind.CAPPED, Arrays.copyOf(out, n), "");
        }
        if (got == 0) {
          if (inf.needsDictionary()) {
            return new Outcome(Kind.DICTIONARY, Arrays.copyOf(out, n), "");
          }
          if (inf.needsInput()) {
            return new Outcome(Kind.TRUNCATED, Arrays.copyOf(out, n), "");
          }
          throw new AssertionError("Inflater made no progress without saying why");
        }
      }
    } finally {
      inf.end();
    }
  }

  /** kopi's decoder, one call into one array. */
  static Outcome kopi(byte[] stream, int cap) {
    return kopi(new Inflate(stream, 0, stream.length), cap, () -> cap, cap);
  }

  /**
   * kopi's decoder driven as PngDecoder drives it: into a window of {@code area} bytes after the 32
   * KiB of history, sliding the history to the front when full, asking for {@code steps} bytes (at
   * most what fits) per call.
   */
  static Outcome kopi(Inflate inflate, int cap, IntSupplier steps, int area) {
    byte[] window = new byte[Inflate.HISTORY + area];
    int end = 0;
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    int total = 0;
    while (true) {
      if (end == window.length) {
        int keep = Math.min(end, Inflate.HISTORY);
        System.arraycopy(window, end - keep, window, 0, keep);
        // Garbage where the next output goes: the decoder must not read it.
        Arrays.fill(window, keep, window.length, (byte) 0xA5);
        end = keep;
      }
      int ask = Math.min(Math.min(steps.getAsInt(), window.length - end), cap - total);
      int got;
      try {
        got = inflate.inflate(window, end, ask);
      } catch (Inflate.DataException e) {
        return new Outcome(
            e.presetDictionary() ? Kind.DICTIONARY : Kind.ERROR,
            all.toByteArray(),
            e.presetDictionary() ? "" : String.valueOf(e.getMessage()));
      }
      if (got < 0 || got > ask) {
        throw new AssertionError("inflate returned " + got + " for " + ask + " bytes asked");
      }
      all.write(window, end, got);
      end += got;
      total += got;
      if (inflate.finished()) {
        return new Outcome(Kind.OK, all.toByteArray(), "");
      }
      if (inflate.truncated()) {
        return new Outcome(Kind.TRUNCATED, all.toByteArray(), "");
      }
      if (got < ask) {
        throw new AssertionError("fewer bytes than asked, neither finished nor truncated");
      }
      if (total == cap) {
        return new Outcome(Kind.CAPPED, all.toByteArray(), "");
      }
    }
  }

  /** A step size source: uniform in [1, max] from a seeded random. */
  static IntSupplier randomSteps(long seed, int max) {
    SplittableRandom r = new SplittableRandom(seed);
    return () -> 1 + r.nextInt(max);
  }

  /**
   * The stream split into {@code pieces} random pieces (some empty) of a larger array, with garbage
   * between them, as IDAT chunks sit between chunk headers and CRCs.
   */
  static Inflate inPieces(byte[] stream, int pieces, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[] cuts = new int[pieces + 1];
    cuts[pieces] = stream.length;
    for (int i = 1; i < pieces; i++) {
      cuts[i] = r.nextInt(stream.length + 1);
    }
    Arrays.sort(cuts, 1, pieces);
    byte[] file = new byte[stream.length + 12 * pieces + 8];
    r.nextBytes(file);
    int[] table = new int[2 * pieces];
    int at = 3;
    for (int i = 0; i < pieces; i++) {
      int len = cuts[i + 1] - cuts[i];
      System.arraycopy(stream, cuts[i], file, at, len);
      table[2 * i] = at;
      table[2 * i + 1] = len;
      at += len + 12;
    }
    return new Inflate(file, table, pieces);
  }

  /** {@code data} compressed by zlib at this level and strategy. */
  static byte[] deflate(byte[] data, int level, int strategy) {
    Deflater d = new Deflater(level);
    d.setStrategy(strategy);
    d.setInput(data);
    d.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
    byte[] buf = new byte[65_536];
    while (!d.finished()) {
      int n = d.deflate(buf);
      out.write(buf, 0, n);
    }
    d.end();
    return out.toByteArray();
  }

  /** The kinds of data the tests compress. */
  enum Data {
    RANDOM,
    TEXT,
    RUNS,
    PNG_LIKE;

    byte[] make(int n, long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      byte[] out = new byte[n];
      switch (this) {
        case RANDOM -> r.nextBytes(out);
        case TEXT -> {
          String[] words = {
            "the ",
            "quick ",
            "brown ",
            "fox ",
            "jumps ",
            "over ",
            "lazy ",
            "dog ",
            "kopi ",
            "inflate ",
            "window ",
            "matches ",
            "literal ",
            "\n",
            ", ",
            "zlib ",
            "Huffman "
          };
          int i = 0;
          while (i < n) {
            String w = words[r.nextInt(words.length)];
            for (int k = 0; k < w.length() && i < n; k++) {
              out[i++] = (byte) w.charAt(k);
            }
          }
        }
        case RUNS -> {
          int i = 0;
          while (i < n) {
            int len = 1 + r.nextInt(r.nextInt(4) == 0 ? 2000 : 12);
            byte v = (byte) r.nextInt(r.nextInt(3) == 0 ? 256 : 4);
            for (int k = 0; k < len && i < n; k++) {
              out[i++] = v;
            }
          }
        }
        case PNG_LIKE -> {
          // Sub-filtered RGB scanlines of a noisy gradient: a filter byte, then small values
          // around 0 with photo-like noise, as our corpus' IDAT data.
          int row = 3 * 700 + 1;
          for (int i = 0; i < n; i++) {
            int x = i % row;
            if (x == 0) {
              out[i] = 1;
            } else {
              out[i] = (byte) (Math.round(r.nextGaussian() * 6) + (x % 97 == 0 ? 9 : 0));
            }
          }
        }
      }
      return out;
    }
  }
}
