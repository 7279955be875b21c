package dev.kopi.cli.images;

import dev.kopi.cli.progress.ProgressListener;
import dev.kopi.core.RunStats;
import dev.kopi.image.Fit;
import dev.kopi.image.ImageJob;
import dev.kopi.image.ImageJobOptions;
import dev.kopi.image.ImageJobReport;
import dev.kopi.image.ItemStatus;
import dev.kopi.image.resize.Filter;
import dev.kopi.image.sample.SampleCorpus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kopi images}: the image job. A thin layer over {@link ImageJob}: parse and check the
 * options, show progress, print the summary, map the outcome to an exit code.
 */
@Command(
    name = "images",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    showDefaultValues = true,
    usageHelpAutoWidth = true,
    description = {
      "Turns a folder, a list or a CSV of images of any format and size into one uint8 array of"
          + " shape (N, H, W, 3) in OUT.npy, and OUT.index.csv with one row per input: its status"
          + " (ok or why not), reason, original size and colour mode. Failed rows are zeros.",
      "Pixels match Pillow's Image.open(p).convert(\"RGB\").resize((W, H)) (bicubic by default).",
      "",
      "Exit codes: 0 the job completed (failed items are listed in the index), 3 more items"
          + " failed than --max-failures, 4 a fatal error (unreadable source, unwritable output),"
          + " 2 a usage error."
    })
public final class ImagesCommand implements Callable<Integer> {
  static final int EXIT_TOO_MANY_FAILURES = 3;
  static final int EXIT_FATAL = 4;

  @SuppressWarnings("NullAway.Init") // injected by picocli
  @Spec
  CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "SOURCE",
      description = "A directory (recursive), a text file of paths, or a CSV (see --path-column).")
  @Nullable Path source;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "OUT.npy",
      description = "The array to write; the index and labels go next to it.")
  @Nullable Path output;

  @Option(names = "--size", paramLabel = "WxH", description = "Output size, e.g. 64x64 or 224.")
  String size = "64x64";

  @Option(
      names = "--mode",
      paramLabel = "MODE",
      description =
          "stretch (resize, like the classic code), crop (centre-crop, then resize) or pad"
              + " (fit inside, pad with --background or black).")
  String mode = "stretch";

  @Option(
      names = "--filter",
      paramLabel = "F",
      description = "nearest, box, bilinear, hamming, bicubic or lanczos (Pillow's filters).")
  String filter = "bicubic";

  @Option(
      names = "--background",
      paramLabel = "#RRGGBB",
      description =
          "Composite transparent images onto this colour (default: drop alpha, like"
              + " Pillow's convert(\"RGB\")); also the --mode pad colour.")
  @Nullable String background;

  @Option(names = "--no-exif-rotate", description = "Keep the stored orientation.")
  boolean noExifRotate;

  @Option(names = "--follow-symlinks", description = "Follow symbolic links (refused otherwise).")
  boolean followSymlinks;

  @Option(
      names = "--max-pixels",
      paramLabel = "N",
      description = "Refuse images whose header declares more pixels (Pillow's limit by default).")
  long maxPixels = dev.kopi.image.decode.ImageDecoder.DEFAULT_MAX_PIXELS;

  @Option(
      names = "--exact",
      description =
          "Decode every image at full size, for Pillow's exact pixels (default: JPEGs are decoded"
              + " at 1/2, 1/4 or 1/8 when still large enough, like Pillow's draft()).")
  boolean exact;

  @Option(
      names = "--reducing-gap",
      paramLabel = "X",
      // Its field holds a sentinel for "depends on the filter", which the description explains.
      showDefaultValue = Help.Visibility.NEVER,
      description =
          "A JPEG decoded at reduced size stays at least X times the output size before"
              + " resampling; larger is closer to --exact, slower (default: 1.0, 1.5 for --filter"
              + " box, no reduction for nearest).")
  double reducingGap = ImageJobOptions.AUTO_REDUCING_GAP;

  @Option(
      names = "--workers",
      paramLabel = "N",
      description = "CPU workers (default: one per core).")
  int workers = Runtime.getRuntime().availableProcessors();

  @Option(
      names = "--decode-timeout",
      paramLabel = "SECONDS",
      description = "Report an item still decoding after this long as decode_timeout (0 = none).")
  double decodeTimeout = 60;

  @Option(
      names = "--max-failures",
      paramLabel = "N",
      description = "Stop (exit 3, resumable) once more than N items failed; -1 for no limit.")
  long maxFailures = -1;

  @Option(names = "--resume", description = "Continue an interrupted run with the same options.")
  boolean resume;

  @Option(names = "--path-column", paramLabel = "NAME", description = "The CSV's path column.")
  @Nullable String pathColumn;

  @Option(
      names = "--label-column",
      paramLabel = "NAME",
      description = "The CSV's label column: writes OUT.labels.npy (int64) and OUT.classes.txt.")
  @Nullable String labelColumn;

  @Option(
      names = "--summary-json",
      paramLabel = "FILE",
      description = "Also write the summary as JSON.")
  @Nullable Path summaryJson;

  @Option(names = "--no-progress", description = "Do not show progress on stderr.")
  boolean noProgress;

  @Option(
      names = "--demo",
      description = "Generate a sample corpus (kopi sample) in ./kopi-demo and run on it.")
  boolean demo;

  @Option(names = "--demo-images", paramLabel = "N", description = "Images in the --demo corpus.")
  int demoImages = 500;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ImageJobOptions options;
    try {
      options = options(out);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    } catch (IOException e) {
      err.println("kopi images: " + e.getMessage());
      err.flush();
      return EXIT_FATAL;
    }
    ImageJobReport report;
    try (ProgressListener progress = ProgressListener.forStderr("images", !noProgress, err)) {
      report = ImageJob.run(options, progress);
    } catch (IOException | RuntimeException e) {
      err.println("kopi images: " + e.getMessage());
      err.flush();
      return EXIT_FATAL;
    }
    printSummary(out, options, report);
    if (summaryJson != null) {
      try {
        Files.writeString(summaryJson, SummaryJson.of(options, report), StandardCharsets.UTF_8);
      } catch (IOException e) {
        err.println("kopi images: cannot write --summary-json: " + e.getMessage());
        err.flush();
        return EXIT_FATAL;
      }
    }
    if (report.aborted() != null) {
      err.println("kopi images: stopped: " + report.aborted());
      err.println("  rerun with --resume (and a higher --max-failures) to finish the job");
      err.flush();
      return EXIT_TOO_MANY_FAILURES;
    }
    return 0;
  }

  private ImageJobOptions options(PrintWriter out) throws IOException {
    Path src = source;
    Path dst = output;
    if (demo) {
      if (src != null) {
        throw new IllegalArgumentException("--demo makes its own SOURCE; give one or the other");
      }
      if (demoImages < 1 || demoImages > 1_000_000) {
        throw new IllegalArgumentException(
            "--demo-images in 1..1000000 required but it was " + demoImages);
      }
      Path base = Path.of("kopi-demo");
      src = base.resolve("sample-" + demoImages);
      if (!Files.isDirectory(src)) {
        out.printf("generating %d sample images in %s ...%n", demoImages, src);
        out.flush();
        SampleCorpus.write(src, demoImages, 1);
      }
      if (dst == null) {
        dst = base.resolve("images.npy");
      }
    }
    if (src == null) {
      throw new IllegalArgumentException("SOURCE is required (or --demo)");
    }
    if (dst == null) {
      throw new IllegalArgumentException("-o/--output OUT.npy is required");
    }
    int[] wh = parseSize(size);
    if (decodeTimeout < 0) {
      throw new IllegalArgumentException(
          "--decode-timeout >= 0 required but it was " + decodeTimeout);
    }
    if (demo && !resume) {
      // The demo overwrites its own previous output.
      Files.deleteIfExists(dst.resolveSibling(dst.getFileName() + ".journal"));
    }
    return ImageJobOptions.builder(src, dst)
        .size(wh[0], wh[1])
        .fit(parseEnum(Fit.class, "--mode", mode))
        .filter(parseEnum(Filter.class, "--filter", filter))
        .background(background == null ? null : parseColour(background))
        .exifRotate(!noExifRotate)
        .followSymlinks(followSymlinks)
        .maxPixels(maxPixels)
        .exact(exact)
        .reducingGap(reducingGap)
        .workers(workers)
        .decodeTimeout(decodeTimeout == 0 ? null : Duration.ofNanos((long) (decodeTimeout * 1e9)))
        .maxFailures(maxFailures)
        .resume(resume)
        .pathColumn(pathColumn)
        .labelColumn(labelColumn)
        .build();
  }

  static int[] parseSize(String s) {
    String[] parts = s.toLowerCase(Locale.ROOT).split("x", -1);
    try {
      if (parts.length == 1) {
        int n = Integer.parseInt(parts[0].strip());
        return new int[] {n, n};
      }
      if (parts.length == 2) {
        return new int[] {Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip())};
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new IllegalArgumentException(
        "--size must be WxH or N (e.g. 64x64) but it was '" + s + "'");
  }

  static <E extends Enum<E>> E parseEnum(Class<E> type, String option, String value) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value)) {
        return e;
      }
    }
    StringBuilder names = new StringBuilder();
    for (E e : type.getEnumConstants()) {
      names.append(names.length() == 0 ? "" : ", ").append(e.name().toLowerCase(Locale.ROOT));
    }
    throw new IllegalArgumentException(
        option + " must be one of " + names + " but it was '" + value + "'");
  }

  static int parseColour(String s) {
    String hex = s.startsWith("#") ? s.substring(1) : s;
    if (hex.length() == 6) {
      try {
        return Integer.parseInt(hex, 16);
      } catch (NumberFormatException e) {
        // fall through
      }
    }
    throw new IllegalArgumentException(
        "--background must be #RRGGBB (e.g. '#ffffff') but it was '" + s + "'");
  }

  private void printSummary(PrintWriter out, ImageJobOptions o, ImageJobReport r) {
    RunStats s = r.stats();
    out.printf(Locale.ROOT, "%d images -> %s%n", r.rows(), r.output().toAbsolutePath());
    for (ItemStatus st : ItemStatus.values()) {
      long n = r.counts().getOrDefault(st, 0L);
      if (n > 0) {
        out.printf(Locale.ROOT, "  %-18s %d%n", st.label(), n);
      }
    }
    if (r.resumedRows() > 0) {
      out.printf(
          Locale.ROOT, "  (%d finished by the interrupted run, not redone)%n", r.resumedRows());
    }
    double wall = s.wallNanos() / 1e9;
    out.printf(
        Locale.ROOT,
        "%.1f images/s: wall %.2f s, CPU %s, %d worker%s (%.0f%% busy)%n",
        s.itemsPerSecond(),
        wall,
        s.cpuNanos() < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f s", s.cpuNanos() / 1e9),
        o.workers(),
        o.workers() == 1 ? "" : "s",
        r.workerEfficiency() * 100);
    ImageJobReport.Breakdown b = r.breakdown();
    double total = b.readNanos() + b.decodeNanos() + b.resizeNanos() + b.writeNanos();
    if (total > 0) {
      out.printf(
          Locale.ROOT,
          "time by stage: read %.0f%%, decode+convert %.0f%%, resize %.0f%%, write %.0f%%"
              + " (%.2f / %.2f / %.2f / %.2f s)%n",
          100 * b.readNanos() / total,
          100 * b.decodeNanos() / total,
          100 * b.resizeNanos() / total,
          100 * b.writeNanos() / total,
          b.readNanos() / 1e9,
          b.decodeNanos() / 1e9,
          b.resizeNanos() / 1e9,
          b.writeNanos() / 1e9);
    }
    if (!r.decoders().isEmpty()) {
      StringBuilder line = new StringBuilder("decoded by:");
      r.decoders().forEach((name, n) -> line.append(' ').append(name).append(' ').append(n));
      out.println(line);
    }
    if (r.aborted() == null) {
      out.printf("index: %s%n", r.index().toAbsolutePath());
      if (r.labels() != null) {
        out.printf("labels: %s%n", r.labels().toAbsolutePath());
      }
      out.printf(
          "load it in Python:  import numpy as np; x = np.load('%s', mmap_mode='r')  # %s%n",
          r.output().toAbsolutePath(),
          "(" + r.rows() + ", " + o.height() + ", " + o.width() + ", 3) uint8");
    }
    out.flush();
  }
}
