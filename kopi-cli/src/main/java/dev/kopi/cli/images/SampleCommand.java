package dev.kopi.cli.images;

import dev.kopi.image.sample.SampleCorpus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kopi sample}: writes a deterministic synthetic corpus of photo-like images. */
@Command(
    name = "sample",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    showDefaultValues = true,
    usageHelpAutoWidth = true,
    description = {
      "Writes a deterministic corpus of photo-like images: JPEG (baseline, progressive, grey,"
          + " EXIF-rotated), PNG (RGB, RGBA, grey, palette, 16-bit, 1-bit), GIF, BMP and TIFF,"
          + " 300 to 1200 px a side, and about 3%% broken files (truncated, empty, garbage, text,"
          + " a decompression bomb header). The same --n and --seed give the same files."
    })
public final class SampleCommand implements Callable<Integer> {
  @SuppressWarnings("NullAway.Init") // injected by picocli
  @Spec
  CommandSpec spec;

  @SuppressWarnings("NullAway.Init") // required option
  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "DIR",
      description = "Folder to write into (created if needed).")
  Path output;

  @Option(names = "--n", paramLabel = "N", description = "Number of files (1 to 10000000).")
  int count = 300;

  @Option(names = "--seed", paramLabel = "S", description = "Seed.")
  long seed = 1;

  @Override
  public Integer call() throws IOException {
    if (count < 1 || count > 10_000_000) {
      throw new ParameterException(
          spec.commandLine(), "--n in 1..10000000 required but it was " + count);
    }
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Integer> kinds = new TreeMap<>();
    for (SampleCorpus.Entry e : SampleCorpus.write(output, count, seed)) {
      kinds.merge(e.kind(), 1, Integer::sum);
    }
    out.printf("wrote %d files to %s%n", count, output.toAbsolutePath());
    kinds.forEach((k, n) -> out.printf("  %-26s %d%n", k, n));
    out.flush();
    return 0;
  }
}
