package dev.kopi.image.jpeg;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Coverage-guided fuzzing of {@link JpegDecoder} with Jazzer: whatever the bytes, the decoder
 * returns an image of consistent size or throws {@link JpegException}; anything else thrown (or a
 * hang, caught by libFuzzer's per-input timeout) is a finding.
 *
 * <p>The input's last byte picks the scale ({@code 1 << (b & 3)}), the rest is the file (raw bytes:
 * the cheapest signature for Jazzer, and seed files that are JPEG plus one byte). The seed corpus,
 * small valid JPEGs from {@link JpegSamples} with that byte appended, is in {@code
 * src/test/resources/dev/kopi/image/jpeg/JpegDecoderFuzzTestInputs/fuzzDecode/}; a crashing input
 * found by fuzzing belongs there too, once the decoder is fixed, to stay a regression test.
 *
 * <p>Modes:
 *
 * <ul>
 *   <li>Every test run ({@code ./build verify}, {@code ./build test}) runs {@link #fuzzDecode} on
 *       the empty input and every file of the seed corpus: Jazzer's regression mode.
 *   <li>{@code ./build verify} (CI) then fuzzes it for {@code kopi.fuzz.duration} (45 s) in a
 *       separate Surefire execution, profile {@code jpeg-fuzz} in {@code kopi-image/pom.xml}, with
 *       a per-input timeout of 10 s, and its corpus and any crashing input under {@code
 *       kopi-image/target/jazzer/} (never in the source tree). {@code -Dkopi.fuzz.skip} leaves it
 *       out.
 *   <li>Longer, on demand: {@code ./build -pl kopi-image -am -o -Dtest=JpegDecoderFuzzTest
 *       -Dsurefire.failIfNoSpecifiedTests=false -Dkopi.fuzz.duration=30m verify}; the generated
 *       corpus in {@code target/jazzer/.cifuzz-corpus} is reused by the next run until {@code
 *       clean}.
 * </ul>
 *
 * <p>A finding fails the build with its exception and leaves the input in {@code
 * target/jazzer/crash-<sha1>} (or {@code timeout-<sha1>}). Fix the decoder, then copy the file into
 * the seed directory under a name that says what it was: from then on every test run replays it.
 */
class JpegDecoderFuzzTest {
  /** Small enough that no input allocates more than a few megabytes: fuzzing stays fast. */
  private static final long MAX_PIXELS = 1 << 18;

  private static final String SEEDS = "JpegDecoderFuzzTestInputs/fuzzDecode/";

  @FuzzTest(maxDuration = "45s")
  void fuzzDecode(byte[] input) {
    int scale = input.length == 0 ? 1 : 1 << (input[input.length - 1] & 3);
    byte[] data = input.length == 0 ? input : Arrays.copyOf(input, input.length - 1);
    JpegDecoder.Image image;
    try {
      image = JpegDecoder.decode(data, MAX_PIXELS, (w, h) -> scale);
    } catch (JpegException e) {
      assertThat(e.getMessage()).as("a JpegException's message").isNotBlank();
      return; // a status: what the decoder promises for damaged input
    }
    assertThat(image.scale()).isEqualTo(scale);
    assertThat((long) image.storedWidth() * image.storedHeight()).isBetween(1L, MAX_PIXELS);
    assertThat(image.width()).isEqualTo(ceilDiv(image.storedWidth(), scale));
    assertThat(image.height()).isEqualTo(ceilDiv(image.storedHeight(), scale));
    assertThat(image.rgb()).hasSize(3 * image.width() * image.height());
    assertThat(image.mode()).isIn("L", "RGB", "CMYK");
  }

  /** The seeds are what the fuzzer starts from: each must be a whole, valid JPEG. */
  @Test
  void everySeedDecodesAtTheScaleItsLastBytePicks() throws Exception {
    List<String> names =
        List.of(
            "baseline-420-q75-s1",
            "restart-444-q90-s2",
            "progressive-420-q80-s4",
            "optimised-422-restart-q60-s8",
            "grey-progressive-q85-s2",
            "grey-q85-s8",
            "ycck-2112-q90-s1");
    for (String name : names) {
      byte[] seed = resource(SEEDS + name);
      assertThat(seed.length).as("%s is small", name).isLessThan(4096);
      int scale = 1 << (seed[seed.length - 1] & 3);
      assertThat(name).endsWith("-s" + scale);
      JpegDecoder.Image image =
          JpegDecoder.decode(Arrays.copyOf(seed, seed.length - 1), MAX_PIXELS, (w, h) -> scale);
      assertThat(image.scale()).as(name).isEqualTo(scale);
    }
  }

  private static byte[] resource(String path) throws IOException {
    try (InputStream in = JpegDecoderFuzzTest.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("no test resource " + path);
      }
      return in.readAllBytes();
    }
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
