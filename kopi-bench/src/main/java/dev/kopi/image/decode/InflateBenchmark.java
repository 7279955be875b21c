package dev.kopi.image.decode;

import dev.kopi.image.sample.SampleCorpus;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Inflating PNG image data (the zlib stream of a file's IDAT chunks), per stream, on one thread:
 * kopi's {@link Inflate} against {@link java.util.zip.Inflater} (native zlib), the decoder
 * PngDecoder used before.
 *
 * <p>This class sits in {@code dev.kopi.image.decode} because {@code Inflate} is package-private
 * there (it is no API); the bench module is on the class path, so the package is simply shared.
 *
 * <p><b>Inputs.</b> {@value #STREAMS} streams. {@code corpus=generated} (the default): PNGs written
 * by Image I/O's PNG writer (as {@code kopi sample} writes them) from {@link SampleCorpus#photo}
 * images (gradients, soft shapes, sensor-like noise; each from its own seed), three in four RGB,
 * the others RGBA or grey, 512 to 900 pixels a side: ~1.2 MB of filtered pixels each, mostly
 * literals and short matches, like the benchmark corpus. {@code -p corpus=DIR}: the first {@value
 * #STREAMS} {@code *.png} files of DIR, in name order, whose image data zlib inflates (e.g. {@code
 * bench/out/corpus-2000}).
 *
 * <p><b>What is measured.</b> {@link #inflate}: each stream inflated whole into a reused array,
 * average time per stream ({@code OperationsPerInvocation}). {@code inflater}:
 *
 * <ul>
 *   <li>{@code zlib}: a new {@code Inflater}, each IDAT chunk passed in place with {@code
 *       setInput}, {@code inflate} into the array until finished, {@code end()}.
 *   <li>{@code kopi}: a new {@code Inflate} over the IDAT chunks in place, one {@code inflate} call
 *       into the array (the Adler-32 check included, as zlib's).
 * </ul>
 *
 * <p>Set-up checks that both produce the same bytes for every stream.
 *
 * <p><b>Run</b> (from the repository root, after {@code ./build -q -pl kopi-bench -am package
 * -DskipTests}; about 2 minutes):
 *
 * <pre>
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar kopi-bench/target/benchmarks.jar InflateBenchmark
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar kopi-bench/target/benchmarks.jar InflateBenchmark -p corpus=bench/out/corpus-2000
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 6, time = 2)
@Fork(
    value = 2,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+UseSerialGC"})
@State(Scope.Benchmark)
public class InflateBenchmark {
  /**
   * Streams in the set, generated or from a directory; one benchmark operation inflates them all.
   */
  static final int STREAMS = 16;

  private static final int[][] SIZES = {
    {640, 480}, {800, 600}, {700, 640}, {512, 768}, {720, 540}, {600, 600}, {768, 512}, {900, 500}
  };

  /** {@code generated}, or a directory of PNG files. */
  @Param({"generated"})
  public String corpus = "generated";

  /** {@code zlib} (java.util.zip.Inflater) or {@code kopi} (Inflate). */
  @Param({"zlib", "kopi"})
  public String inflater = "kopi";

  /** A PNG file's bytes and where its IDAT chunks' data are: (offset, length) pairs. */
  record Idat(byte[] file, int[] pieces, int count, int inflatedLength) {}

  @SuppressWarnings("NullAway.Init") // set in @Setup
  List<Idat> streams;

  @SuppressWarnings("NullAway.Init") // set in @Setup
  byte[] out;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    if (!inflater.equals("zlib") && !inflater.equals("kopi")) {
      throw new IllegalArgumentException(
          "inflater in {zlib, kopi} required but it was " + inflater);
    }
    List<Idat> list = corpus.equals("generated") ? generated() : fromDirectory(Path.of(corpus));
    int longest = 0;
    long total = 0;
    for (Idat s : list) {
      longest = Math.max(longest, s.inflatedLength());
      total += s.inflatedLength();
    }
    streams = List.copyOf(list);
    out = new byte[longest];
    for (Idat s : streams) {
      byte[] a = Arrays.copyOf(out, zlib(s, out));
      byte[] b = Arrays.copyOf(out, kopi(s, out));
      if (!Arrays.equals(a, b)) {
        throw new IllegalStateException("kopi's Inflate and zlib disagree on a stream");
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%n%d streams, %.2f MB compressed and %.2f MB inflated on average%n",
        streams.size(),
        streams.stream().mapToLong(InflateBenchmark::compressed).sum() / 1e6 / streams.size(),
        total / 1e6 / streams.size());
  }

  /** Every stream of the set, inflated whole; the time is per stream. */
  @Benchmark
  @OperationsPerInvocation(STREAMS)
  public void inflate(Blackhole bh) throws IOException {
    boolean kopi = inflater.equals("kopi");
    for (Idat s : streams) {
      bh.consume(kopi ? kopi(s, out) : zlib(s, out));
    }
  }

  static int zlib(Idat s, byte[] out) throws IOException {
    Inflater inf = new Inflater();
    try {
      int n = 0;
      int next = 0;
      while (!inf.finished()) {
        int got = inf.inflate(out, n, out.length - n);
        n += got;
        if (got == 0 && !inf.finished()) {
          if (!inf.needsInput() || next == s.count()) {
            throw new IOException("zlib cannot finish the stream");
          }
          inf.setInput(s.file(), s.pieces()[2 * next], s.pieces()[2 * next + 1]);
          next++;
        }
      }
      return n;
    } catch (DataFormatException e) {
      throw new IOException(e);
    } finally {
      inf.end();
    }
  }

  static int kopi(Idat s, byte[] out) throws IOException {
    Inflate inflate = new Inflate(s.file(), s.pieces(), s.count());
    try {
      int n = inflate.inflate(out, 0, out.length);
      if (!inflate.finished()) {
        throw new IOException("kopi's Inflate cannot finish the stream");
      }
      return n;
    } catch (Inflate.DataException e) {
      throw new IOException(e);
    }
  }

  /** The PNG's IDAT chunks and its inflated length, or null if zlib cannot inflate it. */
  static @Nullable Idat idat(byte[] b) {
    int[] pieces = new int[32];
    int count = 0;
    int pos = 8;
    while (pos + 8 <= b.length) {
      int len = readInt(b, pos);
      int type = readInt(b, pos + 4);
      if (len < 0 || (long) pos + 12 + len > b.length) {
        break;
      }
      if (type == 0x49444154) { // IDAT
        if (2 * count + 2 > pieces.length) {
          pieces = Arrays.copyOf(pieces, 2 * pieces.length);
        }
        pieces[2 * count] = pos + 8;
        pieces[2 * count + 1] = len;
        count++;
      } else if (type == 0x49454E44) { // IEND
        break;
      }
      pos += 12 + len;
    }
    if (count == 0) {
      return null;
    }
    Idat probe = new Idat(b, pieces, count, 0);
    byte[] big = new byte[64 << 20];
    try {
      return new Idat(b, pieces, count, zlib(probe, big));
    } catch (IOException e) {
      return null;
    }
  }

  private static List<Idat> generated() throws IOException {
    List<Idat> out = new ArrayList<>();
    for (int i = 0; i < STREAMS; i++) {
      int[] size = SIZES[i % SIZES.length];
      BufferedImage photo = SampleCorpus.photo(size[0], size[1], new Random(2_000 + i));
      BufferedImage img =
          switch (i % 8) {
            case 5 -> convert(photo, BufferedImage.TYPE_INT_ARGB);
            case 6 -> convert(photo, BufferedImage.TYPE_BYTE_GRAY);
            default -> photo;
          };
      Idat s = idat(SampleCorpus.encode(img, "png"));
      if (s == null) {
        throw new IllegalStateException("Image I/O wrote a PNG zlib cannot inflate");
      }
      out.add(s);
    }
    return out;
  }

  private static BufferedImage convert(BufferedImage src, int type) {
    BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), type);
    Graphics2D g = out.createGraphics();
    try {
      g.drawImage(src, 0, 0, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  private static List<Idat> fromDirectory(Path dir) throws IOException {
    List<Path> pngs;
    try (Stream<Path> files = Files.list(dir)) {
      pngs = files.filter(p -> p.getFileName().toString().endsWith(".png")).sorted().toList();
    }
    List<Idat> out = new ArrayList<>();
    for (Path p : pngs) {
      Idat s = idat(Files.readAllBytes(p));
      if (s != null && s.inflatedLength() > 0) {
        out.add(s);
        if (out.size() == STREAMS) {
          return out;
        }
      }
    }
    throw new IllegalStateException(
        "fewer than " + STREAMS + " PNGs zlib can inflate in " + dir + ": " + out.size());
  }

  private static long compressed(Idat s) {
    long sum = 0;
    for (int i = 0; i < s.count(); i++) {
      sum += s.pieces()[2 * i + 1];
    }
    return sum;
  }

  private static int readInt(byte[] b, int p) {
    return ((b[p] & 0xFF) << 24)
        | ((b[p + 1] & 0xFF) << 16)
        | ((b[p + 2] & 0xFF) << 8)
        | (b[p + 3] & 0xFF);
  }
}
