package dev.kopi.image;

import dev.kopi.core.RunStats;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What an image job did.
 *
 * @param rows items in the input (rows of the array)
 * @param counts items per status, this run and any resumed ones together
 * @param resumedRows items already finished by an earlier, interrupted run and not redone
 * @param stats the engine's statistics for the items processed in this run: a pipeline of the
 *     stages {@link ImageJob#READ_STAGE} (reader threads) and {@link ImageJob#DECODE_STAGE}
 *     (workers)
 * @param breakdown where the time went: reading on the reader threads (or on a worker, for files
 *     too big to read ahead), the rest on the workers
 * @param decoders images decoded per decoder ({@code kopi-jpeg}, {@code kopi-png}, {@code
 *     kopi-gif}, {@code kopi-bmp}, {@code kopi-tiff}, {@code imageio}) in this run
 * @param aborted why the job stopped early (too many failures), or {@code null} if it completed
 * @param output the {@code .npy} written (only when completed)
 * @param index the index CSV written (only when completed)
 * @param labels the labels {@code .npy}, when a label column was given
 */
public record ImageJobReport(
    long rows,
    Map<ItemStatus, Long> counts,
    long resumedRows,
    RunStats stats,
    Breakdown breakdown,
    Map<String, Long> decoders,
    @Nullable String aborted,
    Path output,
    Path index,
    @Nullable Path labels) {

  public ImageJobReport {
    counts = Map.copyOf(counts);
    decoders = Collections.unmodifiableMap(new TreeMap<>(decoders));
  }

  /**
   * The share of the workers' time spent decoding and resizing: the decode stage's busy time over
   * the wall time times the workers (the read stage's reader threads are not workers); 0 if nothing
   * ran.
   */
  public double workerEfficiency() {
    for (RunStats.StageStats s : stats.stages()) {
      if (s.name().equals(ImageJob.DECODE_STAGE) && stats.wallNanos() > 0 && s.parallelism() > 0) {
        return (double) s.busyNanos() / stats.wallNanos() / s.parallelism();
      }
    }
    return 0;
  }

  /** Items that did not end OK. */
  public long failures() {
    return rows - counts.getOrDefault(ItemStatus.OK, 0L);
  }

  /**
   * Nanoseconds spent per stage, summed over threads (the write stage runs on the consumer). Decode
   * includes conversion to RGB and orientation; resize includes compositing and padding.
   */
  public record Breakdown(long readNanos, long decodeNanos, long resizeNanos, long writeNanos) {}
}
