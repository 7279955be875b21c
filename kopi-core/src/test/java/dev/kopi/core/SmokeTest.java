package dev.kopi.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void mapsInOrder() {
    try (Pool pool = Pool.cpu(2)) {
      List<Integer> in = IntStream.range(0, 100_000).boxed().toList();
      try (MapRun<Integer, Integer> run = pool.map(in, x -> x * 2)) {
        List<Integer> out = run.values().toList();
        assertThat(out).hasSize(in.size());
        for (int i = 0; i < out.size(); i++) {
          assertThat(out.get(i)).isEqualTo(i * 2);
        }
        System.err.println(run.stats().summary());
      }
    }
  }
}
