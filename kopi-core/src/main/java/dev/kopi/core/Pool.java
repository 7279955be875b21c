package dev.kopi.core;

import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Workers that run tasks: a fixed set of platform threads for CPU-bound work ({@link #cpu()}), or
 * virtual threads with a concurrency limit for blocking I/O ({@link #io(int)}). Every pool offers
 * the same operations: {@link #submit}, {@link #invokeAll} with a deadline, and a lazy, bounded,
 * streaming {@link #map}.
 *
 * <pre>{@code
 * try (Pool cpu = Pool.cpu()) {
 *   List<Integer> squares = cpu.map(List.of(1, 2, 3), x -> x * x).values().toList();
 * }
 * }</pre>
 *
 * <p><b>No oversubscription.</b> A CPU pool is a CPU budget: at most {@link #parallelism()} of its
 * tasks run at once. Work started on any CPU pool from inside a task that a CPU pool is running (a
 * nested map, a nested submit) runs on the enclosing pool, within its budget, instead of
 * multiplying threads; and a thread that waits for such nested work runs the not-yet-started pieces
 * itself rather than blocking, so nesting never deadlocks. (This is what joblib/loky and
 * threadpoolctl do for nested BLAS.) I/O pools are not CPU budgets: their tasks are expected to
 * wait, and nest freely.
 *
 * <p><b>Lifecycle.</b> {@link #close()} stops accepting work and waits for the work already
 * accepted; after it, every operation throws {@link RejectedExecutionException}. CPU pool threads
 * are daemon threads, so a pool that is never closed does not keep the JVM alive. Pools are
 * thread-safe.
 *
 * <p>This interface is sealed: kopi's own implementations only (isolated worker processes will be a
 * third kind).
 */
public sealed interface Pool extends AutoCloseable permits AbstractPool {

  /** What kind of work a pool is for. */
  enum Kind {
    /** Platform threads, one per core by default: for work that computes. */
    CPU,
    /** Virtual threads with a concurrency limit: for work that waits on I/O. */
    IO
  }

  /** A CPU pool with one thread per available processor. */
  static Pool cpu() {
    return new CpuPool(Runtime.getRuntime().availableProcessors());
  }

  /**
   * A CPU pool with {@code threads} platform threads.
   *
   * @throws IllegalArgumentException if {@code threads < 1}
   */
  static Pool cpu(int threads) {
    return new CpuPool(Checks.requirePositive(threads, "threads"));
  }

  /**
   * An I/O pool: each task gets its own virtual thread, and at most {@code maxConcurrency} run at
   * once (the rest wait, parked, without holding a carrier thread). Use it for tasks that block on
   * the network or the disk; a CPU-heavy task on it competes with every other virtual thread.
   *
   * @throws IllegalArgumentException if {@code maxConcurrency < 1}
   */
  static Pool io(int maxConcurrency) {
    return new IoPool(Checks.requirePositive(maxConcurrency, "maxConcurrency"));
  }

  Kind kind();

  /** The most tasks this pool runs at once: its threads (CPU) or its concurrency limit (I/O). */
  int parallelism();

  /**
   * Runs {@code task} on this pool. The returned future completes with the task's value or
   * exception; cancelling it ({@code cancel(true)}) stops a task that has not started and
   * interrupts one that has. Waiting on it from inside one of this pool's CPU tasks runs the task
   * inline if it has not started yet, so a task may submit and wait for subtasks without deadlock.
   *
   * @throws RejectedExecutionException if the pool is closed
   */
  <R extends @Nullable Object> CompletableFuture<R> submit(Callable<R> task);

  /**
   * Submits every task, waits until all have completed or {@code timeout} has elapsed, cancels
   * (with interruption) those still unfinished, and returns the futures in the order of {@code
   * tasks}. Like {@link java.util.concurrent.ExecutorService#invokeAll(Collection, long,
   * java.util.concurrent.TimeUnit)}, but the futures compose.
   *
   * @throws InterruptedException if interrupted while waiting; unfinished tasks are cancelled
   * @throws RejectedExecutionException if the pool is closed
   */
  <R extends @Nullable Object> List<CompletableFuture<R>> invokeAll(
      Collection<? extends Callable<R>> tasks, Duration timeout) throws InterruptedException;

  /**
   * Applies {@code fn} to every element of {@code items} on this pool and returns the results as a
   * lazy {@link MapRun}: input is pulled only as results are consumed, at most {@code
   * options.maxInFlight()} items ahead, so inputs of any length (even endless) run in bounded
   * memory. See {@link MapRun} for ordering, errors, cancellation and the threads involved.
   *
   * @throws RejectedExecutionException if the pool is closed
   */
  <T extends @Nullable Object, R extends @Nullable Object> MapRun<T, R> map(
      Iterator<? extends T> items, ItemFunction<? super T, ? extends R> fn, MapOptions options);

  /**
   * {@link #map(Iterator, ItemFunction, MapOptions)} over an iterable. A collection's size is used
   * for chunking and progress. A random-access {@link java.util.List} is read by index from the
   * workers themselves (the consuming thread never touches its items), so it must not change while
   * the run lasts.
   */
  default <T extends @Nullable Object, R extends @Nullable Object> MapRun<T, R> map(
      Iterable<? extends T> items, ItemFunction<? super T, ? extends R> fn, MapOptions options) {
    return MapRun.start(this, Sources.of(items), fn, options);
  }

  /** {@link #map(Iterable, ItemFunction, MapOptions)} with {@link MapOptions#defaults()}. */
  default <T extends @Nullable Object, R extends @Nullable Object> MapRun<T, R> map(
      Iterable<? extends T> items, ItemFunction<? super T, ? extends R> fn) {
    return map(items, fn, MapOptions.defaults());
  }

  /**
   * {@link #map(Iterator, ItemFunction, MapOptions)} over a stream; a sized stream's size is used
   * for chunking and progress, and closing the run closes the stream.
   */
  default <T extends @Nullable Object, R extends @Nullable Object> MapRun<T, R> map(
      Stream<? extends T> items, ItemFunction<? super T, ? extends R> fn, MapOptions options) {
    var spliterator = items.spliterator();
    long size = spliterator.getExactSizeIfKnown();
    return MapRun.start(
        this,
        Sources.of(java.util.Spliterators.iterator(spliterator), size, items::close),
        fn,
        options);
  }

  /** Whether {@link #close()} has been called. */
  boolean isClosed();

  /**
   * Stops accepting work and waits for the work already accepted (queued or running) to finish.
   * Idempotent. If interrupted while waiting it returns early with the interrupt status set.
   */
  @Override
  void close();
}
