package dev.kopi.bench;

import dev.kopi.core.MapOptions;
import dev.kopi.core.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * The engine's fixed cost per item, measured where nothing hides it: a million items whose work is
 * one multiplication ({@code x -> x * 31} on a boxed {@code Integer}).
 *
 * <p><b>What is measured.</b> The time to map a pre-built {@code List<Integer>} of {@link
 * #DEFAULT_ITEMS} items and consume every result. The main variants sum the results (as {@code
 * long}) and return the sum to JMH (an implicit {@code Blackhole}), so nothing is dead code:
 *
 * <ul>
 *   <li>{@link #sequentialLoop}: the baseline, one thread, a plain loop.
 *   <li>{@link #kopiOrdered}: {@code pool.map(items, fn, MapOptions.defaults()).values()} on {@code
 *       Pool.cpu(2)}, automatic chunking, results in input order, summed on the benchmark thread.
 *   <li>{@link #kopiUnordered}: the same with {@code ordered(false)} (completion order).
 *   <li>{@link #parallelStream}: {@code items.parallelStream().map(fn).mapToLong(...).sum()}, the
 *       JDK's own answer and the yardstick of the project's target (kopi ordered within 1.5x of
 *       it). On a 2-core machine the common pool has one worker and the calling thread joins in:
 *       two threads, like {@code Pool.cpu(2)}.
 *   <li>{@link #perTaskInvokeAll}: one {@code Callable} per item through {@code
 *       ExecutorService.invokeAll} on a 2-thread fixed pool, then {@code get()} of every future:
 *       what naive code does.
 *   <li>{@link #perTaskCompletableFuture}: {@code CompletableFuture.supplyAsync} per item on the
 *       same executor, then {@code join()} of every future.
 * </ul>
 *
 * Two more variants collect instead of summing, as much user code does: {@link #kopiOrderedToList}
 * ({@code values().toList()}) and {@link #parallelStreamToList} ({@code .map(fn).toList()}). They
 * return the list. Note that a 1M-element result array (4 MB) is a <em>humongous</em> object for G1
 * with this benchmark's 2 GB heap (1 MB regions); dead humongous arrays of references are not
 * reclaimed by young collections and keep the million boxed results they point to alive, so these
 * two variants (and the per-task ones, whose futures live in 1M-element lists) measure G1 copying
 * as much as they measure the map. That is why the main variants sum.
 *
 * <p><b>Why.</b> With no work to amortise it, the per-item and per-chunk cost of the engine (queue
 * hand-offs, wake-ups, bookkeeping, reorder buffer) is all that is left. Chunking exists to make
 * that cost vanish; this benchmark checks that it does, against the JDK's fork/join streams and
 * against the one-task-per-item designs that chunking is meant to beat. The JIT may remove the
 * boxing from the sequential and stream variants (the box does not escape); kopi cannot, since its
 * results cross threads in arrays: that is part of what is being compared.
 *
 * <p><b>Iteration budget.</b> All variants run the full million items. The per-task variants take a
 * few hundred milliseconds per operation, so they carry their own, smaller
 * {@code @Warmup}/{@code @Measurement} (2 + 3 iterations of 2 s instead of 5 + 5 of 1 s); the
 * command line below does not override iteration counts, so each method keeps its own. State
 * objects are split so that each method sets up only what it uses. The kopi state checks once per
 * trial, in {@code @Setup}, that both orders return every result (and the ordered one in order).
 *
 * <p><b>Run</b> (from the repository root, after {@code ./build -q -pl kopi-bench package}; about 4
 * minutes):
 *
 * <pre>
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar kopi-bench/target/benchmarks.jar TrivialItemsBenchmark
 * </pre>
 *
 * Fewer items for a quick look: {@code -p items=100000}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 2,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class TrivialItemsBenchmark {

  /** The default input size. */
  public static final int DEFAULT_ITEMS = 1_000_000;

  /** The per-item work: trivial on purpose. */
  static Integer times31(Integer x) {
    return x * 31;
  }

  /** The input, built once per trial so that no variant pays for it. */
  @State(Scope.Benchmark)
  public static class Input {
    @Param({"1000000"})
    public int items;

    @SuppressWarnings("NullAway.Init") // set in @Setup, before any benchmark method runs
    List<Integer> list;

    @Setup(Level.Trial)
    public void setUp() {
      list = Inputs.boxedRange(items);
    }
  }

  /** One kopi CPU pool of two threads per trial. */
  @State(Scope.Benchmark)
  public static class Kopi {
    @SuppressWarnings("NullAway.Init") // set in @Setup
    Pool pool;

    @Setup(Level.Trial)
    public void setUp(Input in) {
      pool = Pool.cpu(2);
      // Sanity check, once: the engine returns every result, in order.
      List<Integer> got =
          pool.map(in.list, TrivialItemsBenchmark::times31, MapOptions.defaults())
              .values()
              .toList();
      Verify.sameResults(in.list, got, true);
      got =
          pool.map(in.list, TrivialItemsBenchmark::times31, MapOptions.defaults().ordered(false))
              .values()
              .toList();
      Verify.sameResults(in.list, got, false);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      pool.close();
    }
  }

  /** A JDK fixed pool of two threads per trial, for the per-task baselines. */
  @State(Scope.Benchmark)
  public static class Jdk {
    @SuppressWarnings("NullAway.Init") // set in @Setup
    ExecutorService executor;

    @Setup(Level.Trial)
    public void setUp() {
      executor = Executors.newFixedThreadPool(2);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
      executor.shutdown();
      if (!executor.awaitTermination(1, TimeUnit.MINUTES)) {
        throw new IllegalStateException("executor did not terminate");
      }
    }
  }

  @Benchmark
  public long sequentialLoop(Input in) {
    long sum = 0;
    for (Integer x : in.list) {
      sum += times31(x);
    }
    return sum;
  }

  @Benchmark
  public long kopiOrdered(Input in, Kopi kopi) {
    return kopi.pool
        .map(in.list, TrivialItemsBenchmark::times31, MapOptions.defaults())
        .values()
        .mapToLong(Integer::longValue)
        .sum();
  }

  @Benchmark
  public long kopiUnordered(Input in, Kopi kopi) {
    return kopi.pool
        .map(in.list, TrivialItemsBenchmark::times31, MapOptions.defaults().ordered(false))
        .values()
        .mapToLong(Integer::longValue)
        .sum();
  }

  @Benchmark
  public long parallelStream(Input in) {
    return in.list.parallelStream()
        .map(TrivialItemsBenchmark::times31)
        .mapToLong(Integer::longValue)
        .sum();
  }

  @Benchmark
  public List<Integer> kopiOrderedToList(Input in, Kopi kopi) {
    return kopi.pool
        .map(in.list, TrivialItemsBenchmark::times31, MapOptions.defaults())
        .values()
        .toList();
  }

  @Benchmark
  public List<Integer> parallelStreamToList(Input in) {
    return in.list.parallelStream().map(TrivialItemsBenchmark::times31).toList();
  }

  @Benchmark
  @Warmup(iterations = 2, time = 2)
  @Measurement(iterations = 3, time = 2)
  public long perTaskInvokeAll(Input in, Jdk jdk) throws InterruptedException, ExecutionException {
    List<Callable<Integer>> tasks = new ArrayList<>(in.list.size());
    for (Integer x : in.list) {
      tasks.add(() -> times31(x));
    }
    long sum = 0;
    for (Future<Integer> f : jdk.executor.invokeAll(tasks)) {
      sum += f.get();
    }
    return sum;
  }

  @Benchmark
  @Warmup(iterations = 2, time = 2)
  @Measurement(iterations = 3, time = 2)
  public long perTaskCompletableFuture(Input in, Jdk jdk) {
    List<CompletableFuture<Integer>> futures = new ArrayList<>(in.list.size());
    for (Integer x : in.list) {
      futures.add(CompletableFuture.supplyAsync(() -> times31(x), jdk.executor));
    }
    long sum = 0;
    for (CompletableFuture<Integer> f : futures) {
      sum += f.join();
    }
    return sum;
  }
}
