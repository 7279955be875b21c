package dev.kopi.cli.progress;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress as plain lines, for output that is not a terminal (a pipe, a log file, CI): at most one
 * line per {@code period}, written when an item completes, such as
 *
 * <pre>
 * demo-cpu: 1200/5000 items (24%), 480.0 items/s, ETA 8 s
 * </pre>
 *
 * and one final line, such as {@code demo-cpu: done, 5000 items in 10.4 s (480.8 items/s)}. The
 * rate is the mean since the start; the ETA assumes it holds. Nothing is printed between items, so
 * a run that stalls prints nothing until it moves again.
 */
final class PlainProgress extends ProgressListener {
  static final Duration DEFAULT_PERIOD = Duration.ofSeconds(2);

  private final String task;
  private final PrintWriter out;
  private final LongSupplier nanoClock;
  private final long periodNanos;
  private long startNanos;
  private long lastLineNanos;

  /**
   * @param out where the lines go; flushed after each line
   * @param nanoClock a monotonic clock in nanoseconds, {@link System#nanoTime} outside tests
   * @param period the least time between two progress lines
   * @throws IllegalArgumentException if {@code period} is not positive
   */
  PlainProgress(String task, PrintWriter out, LongSupplier nanoClock, Duration period) {
    this.task = requireNonNull(task, "task");
    this.out = requireNonNull(out, "out");
    this.nanoClock = requireNonNull(nanoClock, "nanoClock");
    requireNonNull(period, "period");
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("period > 0 required but it was " + period);
    }
    this.periodNanos = period.toNanos();
  }

  @Override
  void begin(long total) {
    startNanos = nanoClock.getAsLong();
    lastLineNanos = startNanos;
  }

  @Override
  void advanced(long done, long failed) {
    long now = nanoClock.getAsLong();
    if (now - lastLineNanos < periodNanos) {
      return;
    }
    lastLineNanos = now;
    double seconds = (now - startNanos) / 1e9;
    double rate = seconds > 0 ? done / seconds : 0;
    StringBuilder line = new StringBuilder(task).append(": ");
    long total = total();
    if (total >= 0) {
      line.append(done).append('/').append(total).append(" items");
      if (total > 0) {
        line.append(String.format(Locale.ROOT, " (%d%%)", done * 100 / total));
      }
    } else {
      line.append(done).append(" items");
    }
    line.append(String.format(Locale.ROOT, ", %.1f items/s", rate));
    if (failed > 0) {
      line.append(", ").append(failed).append(" failed");
    }
    if (total >= 0) {
      line.append(", ETA ")
          .append(rate > 0 ? formatEta(Math.max(0, total - done) / rate) : "unknown");
    }
    println(line.toString());
  }

  @Override
  void end(long done, long failed) {
    long now = nanoClock.getAsLong();
    double seconds = (now - startNanos) / 1e9;
    long total = total();
    String what =
        total < 0 || done >= total
            ? String.format(Locale.ROOT, "done, %d items", done)
            : String.format(Locale.ROOT, "stopped after %d/%d items", done, total);
    String rate = seconds > 0 ? String.format(Locale.ROOT, " (%.1f items/s)", done / seconds) : "";
    String failures = failed > 0 ? String.format(Locale.ROOT, ", %d failed", failed) : "";
    println(
        String.format(
            Locale.ROOT, "%s: %s in %s%s%s", task, what, formatSeconds(seconds), rate, failures));
  }

  private void println(String line) {
    out.println(line);
    out.flush();
  }

  /** "8 s", "2 min 05 s", "3 h 07 min", rounding up. */
  static String formatEta(double seconds) {
    long s = (long) Math.ceil(seconds);
    if (s < 120) {
      return s + " s";
    }
    if (s < 2 * 3600) {
      return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
    }
    long minutes = (s + 59) / 60;
    return String.format(Locale.ROOT, "%d h %02d min", minutes / 60, minutes % 60);
  }

  private static String formatSeconds(double seconds) {
    return seconds < 10
        ? String.format(Locale.ROOT, "%.2f s", seconds)
        : String.format(Locale.ROOT, "%.1f s", seconds);
  }
}
