package dev.kopi.image.jpeg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link ColorOut} gives libjpeg-turbo's bytes: its colour conversion against libjpeg's own tables
 * ({@code jdcolor.c}'s {@code build_ycc_rgb_table}) for every sample triple, and whole YCbCr images
 * against a reference written straight from {@code jdsample.c}'s triangle filters, for each
 * sampling that takes a different path, at sizes with odd edges.
 */
class ColorOutTest {
  private static final int[] CR_R = new int[256];
  private static final int[] CB_B = new int[256];
  private static final int[] CR_G = new int[256];
  private static final int[] CB_G = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int x = i - 128;
      CR_R[i] = (int) Math.round(1.40200 * 65536) * x + 32768 >> 16;
      CB_B[i] = (int) Math.round(1.77200 * 65536) * x + 32768 >> 16;
      CR_G[i] = -(int) Math.round(0.71414 * 65536) * x;
      CB_G[i] = -(int) Math.round(0.34414 * 65536) * x + 32768;
    }
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }

  /** libjpeg's table conversion of one pixel, packed like {@link ColorOut#yccRow}'s output. */
  private static int tableYcc(int y, int cb, int cr) {
    int r = clamp(y + CR_R[cr]);
    int g = clamp(y + ((CB_G[cb] + CR_G[cr]) >> 16));
    int b = clamp(y + CB_B[cb]);
    return r | g << 8 | b << 16;
  }

  @Test
  void yccRowMatchesLibjpegsTablesForEverySampleTriple() {
    int[] ys = new int[256];
    int[] cbs = new int[256];
    int[] crs = new int[256];
    int[] rgb = new int[256];
    for (int y = 0; y < 256; y++) {
      ys[y] = y;
    }
    int wrong = 0;
    for (int cb = 0; cb < 256; cb++) {
      for (int cr = 0; cr < 256; cr++) {
        Arrays.fill(cbs, cb);
        Arrays.fill(crs, cr);
        Arrays.fill(rgb, -1);
        ColorOut.yccRow(ys, cbs, crs, rgb, 256);
        for (int y = 0; y < 256; y++) {
          if (rgb[y] != tableYcc(y, cb, cr)) {
            wrong++;
          }
        }
      }
    }
    assertThat(wrong).as("pixels that differ from libjpeg's tables").isZero();
  }

  /**
   * A YCbCr image of {@code width x height} with luma at full size and both chroma planes
   * subsampled {@code h x v}, from random planes, rendered by {@link ColorOut#render} at full
   * scale, equals the reference's bytes.
   */
  @ParameterizedTest(name = "{0}x{1}, chroma 1/{2} x 1/{3}")
  @CsvSource({
    "1, 1, 2, 2",
    "2, 2, 2, 2",
    "3, 5, 2, 2",
    "37, 23, 2, 2",
    "64, 48, 2, 2",
    "37, 23, 2, 1",
    "37, 23, 1, 2",
    "37, 23, 1, 1",
  })
  void fullScaleYccMatchesLibjpegsTriangleFilters(int width, int height, int h, int v) {
    Random random = new Random(31L * width + height + 7L * h + v);
    Component luma = component(1, h, v, width, height, random);
    int cw = (width + h - 1) / h;
    int ch = (height + v - 1) / v;
    Component cb = component(2, 1, 1, cw, ch, random);
    Component cr = component(3, 1, 1, cw, ch, random);

    byte[] out =
        ColorOut.render(
            new Component[] {luma, cb, cr}, ColorOut.Space.YCBCR, width, height, h, v, 8);

    int wrong = 0;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int expected =
            tableYcc(sample(luma, x, y), upsampled(cb, h, v, x, y), upsampled(cr, h, v, x, y));
        int o = 3 * (y * width + x);
        int actual = (out[o] & 0xFF) | (out[o + 1] & 0xFF) << 8 | (out[o + 2] & 0xFF) << 16;
        if (actual != expected) {
          wrong++;
        }
      }
    }
    assertThat(out).hasSize(3 * width * height);
    assertThat(wrong).as("pixels that differ from the reference").isZero();
  }

  /**
   * A component of random samples whose plane is wider than its data, with the padding and one
   * extra row set to a marker: a sample read from there would show as a wrong pixel.
   */
  private static Component component(int id, int h, int v, int width, int height, Random random) {
    Component c = new Component(id, h, v, 0);
    c.scaled = 8;
    c.width = width;
    c.height = height;
    c.stride = width + 5;
    c.plane = new byte[c.stride * (height + 1)];
    Arrays.fill(c.plane, (byte) 0x5A);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        // Extremes included, so that the conversion's clamping is reached.
        c.plane[y * c.stride + x] =
            (byte)
                (random.nextInt(8) == 0 ? (random.nextBoolean() ? 0 : 255) : random.nextInt(256));
      }
    }
    return c;
  }

  private static int sample(Component c, int x, int y) {
    x = Math.max(0, Math.min(c.width - 1, x));
    y = Math.max(0, Math.min(c.height - 1, y));
    return c.plane[y * c.stride + x] & 0xFF;
  }

  /**
   * The chroma sample at output pixel (x, y), as {@code jdsample.c} computes it: {@code h2v2} and
   * {@code h2v1} fancy upsampling (the nearer sample weighs 3, the other 1; upper and left outputs
   * lean up and left, with the biases libjpeg uses), {@code h1v2} likewise vertically, and the
   * image's edge samples repeated beyond it. Like libjpeg, samples are only replicated when a plane
   * subsampled horizontally is at most 2 samples wide.
   */
  private static int upsampled(Component c, int h, int v, int x, int y) {
    int cx = x / h;
    int cy = y / v;
    if (h == 2 && c.width <= 2) {
      return sample(c, cx, cy);
    }
    int nx = h == 1 ? cx : (x % 2 == 0 ? cx - 1 : cx + 1);
    int ny = v == 1 ? cy : (y % 2 == 0 ? cy - 1 : cy + 1);
    if (h == 2 && v == 2) {
      int near = 3 * sample(c, cx, cy) + sample(c, cx, ny);
      int far = 3 * sample(c, nx, cy) + sample(c, nx, ny);
      return (3 * near + far + (x % 2 == 0 ? 8 : 7)) >> 4;
    }
    if (h == 2) {
      return (3 * sample(c, cx, cy) + sample(c, nx, cy) + (x % 2 == 0 ? 1 : 2)) >> 2;
    }
    if (v == 2) {
      return (3 * sample(c, cx, cy) + sample(c, cx, ny) + (y % 2 == 0 ? 1 : 2)) >> 2;
    }
    return sample(c, cx, cy);
  }
}
