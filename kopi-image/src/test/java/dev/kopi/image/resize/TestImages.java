package dev.kopi.image.resize;

import java.util.SplittableRandom;

/** Seeded generators of interleaved 8-bit test images. */
final class TestImages {
  private TestImages() {}

  /** Independent uniform samples: the worst case for rounding, every pixel an edge. */
  static byte[] noise(int width, int height, int channels, long seed) {
    byte[] data = new byte[width * height * channels];
    new SplittableRandom(seed).nextBytes(data);
    return data;
  }

  /**
   * Photo-like content: smooth gradients and low-frequency waves, a few soft blobs, one hard
   * diagonal edge, a little grain, and saturated regions at both ends of the range (which exercise
   * clamping of the filters' negative lobes). With 4 channels, alpha runs from fully transparent to
   * opaque with flat 0 and 255 areas, so premultiplication is exercised on every path.
   */
  static byte[] smooth(int width, int height, int channels, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] phase = new double[channels];
    double[] freq = new double[channels];
    for (int c = 0; c < channels; c++) {
      phase[c] = random.nextDouble() * 2 * Math.PI;
      freq[c] = 1 + random.nextDouble() * 4;
    }
    double bx = random.nextDouble();
    double by = random.nextDouble();
    byte[] data = new byte[width * height * channels];
    int i = 0;
    for (int y = 0; y < height; y++) {
      double v = (y + 0.5) / height;
      for (int x = 0; x < width; x++) {
        double u = (x + 0.5) / width;
        double blob = Math.exp(-((u - bx) * (u - bx) + (v - by) * (v - by)) * 30);
        boolean edge = u + 0.7 * v > 0.8;
        for (int c = 0; c < channels; c++) {
          double value;
          if (c == 3) {
            value = 320 * u - 40 + 60 * Math.sin(6 * v + phase[c]);
          } else {
            value =
                40
                    + 140 * (c == 1 ? v : u)
                    + 60 * Math.sin(freq[c] * 2 * Math.PI * (u + 0.5 * v) + phase[c])
                    + 150 * blob
                    + (edge ? 45 : -45)
                    + (random.nextDouble() - 0.5) * 6;
          }
          data[i++] = (byte) Math.max(0, Math.min(255, Math.round(value)));
        }
      }
    }
    return data;
  }
}
