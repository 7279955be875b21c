package dev.kopi.cli.progress;

import static java.util.Objects.requireNonNull;

import dev.kopi.core.Result;
import dev.kopi.core.RunListener;
import dev.kopi.core.RunStats;
import java.io.PrintWriter;

/**
 * Shows the progress of one run on stderr. Use one instance per run: pass it to {@link
 * dev.kopi.core.MapOptions#listener} or {@link dev.kopi.core.Pipeline#listener}, or drive it by
 * hand ({@link #start}, {@link #step}, {@link #finish}) around a plain loop.
 *
 * <p>{@link #forStderr} picks the display: a progress bar (me.tongfei:progressbar, with task name,
 * count, rate and ETA) when {@link Terminals#isInteractive()} says stderr is a terminal, else plain
 * lines, at most one every {@link PlainProgress#DEFAULT_PERIOD 2 s} and a final one, so that logs
 * and CI output stay readable.
 *
 * <p><b>Threads.</b> kopi delivers a run's events one at a time on the thread that consumes the
 * run; the manual methods must be called the same way, from one thread at a time. A progress bar
 * redraws itself on a thread of its own; {@link #finish()} (called by {@link #onRunFinished}) stops
 * it, and so does {@link #close()}, so close the listener in a {@code finally} block or a
 * try-with-resources in case a run fails before it finishes.
 *
 * <p>Counting: an item counts once, when it leaves the run ({@link #onCompleted}), whatever its
 * status; items that did not end {@code OK} are also counted as failed. In a pipeline that is once
 * per item, not once per stage.
 */
public abstract sealed class ProgressListener implements RunListener, AutoCloseable
    permits BarProgress, PlainProgress, ProgressListener.Silent {
  private long total = -1;
  private long done;
  private long failed;
  private boolean started;
  private boolean finished;

  ProgressListener() {}

  /**
   * A listener for a run called {@code task}: a progress bar on {@link System#err} when stderr is a
   * terminal (see {@link Terminals#isInteractive()}), else plain lines written to {@code plain};
   * or, when {@code enabled} is false, a listener that shows nothing.
   */
  public static ProgressListener forStderr(String task, boolean enabled, PrintWriter plain) {
    requireNonNull(task, "task");
    requireNonNull(plain, "plain");
    if (!enabled) {
      return new Silent();
    }
    if (Terminals.isInteractive()) {
      return new BarProgress(task, System.err);
    }
    return new PlainProgress(task, plain, System::nanoTime, PlainProgress.DEFAULT_PERIOD);
  }

  /** A listener that shows nothing. */
  public static ProgressListener silent() {
    return new Silent();
  }

  /**
   * Starts the display; {@code expectedItems} is the total when known, else -1. Later calls are
   * ignored: a listener serves one run.
   */
  public final void start(long expectedItems) {
    if (started) {
      return;
    }
    started = true;
    total = expectedItems >= 0 ? expectedItems : -1;
    begin(total);
  }

  /** Counts one finished item, failed or not. */
  public final void step(boolean ok) {
    if (!started) {
      start(-1);
    }
    if (finished) {
      return;
    }
    done++;
    if (!ok) {
      failed++;
    }
    advanced(done, failed);
  }

  /** Shows the final state and releases the display. Idempotent. */
  public final void finish() {
    if (finished) {
      return;
    }
    if (!started) {
      start(-1);
    }
    finished = true;
    end(done, failed);
  }

  /** Same as {@link #finish()}. */
  @Override
  public final void close() {
    finish();
  }

  /** Items counted so far. */
  public final long done() {
    return done;
  }

  /** Items counted so far that did not end {@code OK}. */
  public final long failed() {
    return failed;
  }

  /** The expected total, or -1 when unknown. */
  public final long total() {
    return total;
  }

  @Override
  public final void onRunStarted(long expectedItems) {
    start(expectedItems);
  }

  @Override
  public final void onCompleted(Result<?, ?> result) {
    step(result.status() == Result.Status.OK);
  }

  @Override
  public final void onRunFinished(RunStats stats) {
    finish();
  }

  /** Called once, first; {@code total} is -1 when unknown. */
  abstract void begin(long total);

  /** Called after each counted item. */
  abstract void advanced(long done, long failed);

  /** Called once, last. */
  abstract void end(long done, long failed);

  /** Shows nothing. */
  private static final class Silent extends ProgressListener {
    @Override
    void begin(long total) {}

    @Override
    void advanced(long done, long failed) {}

    @Override
    void end(long done, long failed) {}
  }
}
