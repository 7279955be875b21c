package dev.kopi.cli.progress;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jspecify.annotations.Nullable;

/**
 * Progress as a redrawn bar on a terminal, drawn by me.tongfei:progressbar: task name, percentage,
 * count (of the total when known; an indefinite bar otherwise), rate in items/s and ETA.
 *
 * <p>The bar is created when the run starts and redraws itself from a thread of its own; kopi's
 * events only move its counter (thread-safe in progressbar). {@link #end} closes the bar, which
 * stops that thread and leaves the final state on screen.
 */
final class BarProgress extends ProgressListener {
  private static final int REFRESH_MILLIS = 200;

  private final String task;
  private final Supplier<? extends ProgressBarConsumer> consumers;
  private final ProgressBarStyle style;
  private @Nullable ProgressBar bar;
  private @Nullable OnceClosed console;
  private long shownFailed;

  /** A bar drawn on {@code err}, in colour and Unicode blocks if it encodes UTF-8, else ASCII. */
  BarProgress(String task, PrintStream err) {
    this(
        task,
        () -> new ConsoleProgressBarConsumer(err),
        StandardCharsets.UTF_8.equals(err.charset())
            ? ProgressBarStyle.COLORFUL_UNICODE_BLOCK
            : ProgressBarStyle.ASCII);
  }

  /**
   * A bar drawn by a consumer from {@code consumers} (called once, when the run starts) in {@code
   * style}.
   */
  BarProgress(
      String task, Supplier<? extends ProgressBarConsumer> consumers, ProgressBarStyle style) {
    this.task = requireNonNull(task, "task");
    this.consumers = requireNonNull(consumers, "consumers");
    this.style = requireNonNull(style, "style");
  }

  @Override
  void begin(long total) {
    OnceClosed c = new OnceClosed(consumers.get());
    console = c;
    bar =
        new ProgressBarBuilder()
            .setTaskName(task)
            .setInitialMax(total) // -1: indefinite
            .setStyle(style)
            .setConsumer(c)
            .setUpdateIntervalMillis(REFRESH_MILLIS)
            .setUnit(" items", 1)
            .showSpeed()
            .setSpeedUnit(ChronoUnit.SECONDS)
            .build();
  }

  @Override
  void advanced(long done, long failed) {
    ProgressBar b = bar;
    if (b != null) {
      b.stepTo(done);
      if (failed != shownFailed) {
        shownFailed = failed;
        b.setExtraMessage(", " + failed + " failed");
      }
    }
  }

  @Override
  void end(long done, long failed) {
    ProgressBar b = bar;
    if (b != null) {
      bar = null;
      b.stepTo(done);
      if (failed > 0) {
        b.setExtraMessage(", " + failed + " failed");
      }
      b.close();
    }
    OnceClosed c = console;
    if (c != null) {
      console = null;
      // progressbar 0.10.1 skips closing its consumer (the final newline) when the bar is closed
      // before its first scheduled redraw, as happens to runs shorter than a few milliseconds.
      c.close();
    }
  }

  /** A consumer whose {@link #close()} takes effect once, whoever calls it first. */
  private static final class OnceClosed implements ProgressBarConsumer {
    private final ProgressBarConsumer delegate;
    private final AtomicBoolean closed = new AtomicBoolean();

    OnceClosed(ProgressBarConsumer delegate) {
      this.delegate = delegate;
    }

    @Override
    public int getMaxRenderedLength() {
      return delegate.getMaxRenderedLength();
    }

    @Override
    public void accept(String rendered) {
      delegate.accept(rendered);
    }

    @Override
    public void clear() {
      delegate.clear();
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        delegate.close();
      }
    }
  }
}
