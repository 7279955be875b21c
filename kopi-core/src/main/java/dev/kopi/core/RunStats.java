package dev.kopi.core;

import java.util.List;
import java.util.Locale;

/**
 * What a run cost and what it bought. A snapshot: {@link MapRun#stats()} returns the figures so
 * far, final once the run has finished.
 *
 * <p>Time is split three ways. <em>Busy</em> time is the wall-clock time workers spent inside the
 * user's function, summed over workers; <em>CPU</em> time is the CPU time of those same threads
 * over the same spans ({@link java.lang.management.ThreadMXBean}; equal to busy time for pure CPU
 * work, much less for I/O waits); <em>engine</em> time is what kopi itself spent: the driving
 * thread's active time (pulling input, dispatching, collecting, reordering) plus the per-chunk
 * book-keeping on the workers. Per-item latency is measured per chunk (the chunk's busy time over
 * its items), so it is exact for single-item chunks and an average within larger ones.
 *
 * @param stages one entry per stage, in order (one, named {@code "map"}, for a map)
 */
public record RunStats(
    long items,
    long ok,
    long failed,
    long timedOut,
    long retries,
    long wallNanos,
    long busyNanos,
    long cpuNanos,
    long engineNanos,
    int parallelism,
    Latency latency,
    List<StageStats> stages) {

  public RunStats {
    stages = List.copyOf(stages);
  }

  /** Per-item latency percentiles, in nanoseconds (0 when nothing was measured). */
  public record Latency(long p50, long p90, long p99, long max) {}

  /**
   * One stage's share of a run.
   *
   * @param parallelism the stage pool's parallelism
   * @param items items whose function call in this stage ended (any status)
   * @param chunks tasks dispatched (so {@code items / chunks} is the mean chunk size)
   */
  public record StageStats(
      String name,
      int parallelism,
      long items,
      long chunks,
      long busyNanos,
      long cpuNanos,
      Latency latency) {}

  /** Items completed per second of wall time. */
  public double itemsPerSecond() {
    return wallNanos == 0 ? 0 : items * 1e9 / wallNanos;
  }

  /**
   * The measured speedup over running the same work on one thread: busy time over wall time. For a
   * pipeline this counts every stage's work, so it shows overlap as well as parallelism.
   */
  public double speedup() {
    return wallNanos == 0 ? 0 : (double) busyNanos / wallNanos;
  }

  /** {@link #speedup()} over {@link #parallelism()}: 1.0 means every worker was busy throughout. */
  public double efficiency() {
    return parallelism == 0 ? 0 : speedup() / parallelism;
  }

  /** Engine time as a share of engine plus busy time. */
  public double overheadFraction() {
    long total = engineNanos + busyNanos;
    return total == 0 ? 0 : (double) engineNanos / total;
  }

  /**
   * The Karp–Flatt metric: the serial fraction {@code e = (1/S - 1/p) / (1 - 1/p)} implied by the
   * measured speedup S on p workers (Karp and Flatt, CACM 1990). It folds every loss (serial code,
   * imbalance, overhead) into one number; {@code NaN} when {@code p < 2}.
   */
  public double serialFraction() {
    double s = speedup();
    int p = parallelism;
    if (p < 2 || s <= 0) {
      return Double.NaN;
    }
    double e = (1 / s - 1.0 / p) / (1 - 1.0 / p);
    return Math.max(0, Math.min(1, e));
  }

  /**
   * The speedup Amdahl's law predicts on {@code workers} workers from the measured {@linkplain
   * #serialFraction() serial fraction}: {@code 1 / (e + (1 - e) / n)}. An extrapolation: it holds
   * as far as the losses measured here scale like serial code.
   *
   * @throws IllegalArgumentException if {@code workers < 1}
   */
  public double predictedSpeedup(int workers) {
    Checks.requirePositive(workers, "workers");
    double e = serialFraction();
    if (Double.isNaN(e)) {
      return Double.NaN;
    }
    return 1 / (e + (1 - e) / workers);
  }

  /** A one-line human summary. */
  public String summary() {
    return String.format(
        Locale.ROOT,
        "%d items (%d ok, %d failed, %d timed out, %d retries) in %.3f s: %.1f items/s,"
            + " speedup %.2fx on %d workers (efficiency %.0f%%), cpu %.3f s, engine overhead"
            + " %.2f%%, latency p50 %s p99 %s",
        items,
        ok,
        failed,
        timedOut,
        retries,
        wallNanos / 1e9,
        itemsPerSecond(),
        speedup(),
        parallelism,
        efficiency() * 100,
        cpuNanos / 1e9,
        overheadFraction() * 100,
        formatNanos(latency.p50()),
        formatNanos(latency.p99()));
  }

  static String formatNanos(long nanos) {
    if (nanos < 10_000) {
      return nanos + " ns";
    }
    if (nanos < 10_000_000) {
      return String.format(Locale.ROOT, "%.1f us", nanos / 1e3);
    }
    if (nanos < 10_000_000_000L) {
      return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
    return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
  }
}
