package dev.kopi.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChunkSizerTest {

  @Test
  void startsWithSingleItemsUntilItHasMeasured() {
    ChunkSizer s = new ChunkSizer(Chunking.auto(), 10_000);
    assertThat(s.next(-1, 8)).isEqualTo(1);
  }

  @Test
  void aimsAtTheTargetTimePerChunk() {
    ChunkSizer s = new ChunkSizer(Chunking.auto(Duration.ofMillis(1)), 1_000_000);
    s.record(1_000_000, 1_000); // 1 us per item
    assertThat(s.next(-1, 8)).isEqualTo(1_000);
    ChunkSizer slow = new ChunkSizer(Chunking.auto(Duration.ofMillis(1)), 1_000_000);
    slow.record(5_000_000, 1); // 5 ms per item: never batched
    assertThat(slow.next(-1, 8)).isEqualTo(1);
  }

  @Test
  void isCappedByTheMemoryBoundAndShrinksTowardTheEnd() {
    ChunkSizer s = new ChunkSizer(Chunking.auto(Duration.ofMillis(1)), 500);
    s.record(10, 1_000); // 0.01 ns per item, absurdly cheap
    assertThat(s.next(-1, 8)).isEqualTo(500);
    assertThat(s.next(800, 8)).isEqualTo(100);
    assertThat(s.next(3, 8)).isEqualTo(1);
  }

  @Test
  void fixedChunkingIgnoresMeasurements() {
    ChunkSizer s = new ChunkSizer(Chunking.fixed(17), 5);
    s.record(1, 1_000);
    assertThat(s.next(-1, 8)).isEqualTo(17);
  }

  /** End to end: cheap items end up batched (few chunks), slow ones one per chunk. */
  @Test
  void automaticChunkingBatchesCheapItemsOnly() {
    try (Pool pool = Pool.cpu(2)) {
      try (MapRun<Integer, Integer> run =
          pool.map(IntStream.range(0, 200_000).boxed().toList(), x -> x + 1)) {
        assertThat(run.values().count()).isEqualTo(200_000);
        // 200,000 items at a few ns each: far fewer dispatches than items.
        assertThat(run.stats().stages().get(0).chunks()).isLessThan(5_000);
      }
      try (MapRun<Integer, Integer> run =
          pool.map(
              IntStream.range(0, 40).boxed().toList(),
              x -> {
                PipelineTest.spinMillis(3);
                return x;
              })) {
        assertThat(run.values().count()).isEqualTo(40);
        assertThat(run.stats().stages().get(0).chunks()).isEqualTo(40);
      }
    }
  }
}
