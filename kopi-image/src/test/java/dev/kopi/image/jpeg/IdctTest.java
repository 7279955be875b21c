package dev.kopi.image.jpeg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The shortcut transforms for blocks whose non-zero coefficients lie in the top-left 4x4 give the
 * same bytes as the full ones, where the full ones write them: they leave out only terms that are
 * zero.
 */
class IdctTest {
  private static final int BLOCKS = 20_000;

  /** {@link Idct}'s transform signature. */
  @FunctionalInterface
  private interface Transform {
    void apply(int[] c, int[] q, int[] ws, byte[] out, int offset, int stride);
  }

  /** A quantisation table of baseline JPEG's range, 1 to 255. */
  private static int[] quant(Random random) {
    int[] q = new int[64];
    for (int i = 0; i < 64; i++) {
      q[i] = 1 + random.nextInt(255);
    }
    return q;
  }

  /**
   * Coefficients in the top-left 4x4 only, dequantised within twice the magnitude an 8-bit image's
   * DCT can produce (|coefficient x quantiser| <= 2048): mostly small, like a photo's, and one in
   * eight anywhere in that range, so that out-of-range samples are clamped too. (Far beyond it,
   * which only a hostile file reaches, the full transforms overflow an int where libjpeg's
   * shortcuts do not; that output is noise either way.)
   */
  private static int[] lowBlock(Random random, int[] q) {
    int[] c = new int[64];
    for (int r = 0; r < 4; r++) {
      for (int col = 0; col < 4; col++) {
        if (random.nextInt(3) == 0) {
          continue;
        }
        int max = 2048 / q[r * 8 + col];
        int range = random.nextInt(8) == 0 ? max : Math.min(15, max);
        c[r * 8 + col] = random.nextInt(2 * range + 1) - range;
      }
    }
    return c;
  }

  /**
   * Runs both transforms on the same blocks into planes prefilled with a marker, each block at an
   * offset inside a wider plane, and asserts the planes are equal: the same output bytes, at the
   * same places, and nothing written outside the block.
   */
  private static void assertSameAsFull(Transform full, Transform low, int size, long seed) {
    Random random = new Random(seed);
    int stride = size + 3;
    int offset = 2 * stride + 1;
    int[] ws = new int[64];
    byte[] expected = new byte[(size + 4) * stride];
    byte[] actual = new byte[expected.length];
    for (int i = 0; i < BLOCKS; i++) {
      int[] q = quant(random);
      int[] c = lowBlock(random, q);
      Arrays.fill(expected, (byte) 7);
      Arrays.fill(actual, (byte) 7);
      full.apply(c, q, ws, expected, offset, stride);
      low.apply(c, q, ws, actual, offset, stride);
      assertThat(actual).as("block %d", i).isEqualTo(expected);
    }
  }

  @Test
  void idct4LowMatchesIdct4OnBlocksWithinTheTopLeft4x4() {
    assertSameAsFull(Idct::idct4, Idct::idct4Low, 4, 4);
  }

  @Test
  void idct8LowMatchesIdct8OnBlocksWithinTheTopLeft4x4() {
    assertSameAsFull(Idct::idct8, Idct::idct8Low, 8, 8);
  }
}
