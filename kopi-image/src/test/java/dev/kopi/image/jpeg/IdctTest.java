package dev.kopi.image.jpeg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The shortcut transforms for blocks whose non-zero coefficients lie in the top-left 4x4 give the
 * same bytes as the full ones: they leave out only terms that are zero.
 */
class IdctTest {
  private static final int BLOCKS = 20_000;

  /** A quantisation table of baseline JPEG's range, 1 to 255. */
  private static int[] quant(Random random) {
    int[] q = new int[64];
    for (int i = 0; i < 64; i++) {
      q[i] = 1 + random.nextInt(255);
    }
    return q;
  }

  /**
   * Coefficients in the top-left 4x4 only: mostly small values like a photo's, with a share of
   * extreme ones, up to twice the magnitude an 8-bit image's DCT can produce once dequantised
   * (|coefficient x quantiser| <= 2048), so that out-of-range samples are clamped too. (Far beyond
   * that, which only a hostile file reaches, the full transforms overflow an int where libjpeg's
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
        c[r * 8 + col] =
            random.nextInt(8) == 0 ? random.nextInt(2 * max + 1) - max : random.nextInt(31) - 15;
      }
    }
    return c;
  }

  @Test
  void idct4LowMatchesIdct4OnBlocksWithinTheTopLeft4x4() {
    Random random = new Random(4);
    int[] ws = new int[64];
    byte[] full = new byte[4 * 4];
    byte[] low = new byte[4 * 4];
    for (int i = 0; i < BLOCKS; i++) {
      int[] q = quant(random);
      int[] c = lowBlock(random, q);
      Idct.idct4(c, q, ws, full, 0, 4);
      Idct.idct4Low(c, q, ws, low, 0, 4);
      assertThat(low).as("block %d", i).isEqualTo(full);
    }
  }

  @Test
  void idct8LowMatchesIdct8OnBlocksWithinTheTopLeft4x4() {
    Random random = new Random(8);
    int[] ws = new int[64];
    byte[] full = new byte[8 * 8];
    byte[] low = new byte[8 * 8];
    for (int i = 0; i < BLOCKS; i++) {
      int[] q = quant(random);
      int[] c = lowBlock(random, q);
      Idct.idct8(c, q, ws, full, 0, 8);
      Idct.idct8Low(c, q, ws, low, 0, 8);
      assertThat(low).as("block %d", i).isEqualTo(full);
    }
  }

  @Test
  void idct4LowWritesOnlyItsBlockAtTheOffsetAndStride() {
    Random random = new Random(2);
    int[] q = quant(random);
    int[] c = lowBlock(random, q);
    int[] ws = new int[64];
    byte[] plane = new byte[6 * 10];
    Arrays.fill(plane, (byte) 7);
    Idct.idct4Low(c, q, ws, plane, 11, 10);
    for (int i = 0; i < plane.length; i++) {
      int x = i % 10;
      int y = i / 10;
      boolean inside = y >= 1 && y < 5 && x >= 1 && x < 5;
      if (!inside) {
        assertThat(plane[i]).as("byte %d outside the block", i).isEqualTo((byte) 7);
      }
    }
  }
}
