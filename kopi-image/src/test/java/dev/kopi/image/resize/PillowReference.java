package dev.kopi.image.resize;

import dev.kopi.image.testing.ReferencePython;
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
import org.jspecify.annotations.Nullable;

/**
 * Runs real Pillow on the machine's system Python to produce reference resizes.
 *
 * <p>All requests of a batch go to one Python process: it reads each distinct source once from a
 * raw file with numpy, wraps it with {@code Image.frombytes}, resizes it per request and appends
 * the result bytes to one output file, which {@link Batch#result} reads back by offset.
 */
final class PillowReference {

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

  private PillowReference() {}

  /** Null when the reference Python can import PIL and numpy, else why not. */
  static @Nullable String unavailableReason() {
    return ReferencePython.unavailableReason();
  }

  /** The Pillow version found, or "unavailable". */
  static String version() {
    return ReferencePython.pillowVersion();
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
    try {
      ReferencePython.run(SCRIPT, spec.toString(), output.toString());
    } catch (IOException e) {
      throw new IllegalStateException("Pillow reference run failed: " + e.getMessage(), e);
    }
    long size = Files.size(output);
    if (size != offset) {
      throw new IllegalStateException(
          "Pillow wrote " + size + " bytes but " + offset + " were expected");
    }
    return new Batch(output, offsets, new ArrayList<>(requests));
  }
}
