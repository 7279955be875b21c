package dev.kopi.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The races, run many times with real threads: close against submit, and closing a run against its
 * items completing. Each repetition must end (no hang), lose nothing that was accepted, and leave
 * the pool closable.
 */
class StressTest {

  /** Every submit either is rejected or completes; close returns only after accepted work ran. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"cpu", "io"})
  void closeRacingSubmit(String kind) {
    assertTimeoutPreemptively(
        Duration.ofSeconds(120),
        () -> {
          for (int round = 0; round < 200; round++) {
            Pool pool = kind.equals("cpu") ? Pool.cpu(2) : Pool.io(4);
            AtomicInteger ran = new AtomicInteger();
            List<CompletableFuture<Integer>> accepted = new ArrayList<>();
            AtomicInteger rejected = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            Thread submitter =
                Thread.ofPlatform()
                    .start(
                        () -> {
                          try {
                            go.await();
                          } catch (InterruptedException e) {
                            return;
                          }
                          for (int i = 0; i < 500; i++) {
                            try {
                              CompletableFuture<Integer> f = pool.submit(ran::incrementAndGet);
                              synchronized (accepted) {
                                accepted.add(f);
                              }
                            } catch (RejectedExecutionException e) {
                              rejected.incrementAndGet();
                            }
                          }
                        });
            go.countDown();
            if (round % 2 == 0) {
              Thread.yield();
            }
            pool.close();
            submitter.join();
            int acceptedBeforeClose;
            synchronized (accepted) {
              acceptedBeforeClose = accepted.size();
              for (CompletableFuture<Integer> f : accepted) {
                assertThat(f).succeedsWithin(Duration.ofSeconds(30));
              }
            }
            assertThat(acceptedBeforeClose + rejected.get()).isEqualTo(500);
            assertThat(ran.get()).isEqualTo(acceptedBeforeClose);
          }
        });
  }

  /** Closing a run at a random moment while its items complete never hangs or leaks work. */
  @RepeatedTest(50)
  void closeRacingCompletion() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          try (Pool pool = random.nextBoolean() ? Pool.cpu(2) : Pool.io(8)) {
            int stopAfter = random.nextInt(2_000);
            MapOptions options =
                MapOptions.defaults()
                    .ordered(random.nextBoolean())
                    .maxInFlight(1 + random.nextInt(256))
                    .errorPolicy(
                        random.nextBoolean() ? ErrorPolicy.skip() : ErrorPolicy.failFast());
            try (MapRun<Integer, Integer> run =
                pool.map(IntStream.range(0, 5_000).boxed().toList(), x -> x, options)) {
              int seen = 0;
              while (seen < stopAfter && run.hasNext()) {
                run.next();
                seen++;
              }
              assertThat(seen).as("seed=%d", seed).isEqualTo(stopAfter);
            }
          }
        });
  }

  /** Fail-fast racing completions: the failure always surfaces, once, with its own item. */
  @RepeatedTest(50)
  void failFastRacingCompletion() {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    int bad = random.nextInt(3_000);
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          try (Pool pool = Pool.cpu(2);
              MapRun<Integer, Integer> run =
                  pool.map(
                      IntStream.range(0, 3_000).boxed().toList(),
                      x -> {
                        if (x == bad) {
                          throw new IllegalStateException("bad " + x);
                        }
                        return x;
                      },
                      MapOptions.defaults().ordered(random.nextBoolean()))) {
            try {
              run.values().forEach(x -> {});
              throw new AssertionError("no failure surfaced, seed=" + seed);
            } catch (ItemFailedException e) {
              assertThat(e.index()).as("seed=%d", seed).isEqualTo(bad);
            }
          }
        });
  }
}
