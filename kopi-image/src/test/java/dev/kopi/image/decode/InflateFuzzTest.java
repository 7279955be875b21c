package dev.kopi.image.decode;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kopi.image.decode.InflateTesting.Kind;
import dev.kopi.image.decode.InflateTesting.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Differential fuzzing of {@link Inflate} against zlib (java.util.zip) with Jazzer: whatever the
 * bytes, kopi's decoder ends with zlib's outcome (decoded with the same bytes, truncated after the
 * same bytes, the same zlib error, or a preset dictionary asked for), whether it decodes in one
 * call or in small steps from input in pieces; anything else thrown, or a hang (libFuzzer's
 * per-input timeout), is a finding.
 *
 * <p>The input's first byte picks how kopi's decoder is driven (bits 0-6: the largest output step
 * minus one; bit 7: the input split into pieces), the rest is the zlib stream. The seeds, small
 * zlib streams of every block type prefixed with that byte, are in {@code
 * src/test/resources/dev/kopi/image/decode/InflateFuzzTestInputs/fuzzInflate/}; a finding belongs
 * there too once fixed.
 *
 * <p>Modes, as for {@code JpegDecoderFuzzTest}: every test run replays the seeds; {@code ./build
 * verify} then fuzzes for {@code kopi.fuzz.inflate.duration} (20 s; execution {@code inflate-fuzz}
 * in {@code kopi-image/pom.xml}, skipped with {@code -Dkopi.fuzz.skip}); longer on demand with
 * {@code ./build -pl kopi-image -am -o -Dtest=InflateFuzzTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Dkopi.fuzz.inflate.duration=30m verify}. Findings go to
 * {@code kopi-image/target/jazzer/}.
 */
class InflateFuzzTest {
  /**
   * Output cap: a few fuzzed bytes can expand 1032-fold; both decoders stop here (kept small: the
   * one-call decode allocates it for every input).
   */
  private static final int CAP = 1 << 18;

  private static final String SEEDS = "InflateFuzzTestInputs/fuzzInflate/";

  @FuzzTest(maxDuration = "20s")
  void fuzzInflate(byte[] input) {
    int mode = input.length == 0 ? 0 : input[0] & 0xFF;
    byte[] stream = input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length);
    Outcome reference = InflateTesting.zlib(stream, CAP);
    Outcome oneCall = InflateTesting.kopi(stream, CAP);
    assertAgrees(oneCall, reference, "one call");
    int maxStep = 1 + (mode & 0x7F);
    Inflate inflate =
        (mode & 0x80) != 0
            ? InflateTesting.inPieces(stream, 1 + stream.length / 16, mode)
            : new Inflate(stream, 0, stream.length);
    Outcome stepped =
        InflateTesting.kopi(inflate, CAP, InflateTesting.randomSteps(mode, maxStep), 700);
    assertAgrees(stepped, reference, "steps up to " + maxStep);
  }

  private static void assertAgrees(Outcome got, Outcome reference, String how) {
    if (reference.kind() == Kind.ERROR) {
      // zlib does not say how much it wrote before an error: compare the error only.
      assertThat(got.kind() + ": " + got.message())
          .as(how)
          .isEqualTo("ERROR: " + reference.message());
    } else {
      assertThat(got).as(how).isEqualTo(reference);
    }
  }

  /** The seeds are what the fuzzer starts from: each a whole, valid stream after its mode byte. */
  @Test
  void everySeedDecodes() throws Exception {
    List<String> names =
        List.of(
            "stored-steps-1",
            "fixed-text-steps-8",
            "dynamic-text-pieces",
            "dynamic-png-like-steps-128",
            "rle-runs-steps-3",
            "huffman-only-random-pieces",
            "stored-fixed-dynamic-blocks-steps-40");
    for (String name : names) {
      byte[] seed = resource(SEEDS + name);
      assertThat(seed.length).as("%s is small", name).isLessThan(4096);
      byte[] stream = Arrays.copyOfRange(seed, 1, seed.length);
      assertThat(InflateTesting.zlib(stream, CAP).kind()).as(name).isEqualTo(Kind.OK);
      fuzzInflate(seed);
    }
  }

  private static byte[] resource(String path) throws IOException {
    try (InputStream in = InflateFuzzTest.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("no test resource " + path);
      }
      return in.readAllBytes();
    }
  }
}
