package dev.kopi.bench;

import dev.kopi.core.Chunking;
import dev.kopi.core.MapOptions;
import dev.kopi.core.Pool;
import java.util.List;
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
 * What chunking buys: the trivial workload of {@link TrivialItemsBenchmark} ({@code x -> x * 31} on
 * boxed integers), 200,000 items, through kopi's ordered map on {@code Pool.cpu(2)} with different
 * {@link Chunking}s.
 *
 * <p><b>What is measured.</b> {@link #kopiOrdered}: {@code pool.map(items, fn, options).values()},
 * summed on the benchmark thread, average time per pass, for {@code chunking} = {@code 1} ({@code
 * MapOptions.defaults().chunkSize(1)}: one task per item, the engine's full per-task cost), {@code
 * 16}, {@code 256}, {@code 4096} ({@code chunkSize(n)}), and {@code auto} ({@code
 * chunking(Chunking.auto())}, the default: single-item chunks until the first has been timed, then
 * chunks sized for about 1 ms). Every variant sums the results and returns the sum to JMH (an
 * implicit {@code Blackhole}); summing rather than collecting keeps G1's handling of large result
 * arrays out of the measurement (see {@link TrivialItemsBenchmark}).
 *
 * <p><b>Baselines.</b> {@link #sequentialLoop} (one thread, no engine) and {@link #parallelStream}
 * ({@code items.parallelStream().map(fn).mapToLong(...).sum()}) on the same input. They use no
 * {@code chunking} parameter, so JMH runs them once, not once per chunk size. The ratio of chunk
 * size 1 to {@code auto} is what automatic chunking saves; the distance from {@code auto} to the
 * best fixed size is what it leaves on the table.
 *
 * <p><b>Why.</b> A chunk costs a queue hand-off, a wake-up of the consumer, per-chunk timing and
 * bookkeeping; for microsecond items that cost is the whole run unless it is spread over many
 * items. The default must find a good size without being told.
 *
 * <p><b>Run</b> (from the repository root, after {@code ./build -q -pl kopi-bench package}; about
 * 2.5 minutes, most of it chunk size 1 at over a second per pass):
 *
 * <pre>
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar kopi-bench/target/benchmarks.jar ChunkingBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 2,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ChunkingBenchmark {

  /** The input, built once per trial. */
  @State(Scope.Benchmark)
  public static class Input {
    @Param({"200000"})
    public int items;

    @SuppressWarnings("NullAway.Init") // set in @Setup
    List<Integer> list;

    @Setup(Level.Trial)
    public void setUp() {
      list = Inputs.boxedRange(items);
    }
  }

  /** A kopi pool of two threads and the options under test, per trial. */
  @State(Scope.Benchmark)
  public static class Kopi {
    /** A fixed chunk size, or {@code auto}. */
    @Param({"1", "16", "256", "4096", "auto"})
    public String chunking = "auto";

    @SuppressWarnings("NullAway.Init") // set in @Setup
    Pool pool;

    @SuppressWarnings("NullAway.Init") // set in @Setup
    MapOptions options;

    @Setup(Level.Trial)
    public void setUp(Input in) {
      pool = Pool.cpu(2);
      options =
          chunking.equals("auto")
              ? MapOptions.defaults().chunking(Chunking.auto())
              : MapOptions.defaults().chunkSize(Integer.parseInt(chunking));
      Verify.sameResults(
          in.list,
          pool.map(in.list, TrivialItemsBenchmark::times31, options).values().toList(),
          true);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      pool.close();
    }
  }

  @Benchmark
  public long kopiOrdered(Input in, Kopi kopi) {
    return kopi.pool
        .map(in.list, TrivialItemsBenchmark::times31, kopi.options)
        .values()
        .mapToLong(Integer::longValue)
        .sum();
  }

  @Benchmark
  public long sequentialLoop(Input in) {
    long sum = 0;
    for (Integer x : in.list) {
      sum += TrivialItemsBenchmark.times31(x);
    }
    return sum;
  }

  @Benchmark
  public long parallelStream(Input in) {
    return in.list.parallelStream()
        .map(TrivialItemsBenchmark::times31)
        .mapToLong(Integer::longValue)
        .sum();
  }
}
