package dev.kopi.core;

/**
 * Chooses the size of a stage's next chunk (see {@link Chunking}). Automatic sizing keeps an
 * exponentially weighted average of the measured time per item and aims each chunk at the target
 * time; until the first chunk has been measured, chunks hold one item, so a slow function is never
 * batched by mistake. Owned by the thread driving the run.
 */
final class ChunkSizer {
  private static final double WEIGHT = 0.3;

  private final int fixed;
  private final long targetNanos;
  private final int cap;
  private double nanosPerItem = -1;

  /**
   * @param cap the largest chunk allowed by the stage's memory bound: {@code maxInFlight /
   *     (chunksPerWorker * parallelism)}, so that bound never starves workers of chunks
   */
  ChunkSizer(Chunking chunking, int cap) {
    this.fixed = chunking.size();
    this.targetNanos = chunking.targetChunkTime().toNanos();
    this.cap = cap;
  }

  /**
   * @param remaining items known to be left in the input, or -1 when unknown
   * @param slots chunks the stage may have in flight; with {@code remaining}, chunks shrink toward
   *     the end of the input so that no worker is left with a long last chunk
   */
  int next(long remaining, int slots) {
    if (fixed > 0) {
      return fixed;
    }
    if (nanosPerItem < 0) {
      return 1;
    }
    long n = (long) (targetNanos / Math.max(nanosPerItem, 0.25));
    n = Math.min(n, cap);
    if (remaining > 0) {
      n = Math.min(n, (remaining + slots - 1) / slots);
    }
    return (int) Math.max(1, n);
  }

  void record(long busyNanos, int items) {
    double perItem = (double) busyNanos / items;
    nanosPerItem = nanosPerItem < 0 ? perItem : (1 - WEIGHT) * nanosPerItem + WEIGHT * perItem;
  }
}
