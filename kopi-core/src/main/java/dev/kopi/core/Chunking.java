package dev.kopi.core;

import static dev.kopi.core.Checks.requireArgument;
import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How many consecutive items one task processes.
 *
 * <p>A task (a <em>chunk</em>) has a fixed cost: a queue hand-off, a wake-up, bookkeeping. For
 * items that take microseconds that cost dominates, so items are grouped. {@link #fixed(int)} uses
 * the given size. {@link #auto()} measures the time per item while the run goes on (starting with
 * single items) and sizes each new chunk so that it takes about {@linkplain #auto(Duration) a
 * target time} (1 ms by default, 100 times the engine's per-chunk cost of a few microseconds, so
 * overhead stays near 1 %), but never so large that fewer than {@link
 * StageOptions#chunksPerWorker()} chunks per worker would be in flight, nor larger than a
 * quarter-share per worker of the input's known remaining size, so the work stays balanced to the
 * end.
 */
public final class Chunking {
  private static final Chunking AUTO = new Chunking(0, Duration.ofMillis(1));

  private final int size;
  private final Duration target;

  private Chunking(int size, Duration target) {
    this.size = size;
    this.target = target;
  }

  /** Automatic chunking with a 1 ms target per chunk. */
  public static Chunking auto() {
    return AUTO;
  }

  /**
   * Automatic chunking aiming at {@code targetChunkTime} per chunk.
   *
   * @throws IllegalArgumentException if the target is not positive
   */
  public static Chunking auto(Duration targetChunkTime) {
    requireNonNull(targetChunkTime, "targetChunkTime");
    requireArgument(
        !targetChunkTime.isNegative() && !targetChunkTime.isZero(),
        "targetChunkTime > 0 required but it was %s",
        targetChunkTime);
    return new Chunking(0, targetChunkTime);
  }

  /**
   * Chunks of exactly {@code size} items (the last one may be shorter).
   *
   * @throws IllegalArgumentException if {@code size < 1}
   */
  public static Chunking fixed(int size) {
    requireArgument(size >= 1, "chunkSize >= 1 required but it was %s", size);
    return new Chunking(size, Duration.ZERO);
  }

  /** Whether the size is measured rather than fixed. */
  public boolean isAuto() {
    return size == 0;
  }

  /** The fixed size, or 0 when automatic. */
  public int size() {
    return size;
  }

  /** The target time per chunk when automatic; zero when fixed. */
  public Duration targetChunkTime() {
    return target;
  }

  @Override
  public String toString() {
    return isAuto() ? "auto(" + target + ")" : "fixed(" + size + ")";
  }
}
