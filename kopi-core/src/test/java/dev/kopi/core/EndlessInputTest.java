package dev.kopi.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An endless input through a bounded run stays in constant memory. Each result is a 1 MiB array and
 * 6,000 of them pass through a JVM whose heap is capped at 512 MiB (see this module's Surefire
 * argLine), so a run that kept results, inputs or chunks beyond its bound would die of
 * OutOfMemoryError; and at every step the items read ahead of the consumer stay within the bound.
 */
class EndlessInputTest {
  private static final int MIB = 1 << 20;

  @ParameterizedTest(name = "ordered={0}")
  @ValueSource(booleans = {true, false})
  void endlessInputRunsInConstantMemory(boolean ordered) {
    int bound = 32;
    PoolContractTest.CountingIterator endless =
        new PoolContractTest.CountingIterator(Integer.MAX_VALUE);
    assertThat(Runtime.getRuntime().maxMemory()).isLessThanOrEqualTo(600L * MIB);
    long consumed = 0;
    long checksum = 0;
    try (Pool pool = Pool.cpu(2);
        MapRun<Integer, byte[]> run =
            pool.map(
                endless,
                x -> {
                  byte[] b = new byte[MIB];
                  b[x % MIB] = 1;
                  return b;
                },
                MapOptions.defaults().ordered(ordered).maxInFlight(bound))) {
      while (consumed < 6_000) {
        byte[] b = run.next().value();
        checksum += b.length;
        consumed++;
        assertThat(endless.pulled() - consumed).isLessThanOrEqualTo(bound);
      }
    }
    assertThat(checksum).isEqualTo(6_000L * MIB);
  }

  /**
   * With the default item bound (65,536), slow items are still held back: admission is also bounded
   * in chunks (twice the chunks the workers may have in flight), so a slow consumer of big, slow
   * results never has more than a few of them pending.
   */
  @ParameterizedTest(name = "ordered={0}")
  @ValueSource(booleans = {true, false})
  void slowItemsAreHeldBackByTheChunkBoundToo(boolean ordered) {
    PoolContractTest.CountingIterator endless =
        new PoolContractTest.CountingIterator(Integer.MAX_VALUE);
    int maxPending = 0;
    try (Pool pool = Pool.cpu(2);
        MapRun<Integer, byte[]> run =
            pool.map(
                endless,
                x -> {
                  PipelineTest.spinMillis(1);
                  return new byte[MIB];
                },
                MapOptions.defaults().ordered(ordered))) {
      for (int consumed = 1; consumed <= 150; consumed++) {
        assertThat(run.next().value()).hasSize(MIB);
        PipelineTest.spinMillis(4); // a consumer slower than the workers
        maxPending = (int) Math.max(maxPending, endless.pulled() - consumed);
      }
    }
    // 2 workers x 4 chunks per worker x 2 = 16 chunks of one slow item each.
    assertThat(maxPending).isLessThanOrEqualTo(16);
  }

  @ParameterizedTest(name = "ordered={0}")
  @ValueSource(booleans = {true, false})
  void anEndlessStreamIsClosedWithTheRun(boolean ordered) {
    boolean[] closed = {false};
    Stream<Long> endless = Stream.iterate(0L, x -> x + 1).onClose(() -> closed[0] = true);
    try (Pool pool = Pool.cpu(2);
        MapRun<Long, Long> run =
            pool.map(endless, x -> x * 2, MapOptions.defaults().ordered(ordered))) {
      assertThat(run.values().limit(100_000).count()).isEqualTo(100_000);
      assertThat(closed[0]).isFalse();
    }
    assertThat(closed[0]).isTrue();
  }
}
