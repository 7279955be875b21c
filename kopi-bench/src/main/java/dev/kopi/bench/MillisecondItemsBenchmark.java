package dev.kopi.bench;

import dev.kopi.core.MapOptions;
import dev.kopi.core.Pool;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Parallel efficiency on work that is worth parallelising: {@value #DEFAULT_ITEMS} items of about
 * one millisecond of real CPU work each.
 *
 * <p><b>What is measured.</b> The wall time of one pass over the items ({@link
 * Mode#SingleShotTime}: a pass is seconds long, so each measured iteration is exactly one pass)
 * for:
 *
 * <ul>
 *   <li>{@link #sequentialLoop}: the baseline, one thread.
 *   <li>{@link #kopiOrdered}: {@code Pool.cpu(2).map(items, fn, MapOptions.defaults())}, automatic
 *       chunking, results consumed in order from {@code values()}.
 *   <li>{@link #parallelStream}: {@code items.parallelStream().mapToLong(fn).sum()}, the JDK
 *       reference: on 2 cores the common pool's single worker plus the calling thread.
 * </ul>
 *
 * Every variant sums the items' results and returns the sum to JMH, so the work cannot be removed.
 * Parallel efficiency at 2 threads is {@code sequential time / (2 x parallel time)}; the project's
 * target for kopi is 95 %.
 *
 * <p><b>The work.</b> {@link #spin} is a 64-bit LCG step plus an xor-shift per iteration: a
 * loop-carried dependency chain the JIT can neither vectorise nor fold, touching no memory, so it
 * measures scheduling rather than the memory system. Not {@code Thread.sleep}: sleeping items would
 * "scale" without using the CPU at all. The number of iterations per item is calibrated once per
 * fork in {@code @Setup} (after 3 s of warm-up, so that the timed code is C2's, the fastest of 15
 * timed runs, i.e. the CPU cost when no other process interrupted) so that one item takes about 1
 * ms of CPU on the machine at hand; the calibration and a check of it are printed at the start of
 * each fork ({@code [calibration] ...}).
 *
 * <p><b>Same work for every variant.</b> Each JMH fork calibrates on its own, and on a shared
 * machine two calibrations differ by a few per cent, which would go straight into the efficiency
 * ratio. So for numbers to publish, calibrate once (any run prints it), then pin the count with
 * {@code -p iterationsPerItem=N}: the setup still measures and prints what an item then costs, but
 * every variant in every fork does identical work.
 *
 * <p><b>Budget.</b> 10,000 items x 1 ms is about 10 s per sequential pass and 5 s per parallel one;
 * with 2 warm-up and 5 measured passes per fork, one fork takes about 2.5 minutes.
 *
 * <p><b>Run</b> (from the repository root, after {@code ./build -q -pl kopi-bench package}):
 *
 * <pre>
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar kopi-bench/target/benchmarks.jar MillisecondItemsBenchmark -f 1
 * # then, with N from the "[calibration]" line:
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar kopi-bench/target/benchmarks.jar MillisecondItemsBenchmark -f 2 -p iterationsPerItem=N
 * </pre>
 *
 * On the 2-core AMD EPYC (Zen 5, KVM) development machine the calibration gave 1.67-1.72 ns per
 * iteration, so N = 600000; results are in {@code docs/performance-engine-draft.md}.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class MillisecondItemsBenchmark {

  /** The default number of items. */
  public static final int DEFAULT_ITEMS = 10_000;

  /** Iterations of {@link #spin} timed per calibration run (a few milliseconds). */
  private static final int PROBE_ITERATIONS = 2_000_000;

  private static final int CALIBRATION_RUNS = 15;

  private static final long WARM_UP_NANOS = TimeUnit.SECONDS.toNanos(3);

  /**
   * About 1 ns of dependent arithmetic per iteration on a current x86 core; the result depends on
   * every iteration.
   */
  static long spin(long seed, int iterations) {
    long x = seed;
    for (int i = 0; i < iterations; i++) {
      x = x * 6364136223846793005L + 1442695040888963407L;
      x ^= x >>> 29;
    }
    return x;
  }

  /** The items and the calibrated work per item. */
  @State(Scope.Benchmark)
  public static class Work {
    @Param({"10000"})
    public int items;

    /** Iterations of {@link #spin} per item; 0 calibrates to about 1 ms per item. */
    @Param({"0"})
    public int iterationsPerItem;

    @SuppressWarnings("NullAway.Init") // set in @Setup
    List<Integer> list;

    int iterations;

    /** Keeps the calibration's results alive so that it cannot be optimised away. */
    public long sink;

    @Setup(Level.Trial)
    public void setUp() {
      list = Inputs.boxedRange(items);

      // Warm up for a fixed time, not a fixed count: on a busy machine the JIT's compiler threads
      // are slow to install the C2 code, and timing C1 code would calibrate far too few iterations.
      long warmUntil = System.nanoTime() + WARM_UP_NANOS;
      for (int i = 0; System.nanoTime() < warmUntil; i++) {
        sink += spin(i, 100_000);
      }
      long[] nanos = new long[CALIBRATION_RUNS];
      for (int r = 0; r < nanos.length; r++) {
        long t0 = System.nanoTime();
        sink += spin(r, PROBE_ITERATIONS);
        nanos[r] = System.nanoTime() - t0;
      }
      Arrays.sort(nanos);
      // The fastest run is the one no other process interrupted: the CPU cost of the work.
      long fastest = nanos[0];
      long median = nanos[nanos.length / 2];
      int calibrated = (int) Math.max(1, PROBE_ITERATIONS * 1_000_000L / fastest);
      iterations = iterationsPerItem > 0 ? iterationsPerItem : calibrated;

      // Check: the cost of one item at the count actually used, over 200 items.
      long t0 = System.nanoTime();
      for (int i = 0; i < 200; i++) {
        sink += spin(i, iterations);
      }
      double msPerItem = (System.nanoTime() - t0) / 200 / 1e6;
      System.out.printf(
          Locale.ROOT,
          "%n[calibration] %.3f ns/iteration (fastest of %d runs of %,d; median %.3f, slowest"
              + " %.3f); 1 ms = %d iterations; using iterationsPerItem=%d (%s): %.3f ms/item"
              + " measured over 200 items%n",
          (double) fastest / PROBE_ITERATIONS,
          nanos.length,
          PROBE_ITERATIONS,
          (double) median / PROBE_ITERATIONS,
          (double) nanos[nanos.length - 1] / PROBE_ITERATIONS,
          calibrated,
          iterations,
          iterationsPerItem > 0 ? "pinned by -p" : "calibrated",
          msPerItem);
    }
  }

  /** One kopi CPU pool of two threads per trial. */
  @State(Scope.Benchmark)
  public static class Kopi {
    @SuppressWarnings("NullAway.Init") // set in @Setup
    Pool pool;

    @Setup(Level.Trial)
    public void setUp() {
      pool = Pool.cpu(2);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      pool.close();
    }
  }

  @Benchmark
  public long sequentialLoop(Work w) {
    int n = w.iterations;
    long sum = 0;
    for (Integer x : w.list) {
      sum += spin(x, n);
    }
    return sum;
  }

  @Benchmark
  public long kopiOrdered(Work w, Kopi kopi) {
    int n = w.iterations;
    return kopi.pool
        .map(w.list, x -> spin(x, n), MapOptions.defaults())
        .values()
        .mapToLong(Long::longValue)
        .sum();
  }

  @Benchmark
  public long parallelStream(Work w) {
    int n = w.iterations;
    return w.list.parallelStream().mapToLong(x -> spin(x, n)).sum();
  }
}
