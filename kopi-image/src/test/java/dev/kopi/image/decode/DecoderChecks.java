package dev.kopi.image.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.kopi.image.ItemException;
import dev.kopi.image.resize.Reduce;
import java.util.Arrays;

/** Checks shared by the tests of kopi's BMP, GIF and TIFF decoders. */
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
}
