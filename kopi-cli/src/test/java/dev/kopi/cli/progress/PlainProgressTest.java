package dev.kopi.cli.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kopi.core.ErrorPolicy;
import dev.kopi.core.MapOptions;
import dev.kopi.core.MapRun;
import dev.kopi.core.Pool;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PlainProgressTest {
  private static final long SECOND = 1_000_000_000L;

  private final StringWriter text = new StringWriter();
  private final AtomicLong now = new AtomicLong();

  /** A listener whose clock moves {@code tick} forward each time it is read. */
  private PlainProgress listener(String task, long tick) {
    return new PlainProgress(
        task, new PrintWriter(text), () -> now.getAndAdd(tick), Duration.ofSeconds(2));
  }

  private List<String> lines() {
    return text.toString().lines().toList();
  }

  @Test
  void printsAtMostOneLinePerPeriodAndAFinalLine() {
    PlainProgress p = listener("demo-cpu", SECOND); // begin at 0 s, item k at k s, end at 11 s

    p.start(10);
    for (int i = 0; i < 10; i++) {
      p.step(true);
    }
    p.finish();

    assertThat(lines())
        .containsExactly(
            "demo-cpu: 2/10 items (20%), 1.0 items/s, ETA 8 s",
            "demo-cpu: 4/10 items (40%), 1.0 items/s, ETA 6 s",
            "demo-cpu: 6/10 items (60%), 1.0 items/s, ETA 4 s",
            "demo-cpu: 8/10 items (80%), 1.0 items/s, ETA 2 s",
            "demo-cpu: 10/10 items (100%), 1.0 items/s, ETA 0 s",
            "demo-cpu: done, 10 items in 11.0 s (0.9 items/s)");
  }

  @Test
  void fastRunsPrintOnlyTheFinalLine() {
    PlainProgress p = listener("quick", SECOND / 100);

    p.start(50);
    for (int i = 0; i < 50; i++) {
      p.step(true);
    }
    p.finish();

    assertThat(lines()).containsExactly("quick: done, 50 items in 0.51 s (98.0 items/s)");
  }

  @Test
  void unknownTotalShowsCountAndRateOnly() {
    PlainProgress p = listener("stream", 3 * SECOND);

    p.start(-1);
    p.step(true);
    p.step(false);
    p.finish();

    assertThat(lines())
        .containsExactly(
            "stream: 1 items, 0.3 items/s",
            "stream: 2 items, 0.3 items/s, 1 failed",
            "stream: done, 2 items in 9.00 s (0.2 items/s), 1 failed");
  }

  @Test
  void anUnfinishedRunSaysWhereItStopped() {
    PlainProgress p = listener("cut", SECOND / 10);

    p.start(10);
    p.step(true);
    p.step(true);
    p.step(true);
    p.close();
    p.close(); // idempotent

    assertThat(lines()).containsExactly("cut: stopped after 3/10 items in 0.40 s (7.5 items/s)");
  }

  @Test
  void followsARealMapRunThroughItsListenerEvents() {
    PlainProgress p = listener("map", SECOND);
    List<Integer> items = IntStream.range(0, 10).boxed().toList();

    long sum;
    try (Pool pool = Pool.cpu(2);
        MapRun<Integer, Integer> run =
            pool.map(items, x -> x * 2, MapOptions.defaults().listener(p))) {
      sum = run.values().mapToLong(Integer::longValue).sum();
    }

    assertThat(sum).isEqualTo(90);
    assertThat(p.done()).isEqualTo(10);
    assertThat(p.total()).isEqualTo(10);
    // The clock is read once at the start, once per item and once at the end.
    assertThat(lines())
        .hasSize(6)
        .startsWith("map: 2/10 items (20%), 1.0 items/s, ETA 8 s")
        .endsWith("map: done, 10 items in 11.0 s (0.9 items/s)");
  }

  @Test
  void countsFailedItemsOfASkippingRun() {
    PlainProgress p = listener("skip", SECOND / 10);
    List<Integer> items = IntStream.range(0, 10).boxed().toList();
    MapOptions options = MapOptions.defaults().errorPolicy(ErrorPolicy.skip()).listener(p);

    try (Pool pool = Pool.cpu(1);
        MapRun<Integer, Integer> run =
            pool.map(
                items,
                x -> {
                  if (x % 2 == 1) {
                    throw new IllegalStateException("odd " + x);
                  }
                  return x;
                },
                options)) {
      assertThat(run.values().count()).isEqualTo(5);
    }

    assertThat(p.failed()).isEqualTo(5);
    assertThat(lines()).containsExactly("skip: done, 10 items in 1.10 s (9.1 items/s), 5 failed");
  }

  @Test
  void etaIsReadable() {
    assertThat(PlainProgress.formatEta(0)).isEqualTo("0 s");
    assertThat(PlainProgress.formatEta(7.2)).isEqualTo("8 s");
    assertThat(PlainProgress.formatEta(119)).isEqualTo("119 s");
    assertThat(PlainProgress.formatEta(125)).isEqualTo("2 min 05 s");
    assertThat(PlainProgress.formatEta(3 * 3600 + 7 * 60)).isEqualTo("3 h 07 min");
  }

  @Test
  void rejectsANonPositivePeriod() {
    assertThatThrownBy(() -> new PlainProgress("x", new PrintWriter(text), () -> 0, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("period > 0 required but it was PT0S");
  }
}
