package dev.kopi.image.resize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kopi.image.testing.ReferencePython;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Reduce} by hand-worked examples and its contract, then against real Pillow's {@code
 * Image.reduce}: grey, RGB and RGBA, noise and photo-like content, sizes that are and are not
 * multiples of the factors (and smaller than them), square and unequal factors. All reference
 * reductions come from one Python process started before the tests; without Pillow they are skipped
 * with the reason.
 */
class ReduceTest {
  private static final int[][] SIZES = {
    {37, 23}, {41, 29}, {70, 45}, {64, 64}, {5, 3}, {1, 1}, {1, 9}, {333, 201}
  };
  private static final int[][] FACTORS = {
    {2, 2}, {3, 3}, {2, 5}, {8, 8}, {1, 3}, {3, 1}, {4, 4}, {5, 5}, {7, 3}, {16, 16}, {6, 6}
  };
  // Boxes taller than the 257 rows that 16-bit lanes of column sums can hold, and either side of
  // that limit, on an 11 x 700 image (11 samples a row are not a whole number of 8-byte words).
  private static final int[][] TALL_FACTORS = {{1, 300}, {3, 700}, {2, 257}, {5, 258}, {4, 4}};

  /** One reduction asked of Pillow, and where its bytes are in Pillow's output. */
  @SuppressWarnings("ArrayRecordComponent")
  record Case(byte[] src, int width, int height, int channels, int fx, int fy, String label) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT, "%s %dx%dx%d reduce(%d, %d)", label, width, height, channels, fx, fy);
    }
  }

  private static final List<Case> CASES = new ArrayList<>();
  private static byte @Nullable [] pillow;

  @BeforeAll
  static void runPillow(@TempDir Path dir) throws Exception {
    long seed = 1;
    for (int channels : new int[] {1, 3, 4}) {
      for (int[] size : SIZES) {
        for (String content : new String[] {"noise", "smooth"}) {
          int w = size[0];
          int h = size[1];
          byte[] src =
              content.equals("noise")
                  ? TestImages.noise(w, h, channels, seed++)
                  : TestImages.smooth(w, h, channels, seed++);
          for (int[] f : FACTORS) {
            CASES.add(new Case(src, w, h, channels, f[0], f[1], content));
          }
        }
      }
      byte[] tall = TestImages.noise(11, 700, channels, seed++);
      for (int[] f : TALL_FACTORS) {
        CASES.add(new Case(tall, 11, 700, channels, f[0], f[1], "tall noise"));
      }
    }
    if (ReferencePython.unavailableReason() != null) {
      return;
    }
    StringBuilder spec = new StringBuilder();
    for (int i = 0; i < CASES.size(); i++) {
      Case c = CASES.get(i);
      Path raw = dir.resolve("src-" + i + ".raw");
      Files.write(raw, c.src());
      spec.append(
          String.format(
              Locale.ROOT,
              "%s %d %d %d %d %d%n",
              raw,
              c.width(),
              c.height(),
              c.channels(),
              c.fx(),
              c.fy()));
    }
    Path specFile = dir.resolve("spec.txt");
    Path out = dir.resolve("pillow.raw");
    Files.writeString(specFile, spec, StandardCharsets.UTF_8);
    ReferencePython.run(
        String.join(
            "\n",
            "import sys",
            "from PIL import Image",
            "modes = {1: 'L', 3: 'RGB', 4: 'RGBA'}",
            "with open(sys.argv[1]) as spec, open(sys.argv[2], 'wb') as out:",
            "    for line in spec:",
            "        path, w, h, c, fx, fy = line.split()",
            "        size = (int(w), int(h))",
            "        im = Image.frombytes(modes[int(c)], size, open(path, 'rb').read())",
            "        out.write(im.reduce((int(fx), int(fy))).tobytes())"),
        specFile.toString(),
        out.toString());
    pillow = Files.readAllBytes(out);
  }

  @ParameterizedTest(name = "{0} channel(s)")
  @ValueSource(ints = {1, 3, 4})
  void matchesPillowReduce(int channels) {
    String reason = ReferencePython.unavailableReason();
    assumeTrue(reason == null, () -> "Pillow reference test skipped: " + reason);
    byte[] expectedAll = java.util.Objects.requireNonNull(pillow);
    int offset = 0;
    int compared = 0;
    for (Case c : CASES) {
      byte[] kopi = Reduce.reduce(c.src(), c.width(), c.height(), c.channels(), c.fx(), c.fy());
      byte[] expected = Arrays.copyOfRange(expectedAll, offset, offset + kopi.length);
      offset += kopi.length;
      if (c.channels() == channels) {
        assertThat(kopi).as("%s", c).isEqualTo(expected);
        compared++;
      }
    }
    assertThat(offset).as("all of Pillow's output consumed").isEqualTo(expectedAll.length);
    assertThat(compared).isEqualTo(SIZES.length * 2 * FACTORS.length + TALL_FACTORS.length);
  }

  @Test
  void averagesBoxesAndTheLeftoverEdgesByHand() {
    byte[] grey = {10, 20, 30, 40, 50, 61};
    // 3x2 by (2, 2): a full box (10 + 20 + 40 + 50) / 4 = 30, and a 1x2 edge (30 + 61) / 2 =
    // 45.5, which rounds up.
    assertThat(Reduce.reduce(grey, 3, 2, 1, 2, 2)).containsExactly(30, 46);
    // By (3, 1): whole rows.
    assertThat(Reduce.reduce(grey, 3, 2, 1, 3, 1)).containsExactly(20, 50);
    assertThat(Reduce.reducedSize(3, 2)).isEqualTo(2);
    assertThat(Reduce.reducedSize(7, 8)).isEqualTo(1);
  }

  @Test
  void boxesTallerThanTheColumnLanesHoldStillAverageExactly() {
    // 600 rows of 255 sum to 153,000 a column, past 16 bits: the lanes must be emptied in time.
    for (int channels : new int[] {1, 3}) {
      byte[] white = new byte[9 * 600 * channels];
      Arrays.fill(white, (byte) 255);
      byte[] reduced = Reduce.reduce(white, 9, 600, channels, 4, 600);
      assertThat(reduced).hasSize(3 * channels);
      for (byte b : reduced) {
        assertThat(b & 0xff).as("%d channel(s)", channels).isEqualTo(255);
      }
    }
  }

  @Test
  void rgbaIsAveragedPremultipliedExceptForTheIdentity() {
    // A transparent red pixel beside an opaque blue one: premultiplied, the red does not bleed.
    byte[] rgba = {(byte) 255, 0, 0, 0, 0, 0, (byte) 255, (byte) 255};
    assertThat(Reduce.reduce(rgba, 2, 1, 4, 2, 1)).containsExactly(0, 0, 255, 128);
    // The factor (1, 1) is a copy, without the lossy premultiplication round trip.
    byte[] translucent = {(byte) 200, 100, 7, 3};
    assertThat(Reduce.reduce(translucent, 1, 1, 4, 1, 1)).containsExactly(translucent);
    assertThat(Reduce.reduce(translucent, 1, 1, 4, 1, 2)).isNotEqualTo(translucent);
  }

  @Test
  void rowsWriteOnlyTheirRangeAndRefuseExtraRows() {
    byte[] src = TestImages.noise(9, 5, 3, 7);
    byte[] dst = new byte[2 + 3 * 2 * 3 + 2];
    Arrays.fill(dst, (byte) 0x5A);
    Reduce.Rows rows = new Reduce.Rows(9, 5, 3, 4, 3, dst, 2);
    for (int y = 0; y < 5; y++) {
      assertThat(rows.complete()).isFalse();
      rows.add(src, y * 27);
    }
    assertThat(rows.complete()).isTrue();
    assertThat(Arrays.copyOfRange(dst, 2, dst.length - 2))
        .isEqualTo(Reduce.reduce(src, 9, 5, 3, 4, 3));
    assertThat(dst).startsWith((byte) 0x5A, (byte) 0x5A).endsWith((byte) 0x5A, (byte) 0x5A);
    assertThatThrownBy(() -> rows.add(src, 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("all 5 rows were already added");
    assertThatThrownBy(() -> new Reduce.Rows(9, 5, 3, 4, 3, dst, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "dstOffset + reduced width * reduced height * channels <= dst.length (22) required"
                + " but it was 23");
  }

  @Test
  void argumentsAreValidatedNamingTheRule() {
    byte[] src = new byte[12];
    assertThatThrownBy(() -> Reduce.reduce(src, 2, 2, 3, 0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("factorX >= 1 required but it was 0");
    assertThatThrownBy(() -> Reduce.reduce(src, 2, 2, 2, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("channels in {1, 3, 4} required but it was 2");
    assertThatThrownBy(() -> Reduce.reduce(src, 2, 3, 3, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("src.length == width * height * channels (18) required but it was 12");
    assertThatThrownBy(() -> Reduce.reduce(src, 2, 2, 3, 4096, 4097))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("factorX * factorY <= 16777215 required but it was 16781312");
  }
}
