package dev.kopi.image.decode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kopi.image.sample.SampleCorpus;
import dev.kopi.image.testing.ReferencePython;
import java.io.DataInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
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
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PngDecoder}, with and without its fused reduction, against real Pillow: {@code
 * Image.open(p).convert("RGB").reduce(k)} (and {@code convert("RGBA")} where kopi keeps an alpha
 * channel) for k = 1, 2, 3 and 8, over the 8-bit-or-less part of {@link PngDecoderTest}'s matrix
 * and the sample corpus's photo-sized PNGs. Byte-identical, except where the decoder follows the
 * Image I/O path and Image I/O differs from Pillow; {@link #whyPillowDiffers} names each case, read
 * from the file itself. All Pillow work runs in one Python process; without Pillow the tests are
 * skipped with the reason.
 */
class PngDecoderPillowTest {
  private static final int[] REDUCE = {1, 2, 3, 8};

  /** One decode asked of Pillow, kopi's answer, and why Pillow may differ (null: it may not). */
  @SuppressWarnings("ArrayRecordComponent")
  record Request(
      String label, Path path, String mode, int reduce, byte[] kopi, @Nullable String differs) {}

  private static final List<Request> REQUESTS = new ArrayList<>();

  /** Pillow's bytes for each request, in order; empty where Pillow refused the file. */
  private static final List<byte[]> PILLOW = new ArrayList<>();

  @BeforeAll
  static void runPillow(@TempDir Path dir) throws Exception {
    if (ReferencePython.unavailableReason() != null) {
      return;
    }
    int[][] types = {
      {0, 1}, {0, 2}, {0, 4}, {0, 8}, {2, 8}, {3, 1}, {3, 2}, {3, 4}, {3, 8}, {4, 8}, {6, 8}
    };
    List<PngDecoderTest.Variant> variants = new ArrayList<>();
    for (int[] t : types) {
      variants.addAll(PngDecoderTest.variants(t[0], t[1]));
    }
    for (SampleCorpus.Entry e :
        SampleCorpus.write(dir.resolve("corpus"), SampleCorpus.kinds().size(), 13)) {
      if (e.kind().startsWith("png") && !e.kind().equals("png-grey16")) {
        byte[] png = Files.readAllBytes(e.path());
        variants.add(new PngDecoderTest.Variant(e.kind(), png));
      }
    }
    int file = 0;
    for (PngDecoderTest.Variant v : variants) {
      Path p = dir.resolve("f" + file++ + ".png");
      Files.write(p, v.png());
      String differs = whyPillowDiffers(v.png());
      for (int k : REDUCE) {
        byte[] rgb = PngDecoderTest.decode(v.png(), false, k).pixels().data();
        REQUESTS.add(new Request(v.label(), p, "RGB", k, rgb, differs));
        Pixels a = PngDecoderTest.decode(v.png(), true, k).pixels();
        if (a.channels() == 4) {
          REQUESTS.add(new Request(v.label(), p, "RGBA", k, a.data(), differs));
        }
      }
    }
    StringBuilder spec = new StringBuilder();
    for (Request r : REQUESTS) {
      spec.append(r.path()).append(' ').append(r.mode()).append(' ').append(r.reduce());
      spec.append('\n');
    }
    Path specFile = dir.resolve("spec.txt");
    Path out = dir.resolve("pillow.bin");
    Files.writeString(specFile, spec, StandardCharsets.UTF_8);
    ReferencePython.run(
        String.join(
            "\n",
            "import sys, struct",
            "from PIL import Image",
            "with open(sys.argv[1]) as spec, open(sys.argv[2], 'wb') as out:",
            "    for line in spec:",
            "        path, mode, k = line.split()",
            "        try:",
            "            im = Image.open(path).convert(mode)",
            "            if int(k) > 1:",
            "                im = im.reduce(int(k))",
            "            b = im.tobytes()",
            "        except Exception:",
            "            b = None  # Pillow refuses some malformed files Image I/O reads",
            "        out.write(struct.pack('>i', -1) if b is None else struct.pack('>i', len(b)) + b)"),
        specFile.toString(),
        out.toString());
    try (InputStream in = Files.newInputStream(out);
        DataInputStream d = new DataInputStream(in)) {
      for (Request r : REQUESTS) {
        int n = d.readInt();
        PILLOW.add(n < 0 ? new byte[0] : d.readNBytes(n));
      }
    }
  }

  @Test
  void matchesPillowConvertAndReduceWhereImageIoAgreesWithPillow(TestReporter reporter) {
    ReferencePython.require();
    int compared = 0;
    int different = 0;
    for (int q = 0; q < REQUESTS.size(); q++) {
      Request r = REQUESTS.get(q);
      byte[] pillow = PILLOW.get(q);
      String what = String.format(Locale.ROOT, "%s %s reduce(%d)", r.label(), r.mode(), r.reduce());
      if (r.differs() == null) {
        int i = Arrays.mismatch(r.kopi(), pillow);
        assertThat(i)
            .as(
                "%s: first difference at byte %d (kopi %d, Pillow %d)",
                what,
                i,
                i >= 0 && i < r.kopi().length ? r.kopi()[i] & 0xFF : -1,
                i >= 0 && i < pillow.length ? pillow[i] & 0xFF : -1)
            .isEqualTo(-1);
        compared++;
      } else if (!Arrays.equals(r.kopi(), pillow)) {
        different++;
      }
    }
    reporter.publishEntry(
        "pillow",
        String.format(
            Locale.ROOT,
            "%d decodes byte-identical to Pillow; %d excluded, of which %d differ",
            compared,
            REQUESTS.size() - compared,
            different));
    // Most of the matrix is compared, and most excluded cases really do differ (else the
    // exclusion would be stale; a few agree by chance, e.g. a padded palette entry never used).
    int excluded = REQUESTS.size() - compared;
    assertThat(compared).as("compared").isGreaterThan(1300);
    assertThat(different).as("of %d excluded, differing", excluded).isGreaterThan(excluded / 2);
  }

  /**
   * Grey + alpha and grey with a tRNS colour replicate the stored grey, as Pillow does (the JDK's
   * linear-grey colour model would apply the sRGB curve, turning 128 into 188): every level.
   */
  @Test
  void greyAlphaIsPillowsGrey() throws Exception {
    ReferencePython.require();
    for (int v = 0; v < 256; v++) {
      byte[] png = new TestPng(1, 1, TestPng.GREY_ALPHA, 8, new int[] {v, 255}).bytes();
      assertThat(PngDecoderTest.decode(png, false, 1).pixels().data()[0] & 0xFF)
          .as("grey %d", v)
          .isEqualTo(v);
    }
    int compared = 0;
    for (int q = 0; q < REQUESTS.size(); q++) {
      Request r = REQUESTS.get(q);
      boolean greyWithAlpha = r.label().startsWith("ct4/") || r.label().contains("tRNS grey");
      if (greyWithAlpha && r.differs() == null) {
        compared++;
      }
    }
    assertThat(compared).as("grey + alpha files compared with Pillow").isGreaterThan(20);
  }

  /**
   * Why Pillow's pixels differ from the Image I/O path's for this file, or null when they do not:
   * read from the file's chunks, so that no case is excluded by name.
   */
  static @Nullable String whyPillowDiffers(byte[] png) {
    ByteBuffer b = ByteBuffer.wrap(png);
    int bitDepth = png[24];
    int colorType = png[25];
    int plteChunks = 0;
    boolean seenIdat = false;
    for (int pos : TestPng.chunkOffsets(png)) {
      int len = b.getInt(pos);
      String type = new String(png, pos + 4, 4, StandardCharsets.US_ASCII);
      switch (type) {
        case "IDAT" -> seenIdat = true;
        case "PLTE" -> {
          plteChunks++;
          int entries = len / 3;
          if (colorType == 3 && plteChunks == 1 && entries < 1 << bitDepth) {
            return "a palette shorter than 2^bitDepth: Image I/O pads it with black and its last"
                + " entry, Pillow with a grey ramp";
          }
          if (colorType == 3 && entries > 256) {
            return "more than 256 palette entries: Pillow refuses the file";
          }
        }
        case "tRNS" -> {
          if (colorType == 0
              && len == 2
              && !seenIdat
              && (b.getShort(pos + 8) & 0xFFFF) >= 1 << bitDepth) {
            return "a tRNS grey beyond the bit depth: Pillow masks it, Image I/O never matches it";
          }
          if (colorType == 2 && len != 6) {
            return "an RGB tRNS of the wrong length: Pillow refuses the file";
          }
          if (colorType == 2 && !seenIdat && (png[pos + 8] | png[pos + 10] | png[pos + 12]) != 0) {
            return "an RGB tRNS colour beyond 8 bits: Pillow's alpha differs";
          }
        }
        default -> {}
      }
    }
    if (plteChunks > 1 && colorType == 3) {
      return "a second PLTE: Image I/O keeps the first, Pillow the last";
    }
    return null;
  }

  /** Every colour type and bit depth reports the mode Pillow opens it in, as the index shows it. */
  @Test
  void modesAreTheOnesPillowNames(@TempDir Path dir) throws Exception {
    ReferencePython.require();
    List<String> paths = new ArrayList<>();
    List<String> kopi = new ArrayList<>();
    for (Object[] ctBd : PngDecoderTest.colourTypesAndDepths().map(a -> a.get()).toList()) {
      int ct = (Integer) ctBd[0];
      int bd = (Integer) ctBd[1];
      PngDecoderTest.Variant v = PngDecoderTest.variants(ct, bd).get(0);
      Path p = dir.resolve("ct" + ct + "-" + bd + ".png");
      Files.write(p, v.png());
      paths.add(p.toString());
      kopi.add(PngDecoderTest.decode(v.png(), false, 1).mode());
    }
    String answer =
        ReferencePython.run(
            String.join(
                "\n",
                "import sys",
                "from PIL import Image",
                "for p in sys.argv[1:]:",
                "    print(Image.open(p).mode)"),
            paths.toArray(String[]::new));
    assertThat(kopi).as("modes of %s", paths).isEqualTo(answer.lines().toList());
  }
}
