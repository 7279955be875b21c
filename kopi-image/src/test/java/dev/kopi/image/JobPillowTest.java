package dev.kopi.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kopi.core.RunListener;
import dev.kopi.image.resize.Filter;
import dev.kopi.image.sample.SampleCorpus;
import dev.kopi.image.testing.ReferencePython;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole job against real Pillow: for every filter and mode, kopi's rows compared with {@code
 * Image.open(p).convert("RGB")} then {@code resize} / {@code ImageOps.fit} / {@code ImageOps.pad}.
 * With {@code exact} decoding, every input (JPEG too: kopi's JPEG decoder uses libjpeg-turbo's
 * arithmetic) has at least 99.9 % of values within 1 and a mean absolute difference of at most 0.5.
 * With the default shrink-on-load (a JPEG decoded at 1/2, 1/4 or 1/8 of its size, a PNG or any
 * other image box-reduced while or after decoding) every image stays within a mean absolute
 * difference of 2.0 of Pillow's full decode and resize, for every filter, with the default
 * (automatic) reducing gap.
 */
class JobPillowTest {
  @TempDir Path dir;

  private static final String SCRIPT =
      String.join(
          "\n",
          "import sys, csv, numpy as np",
          "from PIL import Image, ImageOps",
          "F = dict(nearest=Image.NEAREST, box=Image.BOX, bilinear=Image.BILINEAR,",
          "         hamming=Image.HAMMING, bicubic=Image.BICUBIC, lanczos=Image.LANCZOS)",
          "W, H = int(sys.argv[1]), int(sys.argv[2])",
          "def reference(path, mode, flt):",
          "    im = Image.open(path)",
          "    if im.format != 'TIFF':",
          "        # Pillow turns a TIFF upright as it loads it; transposing again would turn it twice.",
          "        im = ImageOps.exif_transpose(im)",
          "    if im.mode in ('I;16', 'I;16B', 'I'):",
          "        # kopi scales 16-bit to 8-bit (Pillow would clip); compare like with like.",
          "        a = np.asarray(im, dtype=np.float64)",
          "        im = Image.fromarray(np.clip(np.rint(a / 257.0), 0, 255).astype(np.uint8), 'L')",
          "    im = im.convert('RGB')",
          "    if mode == 'stretch': return im.resize((W, H), F[flt])",
          "    if mode == 'crop': return ImageOps.fit(im, (W, H), F[flt])",
          "    return ImageOps.pad(im, (W, H), F[flt], color=(0, 0, 0))",
          "for run in sys.argv[3:]:",
          "    npy, index, mode, flt = run.split('|')",
          "    a = np.load(npy)",
          "    for row in csv.DictReader(open(index)):",
          "        if row['status'] != 'ok': continue",
          "        i = int(row['row'])",
          "        ref = np.asarray(reference(row['source'], mode, flt), dtype=np.int16)",
          "        d = np.abs(a[i].astype(np.int16) - ref)",
          "        print(row['kind'], mode, flt, float((d <= 1).mean()), float(d.mean()), int(d.max()))");

  @Test
  void exactDecodingAgreesWithPillowForEveryFilterAndMode() throws Exception {
    ReferencePython.require();
    List<String> lines = runAgainstPillow(true, List.of(Filter.values()));
    assertThat(lines).hasSizeGreaterThan(13 * 18 - 1);
    for (String line : lines) {
      String[] f = line.split(" ");
      assertThat(Double.parseDouble(f[3])).as(line).isGreaterThanOrEqualTo(0.999);
      assertThat(Double.parseDouble(f[4])).as(line).isLessThanOrEqualTo(0.5);
    }
  }

  @Test
  void shrinkOnLoadStaysCloseToPillowsFullDecode() throws Exception {
    ReferencePython.require();
    // The default (automatic) reducing gap for every filter.
    List<Filter> filters = List.of(Filter.values());
    List<String> lines = runAgainstPillow(false, filters);
    int jpegs = 0;
    for (String line : lines) {
      String[] f = line.split(" ");
      jpegs += f[0].startsWith("jpeg") ? 1 : 0;
      assertThat(Double.parseDouble(f[4])).as(line).isLessThanOrEqualTo(2.0);
    }
    assertThat(lines).hasSizeGreaterThan(13 * 18 - 1);
    assertThat(jpegs).isGreaterThan(3 * filters.size() * 2);
  }

  /** Runs the job for every fit and the filters given; returns Pillow's comparison lines. */
  private List<String> runAgainstPillow(boolean exact, List<Filter> filters) throws Exception {
    List<SampleCorpus.Entry> entries = SampleCorpus.write(dir.resolve("c"), 19, 5);
    // A CSV source: the path, and the kind carried through to the index for the report.
    StringBuilder csv = new StringBuilder("path,kind\n");
    for (SampleCorpus.Entry e : entries) {
      csv.append(e.path()).append(',').append(e.kind()).append('\n');
    }
    Path list = dir.resolve("list.csv");
    Files.writeString(list, csv);
    List<String> runs = new ArrayList<>();
    for (Fit fit : Fit.values()) {
      for (Filter filter : filters) {
        String name =
            fit.name().toLowerCase(Locale.ROOT) + "-" + filter.name().toLowerCase(Locale.ROOT);
        Path out = dir.resolve(name + ".npy");
        ImageJob.run(
            ImageJobOptions.builder(list, out)
                .size(40, 30)
                .fit(fit)
                .filter(filter)
                .exact(exact)
                .build(),
            RunListener.NONE);
        runs.add(
            out
                + "|"
                + dir.resolve(name + ".index.csv")
                + "|"
                + fit.name().toLowerCase(Locale.ROOT)
                + "|"
                + filter.name().toLowerCase(Locale.ROOT));
      }
    }
    List<String> args = new ArrayList<>(List.of("40", "30"));
    args.addAll(runs);
    return ReferencePython.run(SCRIPT, args.toArray(String[]::new)).lines().toList();
  }
}
