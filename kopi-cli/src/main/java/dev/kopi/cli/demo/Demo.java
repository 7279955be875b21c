package dev.kopi.cli.demo;

import static java.util.Objects.requireNonNull;

import com.google.errorprone.annotations.FormatMethod;
import com.google.errorprone.annotations.FormatString;
import dev.kopi.cli.Main;
import dev.kopi.cli.demo.Workloads.Item;
import dev.kopi.cli.progress.ProgressListener;
import dev.kopi.core.ItemFunction;
import dev.kopi.core.MapOptions;
import dev.kopi.core.MapRun;
import dev.kopi.core.Pipeline;
import dev.kopi.core.Pool;
import dev.kopi.core.RunStats;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Runs the demo and prints its report.
 *
 * <p>Each workload runs twice over the same items: first in a plain loop on the calling thread (the
 * baseline), then through kopi. Both runs sum the items' results into a checksum; the two checksums
 * must agree (else the demo fails with exit code 1), and printing them keeps the JIT from
 * eliminating the work. The pipeline does, per item, exactly (b)'s I/O and then (a)'s arithmetic,
 * so its checksum must equal (a)'s and its time can be set against (a) and (b)'s.
 *
 * <p>Times are wall-clock times measured here, around the whole loop or the whole run (pool
 * start-up excluded, result consumption included); the other figures are kopi's {@link RunStats}.
 */
final class Demo {
  /** The demo's validated settings. */
  record Settings(int items, int cpuMs, int ioMs, int ioConcurrency, int workers, long seed) {}

  /** Work on one item whose result goes into a checksum. */
  @FunctionalInterface
  private interface Work {
    long apply(Item item) throws InterruptedException;
  }

  /** A timed plain loop: its wall time and checksum. */
  private record Baseline(long nanos, long checksum) {}

  /** A timed kopi run: its wall time, checksum and statistics. */
  private record Timed(long nanos, long checksum, RunStats stats) {}

  private static final int[] PREDICT_AT = {4, 8, 16};

  private final Settings settings;
  private final PrintWriter out;
  private final PrintWriter err;
  private final Function<String, ProgressListener> progress;
  private final List<String> mismatches = new ArrayList<>();

  /**
   * @param out the report
   * @param err error messages
   * @param progress makes the progress listener for a task name
   */
  Demo(
      Settings settings,
      PrintWriter out,
      PrintWriter err,
      Function<String, ProgressListener> progress) {
    this.settings = requireNonNull(settings, "settings");
    this.out = requireNonNull(out, "out");
    this.err = requireNonNull(err, "err");
    this.progress = requireNonNull(progress, "progress");
  }

  /**
   * Runs the three parts and prints the report.
   *
   * @return the exit code: 0, or 1 if a checksum did not match
   * @throws InterruptedException if interrupted during a sequential loop
   * @throws dev.kopi.core.ItemFailedException if a kopi run fails (it should not)
   */
  int run() throws InterruptedException {
    long demoStart = System.nanoTime();
    Settings s = settings;
    int cores = Runtime.getRuntime().availableProcessors();
    out.printf(
        Locale.ROOT,
        "kopi %s demo: %d items per workload, seed %d; %d processors, Java %s%n",
        Main.version(),
        s.items(),
        s.seed(),
        cores,
        Runtime.version().feature());
    out.flush();

    long iterations = Workloads.calibrate(Duration.ofMillis(s.cpuMs()));
    out.printf(
        Locale.ROOT,
        "calibrated: %d ms of arithmetic = %,d iterations on one thread%n",
        s.cpuMs(),
        iterations);
    out.flush();
    List<Item> items = Workloads.items(s.items(), s.seed(), s.ioMs() * 1_000_000L);
    Work compute = item -> Workloads.spin(item.seed(), iterations);
    Work fetch = item -> Workloads.responseValue(Workloads.fetch(item));

    // (a) CPU-bound
    Baseline cpuSeq = sequential("demo-cpu/sequential", items, compute);
    Timed cpuKopi;
    try (Pool cpu = Pool.cpu(s.workers())) {
      cpuKopi = mapped("demo-cpu/kopi", cpu, items, compute);
    }
    section(
        String.format(
            Locale.ROOT,
            "(a) CPU-bound: %d items x %d ms of arithmetic; plain loop vs Pool.cpu(%d).map",
            s.items(),
            s.cpuMs(),
            s.workers()),
        cpuSeq,
        cpuKopi);

    // (b) I/O-bound
    Baseline ioSeq = sequential("demo-io/sequential", items, fetch);
    Timed ioKopi;
    try (Pool io = Pool.io(s.ioConcurrency())) {
      ioKopi = mapped("demo-io/kopi", io, items, fetch);
    }
    section(
        String.format(
            Locale.ROOT,
            "(b) I/O-bound: %d items x ~%d ms of sleep; plain loop vs Pool.io(%d).map",
            s.items(),
            s.ioMs(),
            s.ioConcurrency()),
        ioSeq,
        ioKopi);

    // (c) pipeline
    Timed piped;
    try (Pool io = Pool.io(s.ioConcurrency());
        Pool cpu = Pool.cpu(s.workers())) {
      piped = pipeline(items, io, cpu, iterations);
    }
    pipelineSection(items, cpuSeq, cpuKopi, ioSeq, ioKopi, piped);

    out.printf(Locale.ROOT, "%ndemo finished in %s%n", seconds(System.nanoTime() - demoStart));
    out.flush();
    if (!mismatches.isEmpty()) {
      for (String m : mismatches) {
        err.println("kopi demo: checksum mismatch: " + m);
      }
      err.flush();
      return 1;
    }
    return 0;
  }

  private Baseline sequential(String task, List<Item> items, Work work)
      throws InterruptedException {
    try (ProgressListener p = progress.apply(task)) {
      p.start(items.size());
      long sum = 0;
      long t0 = System.nanoTime();
      for (Item item : items) {
        sum += work.apply(item);
        p.step(true);
      }
      return new Baseline(System.nanoTime() - t0, sum);
    }
  }

  private Timed mapped(String task, Pool pool, List<Item> items, Work work) {
    ItemFunction<Item, Long> fn = work::apply;
    try (ProgressListener p = progress.apply(task)) {
      p.start(items.size()); // outside the timing, as for the loop (a bar takes a while to set up)
      long t0 = System.nanoTime();
      MapRun<Item, Long> run = pool.map(items, fn, MapOptions.defaults().listener(p));
      long sum;
      try {
        sum = run.values().mapToLong(Long::longValue).sum();
      } finally {
        run.close();
      }
      return new Timed(System.nanoTime() - t0, sum, run.stats());
    }
  }

  private Timed pipeline(List<Item> items, Pool io, Pool cpu, long iterations) {
    try (ProgressListener p = progress.apply("demo-pipeline")) {
      Pipeline<Item, Long> pipeline =
          Pipeline.<Item>start()
              .then("fetch", io, Workloads::fetch)
              .then("compute", cpu, item -> Workloads.spin(item.seed(), iterations))
              .listener(p);
      p.start(items.size());
      long t0 = System.nanoTime();
      MapRun<Item, Long> run = pipeline.run(items);
      long sum;
      try {
        sum = run.values().mapToLong(Long::longValue).sum();
      } finally {
        run.close();
      }
      return new Timed(System.nanoTime() - t0, sum, run.stats());
    }
  }

  private void section(String title, Baseline seq, Timed kopi) {
    RunStats st = kopi.stats();
    out.println();
    out.println(title);
    row(
        "sequential",
        "%s  (%s per item)",
        seconds(seq.nanos()),
        perItem(seq.nanos(), settings.items()));
    row("kopi", "%s", seconds(kopi.nanos()));
    row(
        "speedup",
        "%.2fx measured (sequential / kopi); %.2fx by kopi's count (busy / wall)",
        ratio(seq.nanos(), kopi.nanos()),
        st.speedup());
    row(
        "efficiency",
        "%.1f%% of %d workers busy (kopi's speedup / workers)",
        st.efficiency() * 100,
        st.parallelism());
    row(
        "engine overhead",
        "%.3f%% (engine time / engine + busy time)",
        st.overheadFraction() * 100);
    row("CPU time", "%s; busy %s", cpuTime(st.cpuNanos(), st.busyNanos()), seconds(st.busyNanos()));
    row(
        "latency",
        "p50 %s, p99 %s, max %s",
        millis(st.latency().p50()),
        millis(st.latency().p99()),
        millis(st.latency().max()));
    modelRows(st, seq.nanos(), kopi.nanos());
    checksumRow(seq.checksum(), kopi.checksum(), "sequential and kopi agree", title);
    out.flush();
  }

  private void modelRows(RunStats st, long seqNanos, long kopiNanos) {
    double e = st.serialFraction();
    if (Double.isNaN(e)) {
      row("serial fraction", "n/a: the Karp-Flatt metric needs at least 2 workers");
      return;
    }
    // The same metric from the measured speedup, which also counts any slowdown per item.
    double measured = karpFlatt(ratio(seqNanos, kopiNanos), st.parallelism());
    row(
        "serial fraction",
        "%.4f (Karp-Flatt from kopi's count; %.4f from the measured speedup)",
        e,
        measured);
    StringBuilder predicted = new StringBuilder();
    for (int n : PREDICT_AT) {
      if (predicted.length() > 0) {
        predicted.append(", ");
      }
      predicted.append(String.format(Locale.ROOT, "%.1fx on %d", st.predictedSpeedup(n), n));
    }
    row("Amdahl predicts", "%s workers", predicted);
  }

  private void pipelineSection(
      List<Item> items, Baseline cpuSeq, Timed cpuKopi, Baseline ioSeq, Timed ioKopi, Timed piped) {
    Settings s = settings;
    RunStats st = piped.stats();
    out.println();
    out.printf(
        Locale.ROOT,
        "(c) Pipeline: fetch (~%d ms sleep, Pool.io(%d)) -> compute (%d ms arithmetic,"
            + " Pool.cpu(%d)), %d items%n",
        s.ioMs(),
        s.ioConcurrency(),
        s.cpuMs(),
        s.workers(),
        s.items());
    long inTurn = ioKopi.nanos() + cpuKopi.nanos();
    row("pipeline", "%s", seconds(piped.nanos()));
    row(
        "stages in turn",
        "%s = kopi (b) %s + kopi (a) %s",
        seconds(inTurn),
        seconds(ioKopi.nanos()),
        seconds(cpuKopi.nanos()));
    row("overlap", "%.2fx (stages in turn / pipeline)", ratio(inTurn, piped.nanos()));
    long latency = 0;
    for (Item item : items) {
      latency += item.ioNanos();
    }
    long ioBound = latency / s.ioConcurrency();
    long cpuBound =
        cpuSeq.nanos() / Math.min(s.workers(), Runtime.getRuntime().availableProcessors());
    row(
        "model",
        "%s = max(I/O latency / concurrency %s, CPU work / cores in use %s)",
        seconds(Math.max(ioBound, cpuBound)),
        seconds(ioBound),
        seconds(cpuBound));
    long allSequential = cpuSeq.nanos() + ioSeq.nanos();
    row("all sequential", "%s = sequential (a) + (b)", seconds(allSequential));
    row("speedup", "%.1fx (all sequential / pipeline)", ratio(allSequential, piped.nanos()));
    for (RunStats.StageStats stage : st.stages()) {
      row(
          "stage " + stage.name(),
          "%d items on %d workers, busy %s, CPU %s, latency p50 %s p99 %s",
          stage.items(),
          stage.parallelism(),
          seconds(stage.busyNanos()),
          cpuTime(stage.cpuNanos(), stage.busyNanos()),
          millis(stage.latency().p50()),
          millis(stage.latency().p99()));
    }
    row("engine overhead", "%.3f%%", st.overheadFraction() * 100);
    checksumRow(cpuSeq.checksum(), piped.checksum(), "agrees with (a)", "(c) pipeline vs (a)");
    out.flush();
  }

  private void checksumRow(long expected, long actual, String agreement, String what) {
    if (expected == actual) {
      row("checksum", "%016x (%s)", actual, agreement);
    } else {
      row("checksum", "%016x, expected %016x: MISMATCH", actual, expected);
      mismatches.add(String.format(Locale.ROOT, "%s: %016x != %016x", what, actual, expected));
    }
  }

  @FormatMethod
  private void row(String label, @FormatString String format, @Nullable Object... args) {
    out.printf(Locale.ROOT, "  %-17s %s%n", label, String.format(Locale.ROOT, format, args));
  }

  /** Karp-Flatt: {@code (1/S - 1/p) / (1 - 1/p)}, clamped to [0, 1]. */
  private static double karpFlatt(double speedup, int p) {
    if (p < 2 || speedup <= 0) {
      return Double.NaN;
    }
    double e = (1 / speedup - 1.0 / p) / (1 - 1.0 / p);
    return Math.max(0, Math.min(1, e));
  }

  private static double ratio(long numerator, long denominator) {
    return denominator == 0 ? 0 : (double) numerator / denominator;
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
  }

  private static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
  }

  private static String perItem(long nanos, long items) {
    return items == 0 ? "n/a" : millis(nanos / items);
  }

  /**
   * kopi reports -1 when it could not measure CPU time: the JVM reports none for virtual threads.
   */
  private static String cpuTime(long cpuNanos, long busyNanos) {
    return cpuNanos < 0 && busyNanos > 0
        ? "not measured (no CPU time for virtual threads)"
        : seconds(Math.max(0, cpuNanos));
  }
}
