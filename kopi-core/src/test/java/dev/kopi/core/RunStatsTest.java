package dev.kopi.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RunStatsTest {
  private static RunStats stats(long wall, long busy, int parallelism) {
    RunStats.Latency l = new RunStats.Latency(0, 0, 0, 0);
    return new RunStats(10, 10, 0, 0, 0, wall, busy, busy, 0, parallelism, l, List.of());
  }

  @Test
  void karpFlattRecoversTheSerialFractionOfAnAmdahlWorkload() {
    // A workload with serial fraction 0.1 on 4 workers: S = 1 / (0.1 + 0.9 / 4) = 3.0769...
    double s = 1 / (0.1 + 0.9 / 4);
    RunStats r = stats(1_000_000_000L, (long) (s * 1_000_000_000L), 4);
    assertThat(r.speedup()).isCloseTo(s, within(1e-6));
    assertThat(r.serialFraction()).isCloseTo(0.1, within(1e-6));
    assertThat(r.predictedSpeedup(16)).isCloseTo(1 / (0.1 + 0.9 / 16), within(1e-6));
    assertThat(r.predictedSpeedup(1)).isCloseTo(1.0, within(1e-9));
    assertThat(r.efficiency()).isCloseTo(s / 4, within(1e-6));
  }

  @Test
  void perfectScalingHasNoSerialFraction() {
    RunStats r = stats(1_000, 2_000, 2);
    assertThat(r.serialFraction()).isEqualTo(0.0);
    assertThat(r.predictedSpeedup(8)).isCloseTo(8.0, within(1e-9));
  }

  @Test
  void oneWorkerCannotTellASerialFraction() {
    assertThat(stats(1_000, 1_000, 1).serialFraction()).isNaN();
  }

  @Test
  void latencyPercentilesAreWithinTheHistogramsResolution() {
    LatencyHistogram h = new LatencyHistogram();
    IntStream.rangeClosed(1, 1000).forEach(i -> h.record(i * 1_000L, 1));
    assertThat((double) h.quantile(0.5)).isCloseTo(500_000, within(500_000 * 0.1));
    assertThat((double) h.quantile(0.99)).isCloseTo(990_000, within(990_000 * 0.1));
    assertThat(h.summary().max()).isEqualTo(1_000_000);
    assertThat(new LatencyHistogram().summary().p50()).isZero();
  }

  @Test
  void aRunReportsItsCounts() {
    try (Pool pool = Pool.cpu(2);
        MapRun<Integer, Integer> run =
            pool.map(
                IntStream.range(0, 1000).boxed().toList(),
                x -> {
                  if (x % 100 == 0) {
                    throw new IllegalStateException();
                  }
                  return x;
                },
                MapOptions.defaults().errorPolicy(ErrorPolicy.skip()))) {
      assertThat(run.values().count()).isEqualTo(990);
      RunStats s = run.stats();
      assertThat(s.items()).isEqualTo(1000);
      assertThat(s.ok()).isEqualTo(990);
      assertThat(s.failed()).isEqualTo(10);
      assertThat(s.wallNanos()).isPositive();
      assertThat(s.busyNanos()).isPositive();
      assertThat(s.parallelism()).isEqualTo(2);
      assertThat(s.stages())
          .singleElement()
          .satisfies(st -> assertThat(st.items()).isEqualTo(1000));
      assertThat(s.summary()).contains("1000 items (990 ok, 10 failed");
    }
  }
}
