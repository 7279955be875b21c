package dev.kopi.cli.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;
import org.junit.jupiter.api.Test;

class BarProgressTest {

  /** Records what progressbar draws, from whichever thread draws it. */
  private static final class Recording implements ProgressBarConsumer {
    final List<String> drawn = new CopyOnWriteArrayList<>();
    final AtomicInteger closed = new AtomicInteger();

    @Override
    public int getMaxRenderedLength() {
      return 120;
    }

    @Override
    public void accept(String rendered) {
      drawn.add(rendered);
    }

    @Override
    public void close() {
      closed.incrementAndGet();
    }
  }

  @Test
  void drawsTaskCountRateAndFailuresAndClosesOnceAtTheEnd() {
    Recording screen = new Recording();
    BarProgress bar = new BarProgress("demo-bar", () -> screen, ProgressBarStyle.ASCII);

    bar.start(10);
    for (int i = 0; i < 10; i++) {
      bar.step(i != 3);
    }
    bar.finish();
    bar.finish();

    // The bar's own thread may draw any number of times; the final state is drawn on finish.
    assertThat(screen.drawn).isNotEmpty();
    assertThat(screen.drawn.get(screen.drawn.size() - 1))
        .startsWith("demo-bar 100% [")
        .contains("10/10 items")
        .contains("items/s")
        .endsWith(", 1 failed");
    // Even a run this short ends the line (progressbar 0.10.1 alone would not).
    assertThat(screen.closed).hasValue(1);
  }

  @Test
  void anUnknownTotalDrawsAnIndefiniteBar() {
    Recording screen = new Recording();
    BarProgress bar = new BarProgress("stream", () -> screen, ProgressBarStyle.ASCII);

    bar.start(-1);
    bar.step(true);
    bar.step(true);
    bar.finish();

    assertThat(screen.drawn.get(screen.drawn.size() - 1))
        .startsWith("stream  ? %")
        .contains("2/? items");
    assertThat(screen.closed).hasValue(1);
  }
}
