package dev.kopi.core;

import static dev.kopi.core.Checks.requireArgument;
import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Per-stage settings shared by {@link Pool#map} and each stage of a {@link Pipeline}. Immutable:
 * every setter returns a copy and rejects a bad value at once.
 *
 * <ul>
 *   <li>{@link #maxInFlight(int)}, default 65,536: the most items admitted to the stage and not yet
 *       handed on (to the next stage or the consumer), running or finished. This is the memory
 *       bound: input is pulled lazily and never further ahead than this.
 *   <li>{@link #chunksPerWorker(int)}, default 4: how many chunks per worker may be in flight at
 *       once, enough to keep every worker busy while results are handed over; with {@link
 *       Chunking#auto()} it also caps the chunk size so that work stays balanced. A run also stops
 *       admitting input while it holds twice the chunks its stages may have in flight (counting
 *       finished ones not yet handed on), so slow, big items (one per chunk) stay few whatever
 *       {@code maxInFlight} allows.
 *   <li>{@link #chunking(Chunking)}, default {@link Chunking#auto()}.
 *   <li>{@link #errorPolicy(ErrorPolicy)}, default {@link ErrorPolicy#failFast()}.
 *   <li>{@link #itemTimeout(Duration)}, default none: a <em>soft</em> per-item time limit; see
 *       {@link MapOptions#itemTimeout(Duration)}.
 * </ul>
 */
public final class StageOptions {
  static final int DEFAULT_MAX_IN_FLIGHT = 1 << 16;
  static final int DEFAULT_CHUNKS_PER_WORKER = 4;
  private static final StageOptions DEFAULTS =
      new StageOptions(
          DEFAULT_MAX_IN_FLIGHT,
          DEFAULT_CHUNKS_PER_WORKER,
          Chunking.auto(),
          ErrorPolicy.failFast(),
          null);

  private final int maxInFlight;
  private final int chunksPerWorker;
  private final Chunking chunking;
  private final ErrorPolicy errorPolicy;
  private final @Nullable Duration itemTimeout;

  private StageOptions(
      int maxInFlight,
      int chunksPerWorker,
      Chunking chunking,
      ErrorPolicy errorPolicy,
      @Nullable Duration itemTimeout) {
    this.maxInFlight = maxInFlight;
    this.chunksPerWorker = chunksPerWorker;
    this.chunking = chunking;
    this.errorPolicy = errorPolicy;
    this.itemTimeout = itemTimeout;
  }

  /** The defaults listed in the class description. */
  public static StageOptions defaults() {
    return DEFAULTS;
  }

  /**
   * Bounds the items admitted and not yet handed on.
   *
   * @throws IllegalArgumentException if {@code maxInFlight < 1}
   */
  public StageOptions maxInFlight(int maxInFlight) {
    requireArgument(maxInFlight >= 1, "maxInFlight >= 1 required but it was %s", maxInFlight);
    return new StageOptions(maxInFlight, chunksPerWorker, chunking, errorPolicy, itemTimeout);
  }

  /**
   * Sets how many chunks per worker may be in flight.
   *
   * @throws IllegalArgumentException if {@code chunksPerWorker < 1}
   */
  public StageOptions chunksPerWorker(int chunksPerWorker) {
    requireArgument(
        chunksPerWorker >= 1, "chunksPerWorker >= 1 required but it was %s", chunksPerWorker);
    return new StageOptions(maxInFlight, chunksPerWorker, chunking, errorPolicy, itemTimeout);
  }

  /** Sets the chunking. */
  public StageOptions chunking(Chunking chunking) {
    requireNonNull(chunking, "chunking");
    return new StageOptions(maxInFlight, chunksPerWorker, chunking, errorPolicy, itemTimeout);
  }

  /** Shorthand for {@code chunking(Chunking.fixed(chunkSize))}. */
  public StageOptions chunkSize(int chunkSize) {
    return chunking(Chunking.fixed(chunkSize));
  }

  /** Sets the error policy. */
  public StageOptions errorPolicy(ErrorPolicy errorPolicy) {
    requireNonNull(errorPolicy, "errorPolicy");
    return new StageOptions(maxInFlight, chunksPerWorker, chunking, errorPolicy, itemTimeout);
  }

  /**
   * Sets the soft per-item timeout; see {@link MapOptions#itemTimeout(Duration)}.
   *
   * @throws IllegalArgumentException if the timeout is not positive
   */
  public StageOptions itemTimeout(Duration itemTimeout) {
    requireNonNull(itemTimeout, "itemTimeout");
    requireArgument(
        !itemTimeout.isNegative() && !itemTimeout.isZero(),
        "itemTimeout > 0 required but it was %s",
        itemTimeout);
    return new StageOptions(maxInFlight, chunksPerWorker, chunking, errorPolicy, itemTimeout);
  }

  public int maxInFlight() {
    return maxInFlight;
  }

  public int chunksPerWorker() {
    return chunksPerWorker;
  }

  public Chunking chunking() {
    return chunking;
  }

  public ErrorPolicy errorPolicy() {
    return errorPolicy;
  }

  /** The soft per-item timeout, or {@code null} for none. */
  public @Nullable Duration itemTimeout() {
    return itemTimeout;
  }

  @Override
  public String toString() {
    return "StageOptions{maxInFlight="
        + maxInFlight
        + ", chunksPerWorker="
        + chunksPerWorker
        + ", chunking="
        + chunking
        + ", errorPolicy="
        + errorPolicy
        + ", itemTimeout="
        + itemTimeout
        + '}';
  }
}
