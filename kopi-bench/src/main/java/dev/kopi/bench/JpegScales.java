package dev.kopi.bench;

import dev.kopi.image.decode.ImageDecoder;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Not a JMH benchmark: kopi's JPEG decoding of a list of real files at each scale, as the job calls
 * it ({@code ImageDecoder.decode} to RGB at 1/1, 1/2, 1/4 and 1/8 in the DCT domain), as the best
 * of several rounds of thread CPU time per file, to sit next to {@code
 * bench/images/turbo_scales.py} (libjpeg-turbo through Pillow's {@code draft()}, the same files,
 * the same measure) in {@code bench/images/jpeg_scales.sh}. CPU time rather than wall time, and the
 * best round, because the machine is shared: what is compared is what each decoder costs, not what
 * the neighbours did.
 *
 * <p>Arguments: a file listing images one per line, the scale denominators (e.g. {@code 8,4,2,1}),
 * and the rounds per scale. Prints one line per scale: {@code kopi 1/S MS ms/file}.
 */
public final class JpegScales {
  private JpegScales() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      throw new IllegalArgumentException(
          "arguments: LIST SCALES ROUNDS, but there were " + args.length);
    }
    List<byte[]> files = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      if (!line.isBlank()) {
        files.add(Files.readAllBytes(Path.of(line.strip())));
      }
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no files listed in " + args[0]);
    }
    int rounds = Integer.parseInt(args[2]);
    if (rounds < 1) {
      throw new IllegalArgumentException("ROUNDS >= 1 required but it was " + rounds);
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    ImageDecoder decoder = new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS, false);
    long sink = 0; // decoded pixels, so that the decoding cannot be optimised away
    for (String s : args[1].split(",")) {
      int scale = Integer.parseInt(s.strip());
      if (scale != 1 && scale != 2 && scale != 4 && scale != 8) {
        throw new IllegalArgumentException("a scale of 1, 2, 4 or 8 required but it was " + scale);
      }
      ImageDecoder.Reduction reduction =
          new ImageDecoder.Reduction() {
            @Override
            public int maxFactor(int width, int height) {
              return scale;
            }

            @Override
            public int maxBoxFactor(int width, int height) {
              return 1;
            }
          };
      double best = Double.MAX_VALUE;
      for (int r = 0; r < rounds; r++) {
        long t0 = threads.getCurrentThreadCpuTime();
        for (byte[] f : files) {
          try {
            sink += decoder.decode(f, false, reduction).pixels().data().length;
          } catch (Exception e) {
            sink++; // a broken file costs what it costs in both tools
          }
        }
        best = Math.min(best, (threads.getCurrentThreadCpuTime() - t0) / 1e6 / files.size());
      }
      System.out.printf(Locale.ROOT, "kopi 1/%d %.3f ms/file%n", scale, best);
    }
    if (sink == 0) {
      throw new IllegalStateException("nothing decoded");
    }
  }
}
