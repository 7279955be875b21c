package dev.kopi.core;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Settings of one {@link Pool#map} run: the {@linkplain StageOptions stage settings} (memory bound,
 * chunking, error policy, soft timeout) plus the output order and a progress listener. Immutable:
 * every setter returns a copy and rejects a bad value at once.
 *
 * <pre>{@code
 * MapOptions opts = MapOptions.defaults()
 *     .ordered(false)                       // completion order
 *     .maxInFlight(10_000)                  // memory bound
 *     .errorPolicy(ErrorPolicy.retry(3).retryOn(e -> e instanceof IOException).thenSkip());
 * }</pre>
 */
public final class MapOptions {
  private static final MapOptions DEFAULTS =
      new MapOptions(StageOptions.defaults(), true, RunListener.NONE);

  private final StageOptions stage;
  private final boolean ordered;
  private final RunListener listener;

  private MapOptions(StageOptions stage, boolean ordered, RunListener listener) {
    this.stage = stage;
    this.ordered = ordered;
    this.listener = listener;
  }

  /**
   * Ordered output, automatic chunking, at most 65,536 items in flight, fail-fast, no timeout, no
   * listener.
   */
  public static MapOptions defaults() {
    return DEFAULTS;
  }

  /**
   * {@code true} (the default): results come in input order, and at most {@code maxInFlight} items
   * separate the oldest unconsumed input from the newest pulled one, so one slow item holds back
   * the output (but not the workers) until the window is full. {@code false}: results come as they
   * complete.
   */
  public MapOptions ordered(boolean ordered) {
    return new MapOptions(stage, ordered, listener);
  }

  /** See {@link StageOptions#maxInFlight(int)}. */
  public MapOptions maxInFlight(int maxInFlight) {
    return new MapOptions(stage.maxInFlight(maxInFlight), ordered, listener);
  }

  /** See {@link StageOptions#chunksPerWorker(int)}. */
  public MapOptions chunksPerWorker(int chunksPerWorker) {
    return new MapOptions(stage.chunksPerWorker(chunksPerWorker), ordered, listener);
  }

  /** See {@link Chunking}. */
  public MapOptions chunking(Chunking chunking) {
    return new MapOptions(stage.chunking(chunking), ordered, listener);
  }

  /** Shorthand for {@code chunking(Chunking.fixed(chunkSize))}. */
  public MapOptions chunkSize(int chunkSize) {
    return new MapOptions(stage.chunkSize(chunkSize), ordered, listener);
  }

  /** See {@link ErrorPolicy}. */
  public MapOptions errorPolicy(ErrorPolicy errorPolicy) {
    return new MapOptions(stage.errorPolicy(errorPolicy), ordered, listener);
  }

  /**
   * A <em>soft</em> per-item time limit. An item still running after it is reported as {@link
   * Result.Status#TIMED_OUT} (a failure, handled by the error policy like any other and never
   * retried) and the run moves on: the rest of its chunk is dispatched again. Its thread is
   * interrupted, but a Java thread cannot be killed: code that ignores interruption keeps running,
   * and keeps its worker (and CPU share) until it returns, when its late result is discarded. Hard
   * timeouts need isolated worker processes.
   *
   * @throws IllegalArgumentException if the timeout is not positive
   */
  public MapOptions itemTimeout(Duration itemTimeout) {
    return new MapOptions(stage.itemTimeout(itemTimeout), ordered, listener);
  }

  /** Replaces the stage settings wholesale. */
  public MapOptions stage(StageOptions stage) {
    requireNonNull(stage, "stage");
    return new MapOptions(stage, ordered, listener);
  }

  /** Receives the run's progress events; see {@link RunListener} for the threading contract. */
  public MapOptions listener(RunListener listener) {
    requireNonNull(listener, "listener");
    return new MapOptions(stage, ordered, listener);
  }

  public StageOptions stage() {
    return stage;
  }

  public boolean ordered() {
    return ordered;
  }

  public RunListener listener() {
    return listener;
  }

  public int maxInFlight() {
    return stage.maxInFlight();
  }

  public Chunking chunking() {
    return stage.chunking();
  }

  public ErrorPolicy errorPolicy() {
    return stage.errorPolicy();
  }

  public @Nullable Duration itemTimeout() {
    return stage.itemTimeout();
  }

  @Override
  public String toString() {
    return "MapOptions{ordered=" + ordered + ", " + stage + '}';
  }
}
