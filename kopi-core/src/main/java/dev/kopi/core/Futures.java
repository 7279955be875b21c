package dev.kopi.core;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Helpers for groups of futures, as Python's {@code concurrent.futures} offers them.
 *
 * <pre>{@code
 * List<CompletableFuture<Page>> pages = urls.stream().map(u -> io.submit(() -> fetch(u))).toList();
 * for (CompletableFuture<Page> done : Futures.asCompleted(pages)) {
 *   handle(done.join());  // never blocks: done is complete
 * }
 * }</pre>
 */
public final class Futures {
  private Futures() {}

  /**
   * The given futures in the order they complete (normally, exceptionally or by cancellation). The
   * iterator's {@code next()} blocks until another one completes; the futures are not changed.
   * Futures already complete come first. Iterate it once, from one thread.
   */
  public static <F extends CompletableFuture<?>> Iterable<F> asCompleted(Collection<F> futures) {
    return asCompleted(futures, null);
  }

  /**
   * Like {@link #asCompleted(Collection)}, but {@code next()} throws a {@link
   * DeadlineExceededException} once {@code timeout} has passed since this call while futures are
   * still pending (as {@code concurrent.futures.as_completed(fs, timeout)} raises {@code
   * TimeoutError}).
   */
  public static <F extends CompletableFuture<?>> Iterable<F> asCompleted(
      Collection<F> futures, @Nullable Duration timeout) {
    requireNonNull(futures, "futures");
    List<F> copy = List.copyOf(futures);
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    LinkedBlockingQueue<F> done = new LinkedBlockingQueue<>();
    for (F f : copy) {
      f.whenComplete((v, e) -> done.add(f));
    }
    return () ->
        new Iterator<F>() {
          private int delivered;

          @Override
          public boolean hasNext() {
            return delivered < copy.size();
          }

          @Override
          public F next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            try {
              F f;
              if (deadline == Long.MAX_VALUE) {
                f = done.take();
              } else {
                f = done.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (f == null) {
                  throw new DeadlineExceededException(
                      (copy.size() - delivered) + " of " + copy.size() + " futures still pending");
                }
              }
              delivered++;
              return f;
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new java.util.concurrent.CancellationException(
                  "interrupted while waiting for a future to complete");
            }
          }
        };
  }

  /**
   * Waits until every future has completed or {@code timeout} has passed.
   *
   * @return whether all completed in time
   * @throws InterruptedException if interrupted while waiting
   */
  public static boolean awaitAll(
      Collection<? extends CompletableFuture<?>> futures, Duration timeout)
      throws InterruptedException {
    requireNonNull(futures, "futures");
    requireNonNull(timeout, "timeout");
    CompletableFuture<Void> all =
        CompletableFuture.allOf(futures.toArray(CompletableFuture<?>[]::new));
    try {
      all.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (java.util.concurrent.ExecutionException
        | java.util.concurrent.CancellationException e) {
      // Some failed, but all completed... unless allOf completed early: it does not, it waits.
      return futures.stream().allMatch(CompletableFuture::isDone);
    } catch (java.util.concurrent.TimeoutException e) {
      return false;
    }
  }
}
