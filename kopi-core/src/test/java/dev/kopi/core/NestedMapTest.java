package dev.kopi.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Nested CPU maps share one CPU budget: on a 2-thread pool, never more than 2 CPU tasks run at
 * once, however the maps nest, and nesting never deadlocks even though every pool thread ends up
 * waiting for inner work.
 */
class NestedMapTest {
  private static final AtomicInteger RUNNING = new AtomicInteger();
  private static final AtomicInteger MAX_RUNNING = new AtomicInteger();
  private static final java.util.Set<String> THREADS =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Some real CPU work, counted while it runs. */
  private static long spin(int x) {
    THREADS.add(Thread.currentThread().getName());
    int now = RUNNING.incrementAndGet();
    MAX_RUNNING.accumulateAndGet(now, Math::max);
    try {
      long h = x;
      for (int i = 0; i < 20_000; i++) {
        h = h * 6364136223846793005L + 1442695040888963407L;
      }
      return h;
    } finally {
      RUNNING.decrementAndGet();
    }
  }

  @ParameterizedTest(name = "inner pool is the outer pool: {0}")
  @ValueSource(booleans = {true, false})
  void nestedMapsNeverExceedTheBudgetAndDoNotDeadlock(boolean samePool) {
    RUNNING.set(0);
    MAX_RUNNING.set(0);
    THREADS.clear();
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          try (Pool outer = Pool.cpu(2);
              Pool other = Pool.cpu(2)) {
            Pool innerPool = samePool ? outer : other;
            List<Long> sums;
            try (MapRun<Integer, Long> run =
                outer.map(
                    IntStream.range(0, 8).boxed().toList(),
                    x -> {
                      try (MapRun<Integer, Long> inner =
                          innerPool.map(
                              IntStream.range(0, 200).boxed().toList(),
                              NestedMapTest::spin,
                              MapOptions.defaults().chunkSize(5))) {
                        return inner.values().mapToLong(Long::longValue).sum();
                      }
                    },
                    MapOptions.defaults().chunkSize(1))) {
              sums = run.values().toList();
            }
            assertThat(sums).hasSize(8);
          }
        });
    assertThat(MAX_RUNNING.get()).isBetween(1, 2);
    // The inner work ran on the outer pool's two threads only: no threads were multiplied.
    assertThat(THREADS).hasSizeBetween(1, 2);
  }

  @ParameterizedTest(name = "depth {0}")
  @ValueSource(ints = {2, 3})
  void deeplyNestedSubmitAndJoinOnOneThreadCompletes(int depth) {
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          try (Pool pool = Pool.cpu(1)) {
            assertThat(pool.submit(() -> fan(pool, depth)).join()).isEqualTo(1L << (2 * depth));
          }
        });
  }

  /** Each level submits 4 subtasks and waits for them: on one thread, only helping completes. */
  private static long fan(Pool pool, int depth) {
    if (depth == 0) {
      return 1;
    }
    List<java.util.concurrent.CompletableFuture<Long>> parts =
        IntStream.range(0, 4).mapToObj(i -> pool.submit(() -> fan(pool, depth - 1))).toList();
    return parts.stream().mapToLong(java.util.concurrent.CompletableFuture::join).sum();
  }
}
