package dev.kopi.core;

/**
 * Receives the progress events of a {@link MapRun}: for progress bars, logs and metrics.
 *
 * <p><b>Threading.</b> The events of one run are delivered one at a time, on the thread that drives
 * the run: the consumer's thread, from inside {@link Pool#map} or {@link Pipeline#run} ({@code
 * onRunStarted} only), {@link MapRun#hasNext()}, {@link MapRun#next()} or {@link MapRun#close()}.
 * So a listener used by a single run needs no synchronisation, and events arrive only while the
 * consumer is pulling results (which it does while it waits for the next one). Items are reported
 * in the order their chunks complete, not in index order. Keep handlers short: they run on the
 * consumer's thread.
 *
 * <p><b>Failure.</b> An exception thrown by a handler is logged through {@link System.Logger} and
 * otherwise ignored; it never fails the run.
 *
 * <p>In a {@link Pipeline}, {@code stage} names the stage; in a map it is {@code "map"}. An item
 * that passes through several stages is reported once per stage for {@code onStarted}, {@code
 * onDone} and {@code onRetried}; it is reported by {@code onCompleted} once, when it leaves the
 * run, whatever its status.
 */
public interface RunListener {
  /** A listener that ignores every event. */
  RunListener NONE = new RunListener() {};

  /**
   * The run has started.
   *
   * @param expectedItems the input's size when it is known (a {@code Collection} or a sized
   *     stream), else -1
   */
  default void onRunStarted(long expectedItems) {}

  /** The item was handed to a worker of {@code stage} (once per attempt). */
  default void onStarted(String stage, long index) {}

  /** The item's function returned normally in {@code stage}. */
  default void onDone(String stage, long index) {}

  /**
   * The item failed for good in {@code stage} ({@code error} is what the function threw, or an
   * {@link ItemTimeoutException}); {@link #onCompleted} follows, or the run fails under fail-fast.
   */
  default void onFailed(String stage, long index, Throwable error) {}

  /** The item failed in {@code stage} and will be tried again after {@code delayNanos}. */
  default void onRetried(String stage, long index, int attempt, Throwable error, long delayNanos) {}

  /**
   * The item has left the run with its final status: {@code OK}, {@code FAILED} or {@code
   * TIMED_OUT}.
   */
  default void onCompleted(Result<?, ?> result) {}

  /** The run has ended (input exhausted and every result delivered, or failed, or closed). */
  default void onRunFinished(RunStats stats) {}
}
