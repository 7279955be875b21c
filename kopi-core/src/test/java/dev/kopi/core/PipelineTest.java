package dev.kopi.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PipelineTest {

  /** Busy-waits for {@code millis} of wall time: stands in for CPU work of a known duration. */
  static void spinMillis(long millis) {
    long end = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }

  /**
   * An I/O stage (sleeps: total latency L over concurrency c) and a CPU stage (spins: work W on N
   * threads) overlap: the pipeline takes about max(L/c, W/N), not L/c + W/N. The stages are also
   * timed alone in the same test, so machine load affects both sides alike.
   */
  @Test
  void stagesOverlapSoTotalTimeApproachesTheSlowestStage() throws Exception {
    int items = 60;
    long ioMillis = 40;
    long cpuMillis = 8;
    int concurrency = 8;
    List<Integer> in = IntStream.range(0, items).boxed().toList();
    ItemFunction<Integer, Integer> io =
        x -> {
          Thread.sleep(ioMillis);
          return x;
        };
    ItemFunction<Integer, Integer> cpu =
        x -> {
          spinMillis(cpuMillis);
          return x * 2;
        };
    try (Pool ioPool = Pool.io(concurrency);
        Pool cpuPool = Pool.cpu(2)) {
      long t0 = System.nanoTime();
      List<Integer> afterIo = ioPool.map(in, io).values().toList();
      long ioAlone = System.nanoTime() - t0;
      t0 = System.nanoTime();
      List<Integer> afterCpu = cpuPool.map(afterIo, cpu).values().toList();
      long cpuAlone = System.nanoTime() - t0;

      Pipeline<Integer, Integer> p =
          Pipeline.<Integer>start().then("download", ioPool, io).then("decode", cpuPool, cpu);
      t0 = System.nanoTime();
      List<Integer> piped;
      RunStats stats;
      try (MapRun<Integer, Integer> run = p.run(in)) {
        piped = run.values().toList();
        stats = run.stats();
      }
      long together = System.nanoTime() - t0;

      assertThat(piped).isEqualTo(afterCpu);
      // Expected: L/c = 60*40/8 = 300 ms, W/N = 60*8/2 = 240 ms: sum 540 ms, overlap ~300 ms.
      assertThat((double) together)
          .as(
              "pipeline %d ms vs stages alone %d + %d ms",
              together / 1_000_000, ioAlone / 1_000_000, cpuAlone / 1_000_000)
          .isLessThan(0.8 * (ioAlone + cpuAlone));
      assertThat(stats.stages())
          .extracting(RunStats.StageStats::name)
          .containsExactly("download", "decode");
      assertThat(stats.stages()).allSatisfy(s -> assertThat(s.items()).isEqualTo(items));
    }
  }

  @Test
  void itemsKeepTheirIndexAndInputThroughEveryStage() {
    try (Pool a = Pool.io(4);
        Pool b = Pool.cpu(2)) {
      Pipeline<String, String> p =
          Pipeline.<String>start()
              .then("len", a, String::length)
              .thenWithContext(
                  "describe",
                  b,
                  (Integer len, ItemContext ctx) ->
                      ctx.stage() + ":" + ctx.index() + ":" + ctx.input() + ":" + len,
                  StageOptions.defaults().chunkSize(3));
      List<String> words = IntStream.range(0, 500).mapToObj(i -> "w" + i).toList();
      try (MapRun<String, String> run = p.run(words)) {
        List<Result<String, String>> out = run.stream().toList();
        for (int i = 0; i < words.size(); i++) {
          Result<String, String> r = out.get(i);
          assertThat(r.index()).isEqualTo(i);
          assertThat(r.input()).isEqualTo(words.get(i));
          assertThat(r.value())
              .isEqualTo("describe:" + i + ":" + words.get(i) + ":" + words.get(i).length());
          assertThat(r.stage()).isEqualTo("describe");
        }
      }
    }
  }

  @Test
  void aFailureInAnEarlyStageLeavesThePipelineThereUnderSkip() {
    AtomicInteger secondStageCalls = new AtomicInteger();
    try (Pool pool = Pool.cpu(2)) {
      Pipeline<Integer, Integer> p =
          Pipeline.<Integer>start()
              .then(
                  "check",
                  pool,
                  x -> {
                    if (x % 7 == 0) {
                      throw new IllegalArgumentException("multiple of seven: " + x);
                    }
                    return x;
                  },
                  StageOptions.defaults().errorPolicy(ErrorPolicy.skip()))
              .then(
                  "square",
                  pool,
                  x -> {
                    secondStageCalls.incrementAndGet();
                    return x * x;
                  });
      try (MapRun<Integer, Integer> run =
          p.ordered(false).run(IntStream.range(0, 700).boxed().toList())) {
        List<Result<Integer, Integer>> out = run.stream().toList();
        assertThat(out).hasSize(700);
        assertThat(out.stream().filter(r -> !r.isOk()))
            .hasSize(100)
            .allSatisfy(r -> assertThat(r.stage()).isEqualTo("check"));
        assertThat(out.stream().filter(Result::isOk))
            .allSatisfy(r -> assertThat(r.value()).isEqualTo(r.input() * r.input()));
      }
    }
    assertThat(secondStageCalls.get()).isEqualTo(600);
  }

  /** A slow last stage holds back the first: backpressure bounds the items between them. */
  @Test
  void aSlowStageBackPressuresTheOnesBeforeIt() {
    AtomicInteger produced = new AtomicInteger();
    AtomicInteger consumedBySlow = new AtomicInteger();
    AtomicInteger maxGap = new AtomicInteger();
    int stageBound = 16;
    try (Pool fast = Pool.cpu(2);
        Pool slow = Pool.io(1)) {
      Pipeline<Integer, Integer> p =
          Pipeline.<Integer>start()
              .then(
                  "fast",
                  fast,
                  x -> {
                    produced.incrementAndGet();
                    return x;
                  },
                  StageOptions.defaults().maxInFlight(stageBound))
              .then(
                  "slow",
                  slow,
                  x -> {
                    int gap = produced.get() - consumedBySlow.incrementAndGet();
                    maxGap.accumulateAndGet(gap, Math::max);
                    spinMillis(1);
                    return x;
                  },
                  StageOptions.defaults().maxInFlight(4).chunkSize(1));
      try (MapRun<Integer, Integer> run = p.run(IntStream.range(0, 300).boxed().toList())) {
        assertThat(run.values().count()).isEqualTo(300);
      }
    }
    // Items the fast stage produced that the slow one had not yet started: at most the fast
    // stage's own bound plus what the slow stage holds.
    assertThat(maxGap.get()).isLessThanOrEqualTo(stageBound + 4);
  }

  /**
   * The last stage's finished items wait in the ordered sink behind a slow first item; their inputs
   * (here the first stage's big outputs) must not wait with them, or memory grows with the
   * pipeline's window (256 files' bytes in the image job) instead of a stage's bound.
   */
  @Test
  void finishedItemsWaitingInOrderDoNotHoldTheirInputs() throws Exception {
    int n = 12;
    List<WeakReference<byte[]>> inputs = new CopyOnWriteArrayList<>();
    CountDownLatch firstMayFinish = new CountDownLatch(1);
    AtomicInteger finished = new AtomicInteger();
    try (Pool pool = Pool.cpu(2)) {
      Pipeline<Integer, Integer> p =
          Pipeline.<Integer>start()
              .then(
                  "big",
                  pool,
                  x -> {
                    byte[] big = new byte[1 << 20];
                    big[0] = (byte) (int) x;
                    if (x > 0) {
                      inputs.add(new WeakReference<>(big));
                    }
                    return big;
                  },
                  StageOptions.defaults().chunkSize(1))
              .then(
                  "small",
                  pool,
                  (byte[] big) -> {
                    if (big[0] == 0) {
                      firstMayFinish.await();
                    }
                    finished.incrementAndGet();
                    return (int) big[0];
                  },
                  StageOptions.defaults().chunkSize(1));
      try (MapRun<Integer, Integer> run = p.run(IntStream.range(0, n).boxed().toList())) {
        // The consumer drives the run; it waits for the first item while the others finish.
        CompletableFuture<List<Integer>> values =
            CompletableFuture.supplyAsync(() -> run.values().toList());
        try {
          long deadline = System.nanoTime() + 10_000_000_000L;
          while (finished.get() < n - 1 && System.nanoTime() < deadline) {
            Thread.sleep(5);
          }
          assertThat(finished.get()).as("items behind the blocked first one").isEqualTo(n - 1);
          assertThat(inputs).hasSize(n - 1);
          boolean allCleared = false;
          for (int i = 0; i < 50 && !allCleared; i++) {
            System.gc();
            allCleared = inputs.stream().allMatch(r -> r.get() == null);
            if (!allCleared) {
              Thread.sleep(10);
            }
          }
          long held = inputs.stream().filter(r -> r.get() != null).count();
          assertThat(held).as("finished items' inputs still reachable").isZero();
        } finally {
          firstMayFinish.countDown(); // so that a failed assertion does not leave a worker blocked
        }
        assertThat(values.get(10, TimeUnit.SECONDS))
            .containsExactlyElementsOf(IntStream.range(0, n).boxed().toList());
      }
    }
  }

  @Test
  void badArgumentsFailFastWithTheRuleAndTheValue() {
    try (Pool pool = Pool.cpu(1)) {
      Pipeline<Integer, Integer> one = Pipeline.<Integer>start().then("a", pool, x -> x);
      assertThatThrownBy(() -> one.then("a", pool, x -> x))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("stage names must be unique but 'a' is used twice");
      assertThatThrownBy(() -> one.then(" ", pool, x -> x))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("must not be blank");
      assertThatThrownBy(() -> one.maxInFlight(0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("maxInFlight >= 1 required but it was 0");
      assertThatThrownBy(() -> Pipeline.<Integer>start().run(List.of(1)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("at least one stage");
    }
  }

  @Test
  void anItemTimeoutInAStageIsSoft() {
    try (Pool io = Pool.io(4)) {
      Pipeline<Integer, Integer> p =
          Pipeline.<Integer>start()
              .then(
                  "hang",
                  io,
                  x -> {
                    if (x == 2) {
                      Thread.sleep(Duration.ofMinutes(10)); // interrupted by the timeout
                    }
                    return x;
                  },
                  StageOptions.defaults()
                      .itemTimeout(Duration.ofMillis(100))
                      .errorPolicy(ErrorPolicy.skip()));
      try (MapRun<Integer, Integer> run = p.run(List.of(0, 1, 2, 3))) {
        assertThat(run.stream().map(Result::status).toList())
            .containsExactly(
                Result.Status.OK, Result.Status.OK, Result.Status.TIMED_OUT, Result.Status.OK);
      }
    }
  }
}
