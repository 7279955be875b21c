package dev.kopi.image.resize;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Runs real Pillow on the machine's system Python to produce reference resizes.
 *
 * <p>All requests of a batch go to one Python process: it reads each distinct source once from a
 * raw file with numpy, wraps it with {@code Image.frombytes}, resizes it per request and appends
 * the result bytes to one output file, which {@link Batch#result} reads back by offset.
 */
final class PillowReference {
  /**
   * The interpreter with PIL and numpy: Debian's {@code /usr/bin/python3} with python3-pil and
   * python3-numpy (not a pyenv shim on PATH), or the system property {@code kopi.pillow.python}.
   */
  static final Path PYTHON = Path.of(System.getProperty("kopi.pillow.python", "/usr/bin/python3"));

  private static final String PROBE = "import PIL, numpy; print(PIL.__version__)";

  private static final String SCRIPT =
      """
      import sys
      import numpy as np
      from PIL import Image
      R = Image.Resampling
      filters = {'NEAREST': R.NEAREST, 'BOX': R.BOX, 'BILINEAR': R.BILINEAR,
                 'HAMMING': R.HAMMING, 'BICUBIC': R.BICUBIC, 'LANCZOS': R.LANCZOS}
      modes = {1: 'L', 3: 'RGB', 4: 'RGBA'}
      images = {}
      with open(sys.argv[1]) as spec, open(sys.argv[2], 'wb') as out:
          for line in spec:
              f = line.split()
              path, w, h, c, ow, oh, flt = f[:7]
              im = images.get(path)
              if im is None:
                  a = np.fromfile(path, dtype=np.uint8)
                  assert a.size == int(w) * int(h) * int(c), path
                  im = Image.frombytes(modes[int(c)], (int(w), int(h)), a.tobytes())
                  images[path] = im
              box = tuple(float(v) for v in f[7:11]) if len(f) > 7 else None
              r = im.resize((int(ow), int(oh)), filters[flt], box=box)
              assert r.size == (int(ow), int(oh)) and r.mode == im.mode
              out.write(r.tobytes())
      """;

  private static @Nullable String probed;

  private PillowReference() {}

  /**
   * Returns null when {@link #PYTHON} can import PIL and numpy, otherwise why it cannot (for a
   * JUnit assumption message). Probes once per JVM.
   */
  static synchronized @Nullable String unavailableReason() {
    if (probed == null) {
      probed = probe();
    }
    return probed.startsWith("ok ") ? null : probed;
  }

  /** The Pillow version found, or "unavailable". */
  static synchronized String version() {
    String reason = unavailableReason();
    return reason == null && probed != null ? probed.substring(3) : "unavailable";
  }

  private static String probe() {
    if (!Files.isExecutable(PYTHON)) {
      return PYTHON + " not found; Pillow reference tests need Debian's python3-pil and numpy";
    }
    try {
      Process p =
          new ProcessBuilder(PYTHON.toString(), "-c", PROBE).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return PYTHON + " timed out importing PIL and numpy";
      }
      if (p.exitValue() != 0) {
        return PYTHON + " cannot import PIL and numpy: " + out;
      }
      return "ok " + out;
    } catch (IOException e) {
      return PYTHON + " failed to start: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while probing " + PYTHON;
    }
  }

  /**
   * One resize to ask Pillow for; {@code box} is null or {x0, y0, x1, y1}. Requests are never
   * compared; sources are shared by identity, so that each is written and decoded once.
   */
  @SuppressWarnings("ArrayRecordComponent")
  record Request(
      byte[] src,
      int width,
      int height,
      int channels,
      double @Nullable [] box,
      int outWidth,
      int outHeight,
      Filter filter,
      String label) {

    long outputLength() {
      return (long) outWidth * outHeight * channels;
    }

    /** The same resize by kopi. */
    byte[] kopi() {
      double[] b = box;
      return b == null
          ? Resampler.resize(src, width, height, channels, outWidth, outHeight, filter)
          : Resampler.resize(
              src, width, height, channels, b[0], b[1], b[2], b[3], outWidth, outHeight, filter);
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%s %dx%dx%d -> %dx%d %s%s",
          label,
          width,
          height,
          channels,
          outWidth,
          outHeight,
          filter,
          box == null ? "" : " box=" + java.util.Arrays.toString(box));
    }
  }

  /** The results of one Python run, kept in a file and read back on demand. */
  static final class Batch {
    private final Path output;
    private final long[] offsets;
    private final List<Request> requests;

    private Batch(Path output, long[] offsets, List<Request> requests) {
      this.output = output;
      this.offsets = offsets;
      this.requests = requests;
    }

    List<Request> requests() {
      return requests;
    }

    /** Pillow's result for request {@code i}. */
    byte[] result(int i) {
      int n = (int) requests.get(i).outputLength();
      ByteBuffer buffer = ByteBuffer.allocate(n);
      try (FileChannel ch = FileChannel.open(output, StandardOpenOption.READ)) {
        while (buffer.hasRemaining()) {
          if (ch.read(buffer, offsets[i] + buffer.position()) < 0) {
            throw new IllegalStateException("Pillow output truncated at request " + i);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return buffer.array();
    }
  }

  /**
   * Runs every request in one Python process, with work files under {@code dir}.
   *
   * @throws IllegalStateException if Python fails or its output has the wrong length
   */
  static Batch run(List<Request> requests, Path dir) throws IOException, InterruptedException {
    IdentityHashMap<byte[], Path> sources = new IdentityHashMap<>();
    Path spec = dir.resolve("spec.txt");
    Path output = dir.resolve("pillow.raw");
    long[] offsets = new long[requests.size()];
    long offset = 0;
    try (Writer w = Files.newBufferedWriter(spec, StandardCharsets.UTF_8)) {
      for (int i = 0; i < requests.size(); i++) {
        Request r = requests.get(i);
        Path source = sources.get(r.src());
        if (source == null) {
          source = dir.resolve("src-" + sources.size() + ".raw");
          Files.write(source, r.src());
          sources.put(r.src(), source);
        }
        StringBuilder line = new StringBuilder();
        line.append(source)
            .append(' ')
            .append(r.width())
            .append(' ')
            .append(r.height())
            .append(' ')
            .append(r.channels())
            .append(' ')
            .append(r.outWidth())
            .append(' ')
            .append(r.outHeight())
            .append(' ')
            .append(r.filter().name());
        double[] box = r.box();
        if (box != null) {
          for (double v : box) {
            // Double.toString is locale-independent and round-trips through Python's float().
            line.append(' ').append(Double.toString(v));
          }
        }
        w.write(line.append('\n').toString());
        offsets[i] = offset;
        offset += r.outputLength();
      }
    }
    Path log = dir.resolve("python.log");
    Process p =
        new ProcessBuilder(PYTHON.toString(), "-c", SCRIPT, spec.toString(), output.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("Pillow reference run timed out");
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          "Pillow reference run failed: " + Files.readString(log, StandardCharsets.UTF_8));
    }
    long size = Files.size(output);
    if (size != offset) {
      throw new IllegalStateException(
          "Pillow wrote " + size + " bytes but " + offset + " were expected");
    }
    return new Batch(output, offsets, new ArrayList<>(requests));
  }
}
