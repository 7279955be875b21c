package dev.kopi.image.resize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Properties of {@link Resampler} that need no reference implementation. */
class ResamplerTest {
  private static final List<Filter> FILTERS = List.of(Filter.values());
  private static final int[][] TARGETS = {
    {1, 1}, {3, 2}, {16, 16}, {13, 40}, {97, 5}, {40, 29}, {120, 90}
  };

  static Stream<Arguments> filtersAndChannels() {
    List<Arguments> args = new ArrayList<>();
    for (Filter f : Filter.values()) {
      for (int c : new int[] {1, 3, 4}) {
        args.add(Arguments.of(f, c));
      }
    }
    return args.stream();
  }

  @ParameterizedTest(name = "{0}, {1} channel(s)")
  @MethodSource("filtersAndChannels")
  void identitySizeReturnsEqualPixelsInANewArray(Filter filter, int channels) {
    byte[] src = TestImages.noise(37, 23, channels, 7);
    byte[] copy = src.clone();

    byte[] out = Resampler.resize(src, 37, 23, channels, 37, 23, filter);
    byte[] boxed = Resampler.resize(src, 37, 23, channels, 0, 0, 37, 23, 37, 23, filter);

    assertThat(out).isEqualTo(src).isNotSameAs(src);
    assertThat(boxed).isEqualTo(src);
    assertThat(src).as("source untouched").isEqualTo(copy);
  }

  @ParameterizedTest(name = "{0}, {1} channel(s)")
  @MethodSource("filtersAndChannels")
  void constantImageStaysConstant(Filter filter, int channels) {
    // Extremes and a mid value: negative lobes must not under- or overshoot on flat input.
    byte[] pixel = {(byte) 255, 0, (byte) 137, (byte) 255};
    byte[] src = fill(41, 27, channels, pixel);
    for (int[] t : TARGETS) {
      assertThat(Resampler.resize(src, 41, 27, channels, t[0], t[1], filter))
          .as("%dx%d", t[0], t[1])
          .isEqualTo(fill(t[0], t[1], channels, pixel));
      assertThat(Resampler.resize(src, 41, 27, channels, 3.7, 1.25, 39.5, 20, t[0], t[1], filter))
          .as("box to %dx%d", t[0], t[1])
          .isEqualTo(fill(t[0], t[1], channels, pixel));
    }
  }

  @ParameterizedTest
  @EnumSource(Filter.class)
  void translucentConstantImageStaysUniform(Filter filter) {
    byte[] pixel = {100, (byte) 200, 3, 77};
    byte[] src = fill(20, 20, 4, pixel);

    byte[] out = Resampler.resize(src, 20, 20, 4, 7, 9, filter);

    // Like Pillow, every filter but NEAREST goes through premultiplied alpha, which rounds colour:
    // each c becomes 255 * round(c * 77 / 255) / 77, truncated.
    byte[] expected = filter == Filter.NEAREST ? pixel : new byte[] {99, (byte) 198, 3, 77};
    assertThat(out).isEqualTo(fill(7, 9, 4, expected));
  }

  /**
   * Resampling along y treats every column alone, so a wide image resized in height equals its
   * columns resized one by one. 20,000 rows to 10 is a filter window of thousands of rows, so the
   * wide image's pass goes in column strips (its ring of widened rows would otherwise exceed its
   * bound) while a single column's does not: the strips must not change a byte.
   */
  @ParameterizedTest
  @EnumSource(
      value = Filter.class,
      names = {"BICUBIC", "LANCZOS"})
  void aTallDownscaleInColumnStripsEqualsEachColumnAlone(Filter filter) {
    int w = 100;
    int h = 20_000;
    int outH = 10;
    // Bicubic's window spans 4 * (h / outH) rows: that times a row's 300 bytes is beyond the ring.
    assertThat(4L * (h / outH) * w * 3).isGreaterThan(Resampler.RING_INTS);
    byte[] src = TestImages.noise(w, h, 3, 11);

    byte[] out = Resampler.resize(src, w, h, 3, w, outH, filter);

    byte[] column = new byte[h * 3];
    for (int x = 0; x < w; x++) {
      for (int y = 0; y < h; y++) {
        System.arraycopy(src, (y * w + x) * 3, column, y * 3, 3);
      }
      byte[] alone = Resampler.resize(column, 1, h, 3, 1, outH, filter);
      for (int y = 0; y < outH; y++) {
        int at = (y * w + x) * 3;
        assertThat(Arrays.copyOfRange(out, at, at + 3))
            .as("column %d, row %d", x, y)
            .isEqualTo(Arrays.copyOfRange(alone, y * 3, y * 3 + 3));
      }
    }
  }

  @Test
  void boxFilterHalvesByAveragingPairsRoundingHalfUp() {
    byte[] row = {10, 21, 30, 40, 0, (byte) 255};

    assertThat(Resampler.resize(row, 6, 1, 1, 3, 1, Filter.BOX))
        .containsExactly(16, 35, (byte) 128);
  }

  @Test
  void nearestSamplesUnderOutputPixelCentres() {
    byte[] row = {10, 20, 30, 40};

    assertThat(Resampler.resize(row, 4, 1, 1, 2, 1, Filter.NEAREST)).containsExactly(20, 40);
    assertThat(Resampler.resize(new byte[] {10, 20, 30}, 3, 1, 1, 2, 1, Filter.NEAREST))
        .containsExactly(10, 30);
    assertThat(Resampler.resize(new byte[] {10, 20}, 2, 1, 1, 5, 1, Filter.NEAREST))
        .containsExactly(10, 10, 20, 20, 20);
  }

  @Test
  void integerBoxOfOutputSizeIsACrop() {
    byte[] src = TestImages.noise(10, 8, 3, 3);

    byte[] out = Resampler.resize(src, 10, 8, 3, 2, 3, 6, 7, 4, 4, Filter.LANCZOS);

    byte[] expected = new byte[4 * 4 * 3];
    for (int y = 0; y < 4; y++) {
      System.arraycopy(src, ((3 + y) * 10 + 2) * 3, expected, y * 12, 12);
    }
    assertThat(out).isEqualTo(expected);
  }

  @ParameterizedTest
  @EnumSource(Filter.class)
  void writesIntoArrayAtOffsetOnly(Filter filter) {
    byte[] src = TestImages.smooth(50, 30, 3, 5);
    byte[] expected = Resampler.resize(src, 50, 30, 3, 2.5, 1, 47, 30, 17, 11, filter);
    byte[] dst = new byte[expected.length + 20];
    Arrays.fill(dst, (byte) 0x5a);

    Resampler.resize(src, 50, 30, 3, 2.5, 1, 47, 30, 17, 11, filter, dst, 7);

    assertThat(Arrays.copyOfRange(dst, 7, 7 + expected.length)).isEqualTo(expected);
    assertThat(Arrays.copyOfRange(dst, 0, 7)).containsOnly(0x5a);
    assertThat(Arrays.copyOfRange(dst, 7 + expected.length, dst.length)).containsOnly(0x5a);
  }

  @ParameterizedTest
  @EnumSource(Filter.class)
  void writesIntoByteBuffersAtTheirPosition(Filter filter) {
    byte[] src = TestImages.smooth(50, 30, 4, 6);
    byte[] expected = Resampler.resize(src, 50, 30, 4, 17, 11, filter);
    for (ByteBuffer dst :
        new ByteBuffer[] {
          ByteBuffer.allocate(expected.length + 9),
          ByteBuffer.allocateDirect(expected.length + 9),
          ByteBuffer.allocate(expected.length + 20).position(4).slice()
        }) {
      dst.position(5);

      Resampler.resize(src, 50, 30, 4, 17, 11, filter, dst);

      assertThat(dst.position()).isEqualTo(5 + expected.length);
      byte[] written = new byte[expected.length];
      dst.get(5, written);
      assertThat(written).as("%s", dst).isEqualTo(expected);
    }
  }

  @Test
  void rejectsReadOnlyOrTooSmallBuffersBeforeWriting() {
    byte[] src = new byte[4 * 4];
    ByteBuffer readOnly = ByteBuffer.allocate(100).asReadOnlyBuffer();
    assertThatThrownBy(() -> Resampler.resize(src, 4, 4, 1, 2, 2, Filter.BOX, readOnly))
        .isInstanceOf(ReadOnlyBufferException.class);

    ByteBuffer small = ByteBuffer.allocate(10).position(7);
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Resampler.resize(src, 4, 4, 1, 2, 2, Filter.BOX, small))
        .withMessage(
            "outWidth * outHeight * channels <= dst.remaining() (3) required but it was 4");
    assertThat(small.position()).isEqualTo(7);
  }

  @Test
  void rejectsDestinationThatIsTheSource() {
    byte[] src = new byte[4 * 4];
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Resampler.resize(src, 4, 4, 1, 2, 2, Filter.BOX, src, 0))
        .withMessage("dst != src required but dst was src");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Resampler.resize(src, 4, 4, 1, 2, 2, Filter.BOX, ByteBuffer.wrap(src)))
        .withMessage("dst not backed by src required but it was");
  }

  static Stream<Arguments> invalidArguments() {
    byte[] img = new byte[6 * 4 * 3];
    return Stream.of(
        Arguments.of(
            (Runnable) () -> Resampler.resize(img, 0, 4, 3, 2, 2, Filter.BOX),
            "width >= 1 required but it was 0"),
        Arguments.of(
            (Runnable) () -> Resampler.resize(img, 6, -1, 3, 2, 2, Filter.BOX),
            "height >= 1 required but it was -1"),
        Arguments.of(
            (Runnable) () -> Resampler.resize(img, 6, 4, 2, 2, 2, Filter.BOX),
            "channels in {1, 3, 4} required but it was 2"),
        Arguments.of(
            (Runnable) () -> Resampler.resize(img, 6, 4, 3, 0, 2, Filter.BOX),
            "outWidth >= 1 required but it was 0"),
        Arguments.of(
            (Runnable) () -> Resampler.resize(img, 6, 4, 3, 2, 0, Filter.BOX),
            "outHeight >= 1 required but it was 0"),
        Arguments.of(
            (Runnable) () -> Resampler.resize(img, 6, 4, 4, 2, 2, Filter.BOX),
            "src.length == width * height * channels (96) required but it was 72"),
        Arguments.of(
            (Runnable) () -> Resampler.resize(img, 65536, 65536, 3, 2, 2, Filter.BOX),
            "src.length == width * height * channels (12884901888) required but it was 72"),
        Arguments.of(
            (Runnable) () -> Resampler.resize(img, 6, 4, 3, -0.5, 0, 6, 4, 2, 2, Filter.BOX),
            "x0 >= 0 required but it was -0.5"),
        Arguments.of(
            (Runnable) () -> Resampler.resize(img, 6, 4, 3, 0, -1, 6, 4, 2, 2, Filter.BOX),
            "y0 >= 0 required but it was -1.0"),
        Arguments.of(
            (Runnable) () -> Resampler.resize(img, 6, 4, 3, 0, 0, 6.5, 4, 2, 2, Filter.BOX),
            "x1 <= width (6) required but it was 6.5"),
        Arguments.of(
            (Runnable) () -> Resampler.resize(img, 6, 4, 3, 0, 0, 6, 5, 2, 2, Filter.BOX),
            "y1 <= height (4) required but it was 5.0"),
        Arguments.of(
            (Runnable) () -> Resampler.resize(img, 6, 4, 3, 3, 0, 2, 4, 2, 2, Filter.BOX),
            "x1 >= x0 (3.0) required but it was 2.0"),
        Arguments.of(
            (Runnable) () -> Resampler.resize(img, 6, 4, 3, 0, 3, 6, 1, 2, 2, Filter.BOX),
            "y1 >= y0 (3.0) required but it was 1.0"),
        Arguments.of(
            (Runnable) () -> Resampler.resize(img, 6, 4, 3, Double.NaN, 0, 6, 4, 2, 2, Filter.BOX),
            "x0 finite required but it was NaN"),
        Arguments.of(
            (Runnable)
                () ->
                    Resampler.resize(
                        img, 6, 4, 3, 0, 0, 6, Double.POSITIVE_INFINITY, 2, 2, Filter.BOX),
            "y1 finite required but it was Infinity"),
        Arguments.of(
            (Runnable) () -> Resampler.resize(img, 6, 4, 3, 40000, 40000, Filter.BOX),
            "outWidth * outHeight * channels <= 2147483639 required but it was 4800000000"),
        Arguments.of(
            (Runnable) () -> Resampler.resize(img, 6, 4, 3, 2, 2, Filter.BOX, new byte[12], -1),
            "dstOffset >= 0 required but it was -1"),
        Arguments.of(
            (Runnable) () -> Resampler.resize(img, 6, 4, 3, 2, 2, Filter.BOX, new byte[12], 1),
            "dstOffset + outWidth * outHeight * channels <= dst.length (12) required but it was"
                + " 13"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalidArguments")
  void rejectsInvalidArgumentsNamingRuleAndValue(Runnable call, String message) {
    assertThatIllegalArgumentException().isThrownBy(call::run).withMessage(message);
  }

  @Test
  @SuppressWarnings("NullAway") // deliberately passing null
  void rejectsNullsNamingTheParameter() {
    byte[] img = new byte[4];
    assertThatNullPointerException()
        .isThrownBy(() -> Resampler.resize(null, 2, 2, 1, 1, 1, Filter.BOX))
        .withMessage("src");
    assertThatNullPointerException()
        .isThrownBy(() -> Resampler.resize(img, 2, 2, 1, 1, 1, null))
        .withMessage("filter");
    assertThatNullPointerException()
        .isThrownBy(() -> Resampler.resize(img, 2, 2, 1, 1, 1, Filter.BOX, (byte[]) null, 0))
        .withMessage("dst");
  }

  @Test
  void concurrentCallsAgreeWithSequentialOnes() throws Exception {
    // Different sizes on each task make the threads' scratch buffers grow and get reused.
    List<Object[]> jobs = new ArrayList<>();
    for (int i = 0; i < 48; i++) {
      int w = 20 + 37 * (i % 7);
      int h = 15 + 23 * (i % 5);
      int channels = new int[] {1, 3, 4}[i % 3];
      Filter filter = FILTERS.get(i % FILTERS.size());
      byte[] src = TestImages.smooth(w, h, channels, i);
      jobs.add(new Object[] {src, w, h, channels, filter, 1 + (i * 13) % 70, 1 + (i * 7) % 50});
    }
    List<byte[]> sequential = new ArrayList<>();
    for (Object[] j : jobs) {
      sequential.add(run(j));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<byte[]>> futures = new ArrayList<>();
      for (int round = 0; round < 4; round++) {
        for (Object[] j : jobs) {
          futures.add(pool.submit(() -> run(j)));
        }
      }
      for (int i = 0; i < futures.size(); i++) {
        assertThat(futures.get(i).get()).isEqualTo(sequential.get(i % jobs.size()));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static byte[] run(Object[] j) {
    return Resampler.resize(
        (byte[]) j[0], (int) j[1], (int) j[2], (int) j[3], (int) j[5], (int) j[6], (Filter) j[4]);
  }

  private static byte[] fill(int w, int h, int channels, byte[] pixel) {
    byte[] data = new byte[w * h * channels];
    for (int i = 0; i < data.length; i++) {
      data[i] = pixel[i % channels];
    }
    return data;
  }
}
