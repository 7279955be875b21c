package dev.kopi.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kopi.cli.demo.Workloads.Item;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkloadsTest {

  @Test
  void itemsAreDeterministicPerSeed() {
    List<Item> a = Workloads.items(100, 7, 20_000_000);

    assertThat(a).hasSize(100).isEqualTo(Workloads.items(100, 7, 20_000_000));
    assertThat(a).isNotEqualTo(Workloads.items(100, 8, 20_000_000));
    assertThat(a).extracting(Item::index).containsExactlyElementsOf(range(100));
  }

  @Test
  void latenciesSpreadFromHalfToOneAndAHalfTimesTheMean() {
    List<Item> items = Workloads.items(10_000, 42, 20_000_000);

    assertThat(items)
        .extracting(Item::ioNanos)
        .allSatisfy(n -> assertThat(n).isBetween(10_000_000L, 30_000_000L));
    double mean = items.stream().mapToLong(Item::ioNanos).average().orElseThrow();
    assertThat(mean).isBetween(19_500_000.0, 20_500_000.0);
  }

  @Test
  void spinDependsOnSeedAndIterations() {
    assertThat(Workloads.spin(1, 1000)).isEqualTo(Workloads.spin(1, 1000));
    assertThat(Workloads.spin(1, 1000)).isNotEqualTo(Workloads.spin(2, 1000));
    assertThat(Workloads.spin(1, 1000)).isNotEqualTo(Workloads.spin(1, 1001));
  }

  @Test
  void calibrationScalesWithTheTarget() {
    long oneMs = Workloads.calibrate(Duration.ofMillis(1));
    long tenMs = Workloads.calibrate(Duration.ofMillis(10));

    assertThat(oneMs).isPositive();
    // Two timings on a shared 2-core machine: a wide margin, but a target that is ignored (ratio 1)
    // or misread by a unit (ratio 1000) fails.
    assertThat((double) tenMs / oneMs).isBetween(2.0, 50.0);
  }

  private static List<Integer> range(int n) {
    return java.util.stream.IntStream.range(0, n).boxed().toList();
  }
}
