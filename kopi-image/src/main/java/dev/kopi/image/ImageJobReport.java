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
 * @param stats the engine's statistics for the items processed in this run
 * @param breakdown where the workers' time went
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

  /** Items that did not end OK. */
  public long failures() {
    return rows - counts.getOrDefault(ItemStatus.OK, 0L);
  }

  /**
   * Nanoseconds spent per stage, summed over workers (the write stage runs on the consumer). Decode
   * includes conversion to RGB and orientation; resize includes compositing and padding.
   */
  public record Breakdown(long readNanos, long decodeNanos, long resizeNanos, long writeNanos) {}
}
