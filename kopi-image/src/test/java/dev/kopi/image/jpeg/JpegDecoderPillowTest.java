package dev.kopi.image.jpeg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kopi.image.testing.ReferencePython;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

/**
 * kopi's JPEG decoder against the real reference: Pillow's {@code draft()} makes libjpeg-turbo
 * decode at 1/2, 1/4 and 1/8 in the DCT domain, so {@code Image.open(p); p.draft("RGB", (w // s, h
 * // s)); p.convert("RGB")} gives the expected pixels at each scale. Every file of a generated
 * matrix (sampling factors, qualities 50-100, standard and optimised tables, restart intervals,
 * progressive, grey, CMYK and YCCK, odd sizes) must agree within a mean absolute difference of 0.5
 * at every scale.
 */
class JpegDecoderPillowTest {
  private static final int[] SCALES = {1, 2, 4, 8};

  @TempDir static Path dir;

  private static final Map<String, byte[]> FILES = new LinkedHashMap<>();

  @BeforeAll
  static void generate() throws IOException {
    String[] samplings = {
      "1x1,1x1,1x1",
      "2x1,1x1,1x1",
      "2x2,1x1,1x1",
      "1x2,1x1,1x1",
      "4x1,1x1,1x1",
      "4x2,1x1,1x1",
      "2x2,2x1,1x1",
      "1x1,2x2,2x2",
      "3x1,1x1,1x1",
      "2x2,1x1,2x2"
    };
    int[] qualities = {50, 75, 90, 100};
    int[][] sizes = {{123, 77}, {64, 64}, {301, 199}, {17, 250}};
    int i = 0;
    for (String sampling : samplings) {
      int q = qualities[i % qualities.length];
      int[] size = sizes[i % sizes.length];
      BufferedImage img = JpegSamples.photo(size[0], size[1], i, BufferedImage.TYPE_3BYTE_BGR);
      JpegSamples.Encoding e = JpegSamples.Encoding.of(q, sampling);
      put("seq-" + sampling + "-q" + q, JpegSamples.encode(img, e));
      put("opt-" + sampling, JpegSamples.encode(img, e.withOptimize()));
      put("prog-" + sampling, JpegSamples.encode(img, e.withProgressive()));
      put("rst-" + sampling, JpegSamples.encode(img, e.withRestart(1 + i % 7)));
      i++;
    }
    BufferedImage big = JpegSamples.photo(640, 480, 99, BufferedImage.TYPE_3BYTE_BGR);
    JpegSamples.Encoding e420 = JpegSamples.Encoding.of(85, "2x2,1x1,1x1");
    put("big-420", JpegSamples.encode(big, e420));
    put("big-420-prog-rst", JpegSamples.encode(big, e420.withProgressive().withRestart(5)));
    for (String sampling : new String[] {"1x1", "2x2"}) {
      BufferedImage grey = JpegSamples.photo(203, 101, 7, BufferedImage.TYPE_BYTE_GRAY);
      JpegSamples.Encoding g = JpegSamples.Encoding.of(80, sampling);
      put("grey-" + sampling, JpegSamples.encode(grey, g));
      put("grey-prog-" + sampling, JpegSamples.encode(grey, g.withProgressive()));
    }
    BufferedImage four = JpegSamples.photo(150, 93, 11, BufferedImage.TYPE_INT_ARGB);
    Raster cmyk = four.getRaster();
    put("ycck-1111", JpegSamples.encodeYcck(cmyk, JpegSamples.Encoding.of(90, "1x1,1x1,1x1,1x1")));
    put("ycck-2112", JpegSamples.encodeYcck(cmyk, JpegSamples.Encoding.of(90, "2x2,1x1,1x1,2x2")));
  }

  private static void put(String name, byte[] bytes) throws IOException {
    FILES.put(name, bytes);
    Files.write(dir.resolve(name + ".jpg"), bytes);
  }

  /** Decodes every file at every scale with Pillow; returns name@scale to (w, h, rgb). */
  private static Map<String, Decoded> pillow(List<String> names) throws IOException {
    String script =
        """
        import sys
        from PIL import Image
        d = sys.argv[1]
        for name in sys.argv[2:]:
            for s in (1, 2, 4, 8):
                im = Image.open(f"{d}/{name}.jpg")
                w, h = im.size
                if s > 1:
                    if w < s or h < s:
                        continue
                    im.draft("RGB", (w // s, h // s))
                rgb = im.convert("RGB")
                with open(f"{d}/{name}.{s}.rgb", "wb") as f:
                    f.write(rgb.tobytes())
                print(name, s, im.mode, rgb.size[0], rgb.size[1])
        """;
    List<String> args = new ArrayList<>();
    args.add(dir.toString());
    args.addAll(names);
    String out = ReferencePython.run(script, args.toArray(String[]::new));
    Map<String, Decoded> result = new LinkedHashMap<>();
    for (String line : out.strip().split("\n")) {
      String[] f = line.split(" ");
      byte[] rgb = Files.readAllBytes(dir.resolve(f[0] + "." + f[1] + ".rgb"));
      result.put(
          f[0] + "@" + f[1],
          new Decoded(f[2], Integer.parseInt(f[3]), Integer.parseInt(f[4]), rgb));
    }
    return result;
  }

  record Decoded(String mode, int width, int height, byte[] rgb) {}

  @Test
  void everyFileAtEveryScaleMatchesPillowDraft(TestReporter reporter) throws Exception {
    ReferencePython.require();
    Map<String, Decoded> expected = pillow(new ArrayList<>(FILES.keySet()));
    List<String> report = new ArrayList<>();
    List<String> differing = new ArrayList<>();
    double worst = 0;
    int compared = 0;
    for (Map.Entry<String, byte[]> f : FILES.entrySet()) {
      for (int s : SCALES) {
        Decoded want = expected.get(f.getKey() + "@" + s);
        if (want == null) {
          continue; // smaller than the scale in one dimension: Pillow has no draft to compare
        }
        JpegDecoder.Image got = JpegDecoder.decode(f.getValue(), Long.MAX_VALUE, (w, h) -> s);
        String where = f.getKey() + " at 1/" + s;
        assertThat(got.mode()).as(where).isEqualTo(want.mode());
        assertThat(new int[] {got.width(), got.height()})
            .as(where)
            .containsExactly(want.width(), want.height());
        long sum = 0;
        int max = 0;
        for (int i = 0; i < want.rgb().length; i++) {
          int d = Math.abs((got.rgb()[i] & 0xFF) - (want.rgb()[i] & 0xFF));
          sum += d;
          max = Math.max(max, d);
        }
        double mad = (double) sum / want.rgb().length;
        worst = Math.max(worst, mad);
        compared++;
        if (mad > 0.5) {
          report.add(String.format(Locale.ROOT, "%s: MAD %.3f, max %d", where, mad, max));
        }
        if (max > 0) {
          differing.add(String.format(Locale.ROOT, "%s: MAD %.4f, max %d", where, mad, max));
        }
      }
    }
    reporter.publishEntry(
        "pillow", String.format(Locale.ROOT, "%d decodes, worst MAD %.4f", compared, worst));
    assertThat(report).as("files over MAD 0.5 (worst %.3f)", worst).isEmpty();
    // Stricter than the issue's limit, and what the decoder claims: it does libjpeg-turbo's
    // integer arithmetic, so every byte is the same. A difference here means a speed-up changed
    // the arithmetic (a skipped term that was not zero, a wrong edge case).
    assertThat(differing).as("decodes not identical to Pillow's").isEmpty();
    assertThat(compared).isGreaterThan(150);
  }
}
