package dev.kopi.image.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.kopi.image.ItemException;
import dev.kopi.image.ItemStatus;
import dev.kopi.image.resize.Reduce;
import java.time.Duration;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/** Checks shared by the tests of kopi's BMP, GIF and TIFF decoders, hostile inputs included. */
final class DecoderChecks {
  private DecoderChecks() {}

  /** A decoder under test, for a file it does not decline. */
  @FunctionalInterface
  interface Decode {
    DecodedImage apply(byte[] bytes, boolean keepAlpha, int reduce) throws ItemException;
  }

  /**
   * Fails, naming the first pixel and channel that differ, unless {@code got} has {@code want}'s
   * channels and samples.
   */
  static void assertSamePixels(String label, Pixels got, Pixels want) {
    assertThat(got.channels()).as("channels of %s", label).isEqualTo(want.channels());
    byte[] g = got.data();
    byte[] w = want.data();
    int i = Arrays.mismatch(g, w);
    if (i >= 0) {
      int px = i / want.channels();
      fail(
          "%s: first difference at pixel (%d, %d) channel %d: kopi %s, meant %s",
          label,
          px % want.width(),
          px / want.width(),
          i % want.channels(),
          i < g.length ? String.valueOf(g[i] & 0xFF) : "nothing",
          i < w.length ? String.valueOf(w[i] & 0xFF) : "nothing");
    }
  }

  /**
   * Box-reducing while decoding, by 2, 3 and 8, with and without alpha, gives exactly {@link
   * Reduce#reduce} of the full-size decode, and says by how much it reduced.
   */
  static void assertReducesWhileDecoding(String label, byte[] bytes, Decode decode)
      throws ItemException {
    for (boolean keepAlpha : new boolean[] {false, true}) {
      Pixels p = decode.apply(bytes, keepAlpha, 1).pixels();
      for (int k : new int[] {2, 3, 8}) {
        DecodedImage r = decode.apply(bytes, keepAlpha, k);
        assertThat(r.reduce()).as("%s reduce=%d", label, k).isEqualTo(k);
        assertThat(r.pixels().data())
            .as("%s keepAlpha=%s reduce=%d", label, keepAlpha, k)
            .isEqualTo(Reduce.reduce(p.data(), p.width(), p.height(), p.channels(), k, k));
      }
    }
  }

  /** A decode of hostile bytes: an image, null for a file the decoder declines, or a status. */
  @FunctionalInterface
  interface HostileDecode {
    @Nullable DecodedImage apply() throws ItemException;
  }

  /**
   * Runs one decode of damaged bytes ({@code what} says how they were damaged) and returns where it
   * ended, as an index into an outcome tally: 0 decoded, 1 declined, 2 truncated, 3 corrupt or too
   * many pixels. Fails if it threw anything but an {@link ItemException} of those statuses with a
   * message and no cause (a cause means a decoder bug was caught), or took {@code budget} or
   * longer.
   */
  static int hostileOutcome(String what, Duration budget, HostileDecode decode) {
    long t0 = System.nanoTime();
    int outcome;
    try {
      outcome = decode.apply() == null ? 1 : 0;
    } catch (ItemException e) {
      assertThat(e.status())
          .as("%s: %s", what, e.getMessage())
          .isIn(ItemStatus.TRUNCATED, ItemStatus.CORRUPT, ItemStatus.TOO_MANY_PIXELS);
      assertThat(e.getCause()).as("no decoder bug behind %s: %s", what, e.getMessage()).isNull();
      assertThat(e.getMessage()).isNotBlank();
      outcome = e.status() == ItemStatus.TRUNCATED ? 2 : 3;
    } catch (RuntimeException | Error e) {
      throw new AssertionError("not an ItemException from " + what, e);
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(ms).as("ms to decode %s", what).isLessThan(budget.toMillis());
    return outcome;
  }

  /** Every outcome of {@link #hostileOutcome} was seen, so the damage reached every path. */
  static void assertEveryOutcome(int[] outcomes) {
    assertThat(outcomes[0]).as("decoded").isPositive();
    assertThat(outcomes[1]).as("declined").isPositive();
    assertThat(outcomes[2]).as("truncated").isPositive();
    assertThat(outcomes[3]).as("corrupt or too many pixels").isPositive();
  }
}
