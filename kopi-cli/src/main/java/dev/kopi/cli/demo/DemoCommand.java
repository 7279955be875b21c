package dev.kopi.cli.demo;

import com.google.errorprone.annotations.FormatMethod;
import com.google.errorprone.annotations.FormatString;
import dev.kopi.cli.progress.ProgressListener;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kopi demo}: options and their validation; the work itself is {@link Demo}'s.
 *
 * <p>Every option is checked before any work starts; a bad value is a usage error (exit code 2)
 * whose message names the option, the rule and the value, such as {@code --items >= 1 required but
 * it was 0}.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    showDefaultValues = true,
    usageHelpAutoWidth = true,
    description = {
      "Runs the engine on toy CPU-bound and I/O-bound workloads, sequentially and with kopi.",
      "",
      "  (a) CPU-bound: items that each spin on arithmetic for --cpu-ms, run in a plain loop and"
          + " then through kopi's map on a CPU pool of --workers threads;",
      "  (b) I/O-bound: items that each sleep about --io-ms (standing in for network latency),"
          + " in a plain loop and then on an I/O pool of --io-concurrency virtual threads;",
      "  (c) a two-stage pipeline doing (b)'s I/O and then (a)'s arithmetic per item.",
      "For each it prints the measured speedup and kopi's run statistics: efficiency, engine"
          + " overhead, CPU time, latency percentiles, the Karp-Flatt serial fraction and the"
          + " speedup Amdahl's law then predicts on more workers.",
      "Progress goes to stderr (a bar on a terminal, plain lines otherwise); results to stdout.",
      "With the defaults it takes about 15 s, most of it the sequential I/O loop."
    })
public final class DemoCommand implements Callable<Integer> {
  static final int MAX_ITEMS = 1_000_000;
  static final int MAX_MILLIS = 10_000;
  static final int MAX_IO_CONCURRENCY = 100_000;
  static final int MAX_WORKERS = 4096;

  @SuppressWarnings("NullAway.Init") // injected by picocli before call()
  @Spec
  CommandSpec spec;

  @Option(
      names = "--items",
      paramLabel = "N",
      description = "Items in each workload (1 to " + MAX_ITEMS + ").")
  int items = 500;

  @Option(
      names = "--cpu-ms",
      paramLabel = "MS",
      description = "Milliseconds of arithmetic per CPU-bound item (1 to " + MAX_MILLIS + ").")
  int cpuMs = 2;

  @Option(
      names = "--io-ms",
      paramLabel = "MS",
      description =
          "Mean simulated I/O latency per item, in milliseconds; each item's is drawn from 50%% to"
              + " 150%% of it (1 to "
              + MAX_MILLIS
              + ").")
  int ioMs = 20;

  @Option(
      names = "--io-concurrency",
      paramLabel = "C",
      description = "Most I/O-bound items in flight at once (1 to " + MAX_IO_CONCURRENCY + ").")
  int ioConcurrency = 64;

  @Option(
      names = "--workers",
      paramLabel = "W",
      description =
          "Threads of the CPU pool; the default is one per available processor (1 to "
              + MAX_WORKERS
              + ").")
  int workers = Runtime.getRuntime().availableProcessors();

  @Option(
      names = "--seed",
      paramLabel = "S",
      description =
          "Seed of the items' values and I/O latencies; the same seed gives the same items.")
  long seed = 42;

  @Option(names = "--no-progress", description = "Do not show progress on stderr.")
  boolean noProgress;

  @Override
  public Integer call() throws InterruptedException {
    validate();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Demo.Settings settings = new Demo.Settings(items, cpuMs, ioMs, ioConcurrency, workers, seed);
    boolean progress = !noProgress;
    Demo demo =
        new Demo(settings, out, err, task -> ProgressListener.forStderr(task, progress, err));
    return demo.run();
  }

  private void validate() {
    requireInRange("--items", items, 1, MAX_ITEMS);
    requireInRange("--cpu-ms", cpuMs, 1, MAX_MILLIS);
    requireInRange("--io-ms", ioMs, 1, MAX_MILLIS);
    requireInRange("--io-concurrency", ioConcurrency, 1, MAX_IO_CONCURRENCY);
    requireInRange("--workers", workers, 1, MAX_WORKERS);
  }

  private void requireInRange(String option, long value, long min, long max) {
    if (value < min) {
      throw usageError("%s >= %d required but it was %d", option, min, value);
    }
    if (value > max) {
      throw usageError("%s <= %d required but it was %d", option, max, value);
    }
  }

  @FormatMethod
  private ParameterException usageError(@FormatString String format, Object... args) {
    return new ParameterException(spec.commandLine(), String.format(Locale.ROOT, format, args));
  }
}
