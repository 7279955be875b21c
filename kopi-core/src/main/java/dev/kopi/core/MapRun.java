package dev.kopi.core;

import static java.util.Objects.requireNonNull;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * The lazy results of a {@link Pool#map} or a {@link Pipeline} run: an iterator of {@link Result}s,
 * one per input item, also available as a {@link #stream()} or, unwrapped, as {@link #values()}.
 *
 * <p><b>Laziness and memory.</b> Nothing runs ahead of the consumer by more than the run's bounds:
 * input is pulled, and work dispatched, only from inside {@link #hasNext()}/{@link #next()}, at
 * most {@code maxInFlight} items beyond the last result delivered. Stop iterating and no more input
 * is read; {@link #close()} (or closing the stream) also cancels the work in flight: chunks not yet
 * started never start, running ones are interrupted, their results are discarded. A run that is
 * dropped without being closed is cancelled when it is garbage-collected; close it to be prompt.
 *
 * <p><b>Order.</b> With {@code ordered(true)} (the default) results come in input order; else in
 * completion order. Either way each input item yields exactly one result.
 *
 * <p><b>Errors.</b> Under {@link ErrorPolicy#failFast()} the first final failure cancels the run
 * and {@link #hasNext()}/{@link #next()} throw an {@link ItemFailedException} (at once, even if
 * results before it were ready), and keep throwing it. Under {@link ErrorPolicy#skip()} a failure
 * is a {@link Result} with status {@code FAILED} or {@code TIMED_OUT}. An exception thrown by the
 * input iterator itself fails the run the same way, rethrown as it was.
 *
 * <p><b>Threads.</b> A run is driven by, and must be consumed from, one thread at a time (like any
 * iterator); its {@link RunListener} events arrive on that thread. The functions run on the pool's
 * workers. Memory consistency: everything the function did for an item happens-before the consumer
 * receives that item's result.
 *
 * @param <T> the input type
 * @param <R> the result type
 */
public final class MapRun<T extends @Nullable Object, R extends @Nullable Object>
    implements Iterator<Result<T, R>>, Iterable<Result<T, R>>, AutoCloseable {

  private final Coordinator engine;
  private boolean advanced; // the engine holds an item not yet returned by next()
  private boolean exhausted;

  MapRun(Coordinator engine) {
    this.engine = engine;
  }

  @SuppressWarnings("unchecked")
  static <T extends @Nullable Object, R extends @Nullable Object> MapRun<T, R> start(
      Pool pool,
      Sources<? extends T> input,
      ItemFunction<? super T, ? extends R> fn,
      MapOptions options) {
    requireNonNull(pool, "pool");
    requireNonNull(fn, "fn");
    requireNonNull(options, "options");
    ItemFunction<@Nullable Object, @Nullable Object> f =
        (ItemFunction<@Nullable Object, @Nullable Object>) (ItemFunction<?, ?>) fn;
    ContextFunction<@Nullable Object, @Nullable Object> cf = (value, ctx) -> f.apply(value);
    AbstractPool effective = ((AbstractPool) pool).effective();
    if (effective.isClosed()) {
      throw new java.util.concurrent.RejectedExecutionException("pool is closed: " + effective);
    }
    Coordinator.StageSpec stage =
        new Coordinator.StageSpec("map", effective, cf, f, options.stage());
    return new MapRun<>(
        new Coordinator(
            new Coordinator.StageSpec[] {stage},
            input,
            options.ordered(),
            options.maxInFlight(),
            options.listener()));
  }

  /**
   * Whether another result will come; drives the run (and may block) until that is known.
   *
   * @throws ItemFailedException if a fail-fast run has failed
   */
  @Override
  public boolean hasNext() {
    if (advanced) {
      return true;
    }
    if (exhausted) {
      return false;
    }
    if (engine.advance()) {
      advanced = true;
      return true;
    }
    exhausted = true;
    return false;
  }

  /**
   * The next result; blocks until it is ready.
   *
   * @throws NoSuchElementException if there is none
   * @throws ItemFailedException if a fail-fast run has failed
   */
  @Override
  public Result<T, R> next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    advanced = false;
    return engine.resultAt(engine.current(), engine.currentPos());
  }

  /** This run itself, for use in a for-each loop; a run can be iterated once. */
  @Override
  public Iterator<Result<T, R>> iterator() {
    return this;
  }

  /** The results as a sequential stream; closing the stream closes the run. */
  public Stream<Result<T, R>> stream() {
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL),
            false)
        .onClose(this::close);
  }

  /**
   * The values of the successful items, unwrapped, as a sequential stream; closing it closes the
   * run. Under a skip policy failed items are left out (they still count in {@link #stats()});
   * under fail-fast the first failure is thrown as an {@link ItemFailedException}. Cheaper than
   * {@link #stream()}: no {@link Result} is created per item.
   */
  public Stream<R> values() {
    Spliterator<R> values =
        new Spliterators.AbstractSpliterator<R>(Long.MAX_VALUE, Spliterator.ORDERED) {
          @Override
          @SuppressWarnings("unchecked")
          public boolean tryAdvance(Consumer<? super R> action) {
            while (true) {
              if (advanced) {
                advanced = false;
              } else if (exhausted || !engine.advance()) {
                exhausted = true;
                return false;
              }
              Chunk c = engine.current();
              int p = engine.currentPos();
              if (c.status(p) == Chunk.OK) {
                action.accept((R) c.out[p]);
                return true;
              }
            }
          }

          @Override
          public void forEachRemaining(Consumer<? super R> action) {
            while (tryAdvance(action)) {
              engine.drainRun(action); // the rest of a chunk's run, in one loop
            }
          }
        };
    return StreamSupport.stream(values, false).onClose(this::close);
  }

  /** The run's statistics so far; final once the run has finished or been closed. */
  public RunStats stats() {
    return engine.stats();
  }

  /**
   * Cancels whatever has not finished and stops reading input; results not yet delivered are
   * discarded. Does not wait for running functions to return. Idempotent.
   */
  @Override
  public void close() {
    engine.close();
    exhausted = true;
    advanced = false;
  }
}
