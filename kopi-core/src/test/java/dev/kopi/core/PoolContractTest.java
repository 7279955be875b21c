package dev.kopi.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract every {@link Pool} keeps, run once per implementation by the small subclasses at the
 * bottom. No test sleeps to synchronise: waits are on latches or on the run itself, with generous
 * timeouts that only fire on a hang.
 */
abstract class PoolContractTest {
  private static final Duration HANG = Duration.ofSeconds(60);

  Pool pool;

  abstract Pool newPool();

  @BeforeEach
  void openPool() {
    pool = newPool();
  }

  @AfterEach
  void closePool() {
    pool.close();
    assertThat(pool.isClosed()).isTrue();
  }

  /** Sizes around the interesting boundaries: empty, one, chunk edges, and large. */
  static Stream<Arguments> shapes() {
    long[] seeds = {1, 2, 3, 42, 2026};
    List<Arguments> out = new ArrayList<>();
    int[] sizes = {0, 1, 2, 7, 8, 9, 63, 64, 65, 1000, 20_000};
    for (int i = 0; i < sizes.length; i++) {
      out.add(Arguments.of(sizes[i], seeds[i % seeds.length]));
    }
    return out.stream();
  }

  /** A chunking chosen from the seed: automatic, or fixed at 1, 3 or 64. */
  static MapOptions optionsFor(long seed, boolean ordered) {
    Random r = new Random(seed);
    MapOptions o = MapOptions.defaults().ordered(ordered);
    return switch (r.nextInt(4)) {
      case 0 -> o;
      case 1 -> o.chunkSize(1);
      case 2 -> o.chunkSize(3);
      default -> o.chunkSize(64).maxInFlight(1 + r.nextInt(500));
    };
  }

  @ParameterizedTest(name = "size={0} seed={1}")
  @MethodSource("shapes")
  void everyInputIsProcessedExactlyOnce(int size, long seed) {
    AtomicIntegerArray calls = new AtomicIntegerArray(Math.max(1, size));
    List<Integer> in = IntStream.range(0, size).boxed().toList();
    MapOptions options = optionsFor(seed, new Random(seed).nextBoolean());
    try (MapRun<Integer, Integer> run =
        pool.map(
            in,
            x -> {
              calls.incrementAndGet(x);
              return x;
            },
            options)) {
      assertThat(run.values().count()).as("seed=%d %s", seed, options).isEqualTo(size);
      assertThat(run.stats().items()).isEqualTo(size);
      assertThat(run.stats().ok()).isEqualTo(size);
    }
    for (int i = 0; i < size; i++) {
      assertThat(calls.get(i)).as("calls of item %d, seed=%d %s", i, seed, options).isEqualTo(1);
    }
  }

  @ParameterizedTest(name = "size={0} seed={1}")
  @MethodSource("shapes")
  void orderedOutputEqualsSequentialMap(int size, long seed) {
    Random r = new Random(seed);
    List<Long> in = r.longs(size, -1000, 1000).boxed().toList();
    ItemFunction<Long, String> fn = x -> Long.toHexString(x * 7919);
    List<String> expected = in.stream().map(x -> Long.toHexString(x * 7919)).toList();
    MapOptions options = optionsFor(seed, true);
    try (MapRun<Long, String> run = pool.map(in, fn, options)) {
      List<Result<Long, String>> results = run.stream().toList();
      assertThat(results.stream().map(Result::value).toList())
          .as("seed=%d %s", seed, options)
          .isEqualTo(expected);
      for (int i = 0; i < size; i++) {
        assertThat(results.get(i).index()).isEqualTo(i);
        assertThat(results.get(i).input()).isEqualTo(in.get(i));
        assertThat(results.get(i).attempts()).isEqualTo(1);
      }
    }
  }

  @ParameterizedTest(name = "size={0} seed={1}")
  @MethodSource("shapes")
  void unorderedOutputIsAPermutation(int size, long seed) {
    List<Integer> in = IntStream.range(0, size).boxed().toList();
    MapOptions options = optionsFor(seed, false);
    try (MapRun<Integer, Integer> run = pool.map(in, x -> x + 1, options)) {
      List<Integer> out = run.values().toList();
      assertThat(out)
          .as("seed=%d %s", seed, options)
          .containsExactlyInAnyOrderElementsOf(in.stream().map(x -> x + 1).toList());
    }
  }

  @ParameterizedTest(name = "ordered={0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
  void itemsInFlightNeverExceedTheBound(boolean ordered) {
    int bound = 37;
    CountingIterator source = new CountingIterator(5_000);
    AtomicInteger running = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger();
    MapOptions options = MapOptions.defaults().ordered(ordered).maxInFlight(bound);
    long consumed = 0;
    try (MapRun<Integer, Integer> run =
        pool.map(
            source,
            x -> {
              int now = running.incrementAndGet();
              maxRunning.accumulateAndGet(now, Math::max);
              running.decrementAndGet();
              return x;
            },
            options)) {
      while (run.hasNext()) {
        run.next();
        consumed++;
        assertThat(source.pulled() - consumed)
            .as("items pulled but not yet delivered")
            .isLessThanOrEqualTo(bound);
      }
    }
    assertThat(consumed).isEqualTo(5_000);
    assertThat(maxRunning.get()).isLessThanOrEqualTo(pool.parallelism());
  }

  @Test
  void closingEarlyStopsReadingInputAndCancelsQueuedWork() throws Exception {
    CountingIterator source = new CountingIterator(Integer.MAX_VALUE);
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch never = new CountDownLatch(1);
    // Items from 10 on block until interrupted, so once the workers hold them the rest of the
    // window (50 single-item chunks) is still queued when the run is closed.
    MapOptions options = MapOptions.defaults().maxInFlight(50).chunkSize(1).chunksPerWorker(50);
    long pulledAtClose;
    try (MapRun<Integer, Integer> run =
        pool.map(
            source,
            x -> {
              calls.incrementAndGet();
              if (x >= 10) {
                never.await();
              }
              return x;
            },
            options)) {
      for (int i = 0; i < 10; i++) {
        assertThat(run.next().value()).isEqualTo(i);
      }
      pulledAtClose = source.pulled();
    }
    assertThat(pulledAtClose).isBetween(10L + pool.parallelism() + 1, 10L + 50);
    assertThat(source.pulled()).as("nothing read after close").isEqualTo(pulledAtClose);
    pool.close(); // returns once every accepted task ran or was cancelled
    assertThat(calls.get())
        .as("only the items running at the close were ever started")
        .isLessThanOrEqualTo(10 + pool.parallelism());
  }

  @Test
  void breakingOutOfTheLoopStopsReadingInput() {
    CountingIterator source = new CountingIterator(Integer.MAX_VALUE);
    MapRun<Integer, Integer> run = pool.map(source, x -> x, MapOptions.defaults().maxInFlight(20));
    for (Result<Integer, Integer> r : run) {
      if (r.index() == 100) {
        break;
      }
    }
    long pulled = source.pulled();
    assertThat(pulled).isLessThanOrEqualTo(101 + 20);
    // Nobody asks for more, so nothing more is read, even without close().
    assertThat(source.pulled()).isEqualTo(pulled);
    run.close();
  }

  @Test
  void aRunDroppedWithoutCloseIsCancelledWhenCollected() {
    int n = 1_000;
    AtomicInteger started = new AtomicInteger();
    MapOptions options = MapOptions.defaults().chunkSize(1).chunksPerWorker(n).maxInFlight(n);
    dropAfterOneResult(started, n, options);
    // Nothing refers to the run any more: once collected, its Cleaner cancels the queued chunks
    // (about 2 s of work on one thread, far longer than a collection takes).
    System.gc();
    System.gc();
    pool.close();
    assertThat(started.get()).as("items started out of %d", n).isLessThan(n);
  }

  private void dropAfterOneResult(AtomicInteger started, int n, MapOptions options) {
    MapRun<Integer, Integer> run =
        pool.map(
            IntStream.range(0, n).boxed().toList(),
            x -> {
              started.incrementAndGet();
              long end = System.nanoTime() + 2_000_000;
              while (System.nanoTime() < end) {
                Thread.onSpinWait();
              }
              return x;
            },
            options);
    assertThat(run.next().index()).isZero();
  }

  @Test
  void failFastRethrowsTheFirstFailureWithItsIndexAndValue() {
    CountingIterator source = new CountingIterator(100_000);
    MapOptions options = MapOptions.defaults().maxInFlight(64);
    try (MapRun<Integer, Integer> run =
        pool.map(
            source,
            x -> {
              if (x == 500) {
                throw new IOException("disk on fire");
              }
              return x;
            },
            options)) {
      assertThatThrownBy(() -> run.values().forEach(v -> {}))
          .isInstanceOf(ItemFailedException.class)
          .hasMessageContaining("item 500 (500)")
          .hasMessageContaining("disk on fire")
          .hasCauseInstanceOf(IOException.class)
          .satisfies(e -> assertThat(((ItemFailedException) e).index()).isEqualTo(500))
          .satisfies(e -> assertThat(((ItemFailedException) e).item()).isEqualTo(500));
      // The run stays failed and stops reading input.
      assertThatThrownBy(run::hasNext).isInstanceOf(ItemFailedException.class);
      assertThat(source.pulled()).isLessThanOrEqualTo(500 + 64 + 1);
    }
  }

  @Test
  void skipRecordsEachFailureAsAResultAndGoesOn() {
    List<Integer> in = IntStream.range(0, 1000).boxed().toList();
    MapOptions options = MapOptions.defaults().errorPolicy(ErrorPolicy.skip());
    try (MapRun<Integer, Integer> run =
        pool.map(
            in,
            x -> {
              if (x % 10 == 3) {
                throw new IllegalArgumentException("bad " + x);
              }
              return x;
            },
            options)) {
      List<Result<Integer, Integer>> results = run.stream().toList();
      assertThat(results).hasSize(1000);
      for (Result<Integer, Integer> r : results) {
        if (r.index() % 10 == 3) {
          assertThat(r.status()).isEqualTo(Result.Status.FAILED);
          assertThat(r.error()).hasMessage("bad " + r.index());
          assertThat(r.attempts()).isEqualTo(1);
          assertThatThrownBy(r::value).isInstanceOf(IllegalStateException.class);
        } else {
          assertThat(r.isOk()).isTrue();
          assertThat(r.value()).isEqualTo((int) r.index());
        }
      }
      assertThat(run.stats().failed()).isEqualTo(100);
      assertThat(run.stats().ok()).isEqualTo(900);
    }
  }

  @Test
  void retryRetriesOnlyWhatThePredicateAcceptsAndCountsAttempts() {
    int n = 200;
    AtomicIntegerArray calls = new AtomicIntegerArray(n);
    ErrorPolicy policy =
        ErrorPolicy.retry(3)
            .backoff(Duration.ofMillis(1), 2.0, Duration.ofMillis(4))
            .retryOn(e -> e instanceof IOException)
            .thenSkip();
    List<Integer> in = IntStream.range(0, n).boxed().toList();
    try (MapRun<Integer, Integer> run =
        pool.map(
            in,
            x -> {
              int attempt = calls.incrementAndGet(x);
              switch (x % 4) {
                case 1 -> { // transient: fails twice, then works
                  if (attempt < 3) {
                    throw new IOException("flaky " + attempt);
                  }
                }
                case 2 -> throw new IOException("always down"); // exhausts its attempts
                case 3 -> throw new IllegalStateException("not retryable");
                default -> {}
              }
              return x;
            },
            MapOptions.defaults().errorPolicy(policy))) {
      List<Result<Integer, Integer>> results = run.stream().toList();
      assertThat(results).hasSize(n);
      for (Result<Integer, Integer> r : results) {
        int x = r.input();
        switch (x % 4) {
          case 0 -> assertThat(r.attempts()).isEqualTo(1);
          case 1 -> {
            assertThat(r.isOk()).isTrue();
            assertThat(r.attempts()).isEqualTo(3);
          }
          case 2 -> {
            assertThat(r.status()).isEqualTo(Result.Status.FAILED);
            assertThat(r.attempts()).isEqualTo(3);
            assertThat(r.error()).hasMessage("always down");
          }
          default -> {
            assertThat(r.status()).isEqualTo(Result.Status.FAILED);
            assertThat(r.attempts()).isEqualTo(1);
          }
        }
        assertThat(calls.get(x)).isEqualTo(r.attempts());
      }
      assertThat(run.stats().retries()).isEqualTo(n / 4 * 2 + n / 4 * 2);
    }
  }

  @Test
  void retryThenFailFastFailsOnceAttemptsAreExhausted() {
    ErrorPolicy policy = ErrorPolicy.retry(2).backoff(Duration.ZERO, 1.0, Duration.ZERO);
    AtomicInteger calls = new AtomicInteger();
    try (MapRun<Integer, Integer> run =
        pool.map(
            List.of(0, 1, 2),
            x -> {
              if (x == 1) {
                calls.incrementAndGet();
                throw new IOException("nope");
              }
              return x;
            },
            MapOptions.defaults().errorPolicy(policy))) {
      assertThatThrownBy(() -> run.values().toList())
          .isInstanceOf(ItemFailedException.class)
          .hasMessageContaining("item 1");
    }
    assertThat(calls.get()).isEqualTo(2);
  }

  @Test
  void closingARunInterruptsRunningItemsAndNeverStartsQueuedOnes() throws Exception {
    int n = 200;
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger interrupted = new AtomicInteger();
    AtomicInteger startedCount = new AtomicInteger();
    MapRun<Integer, Integer> run =
        pool.map(
            IntStream.range(0, n).boxed().toList(),
            x -> {
              startedCount.incrementAndGet();
              started.countDown();
              try {
                new CountDownLatch(1).await(); // blocks until interrupted
              } catch (InterruptedException e) {
                interrupted.incrementAndGet();
                throw e;
              }
              return x;
            },
            MapOptions.defaults().chunkSize(1).maxInFlight(n));
    java.util.concurrent.atomic.AtomicReference<Throwable> thrown =
        new java.util.concurrent.atomic.AtomicReference<>();
    Thread consumer =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    thrown.set(new AssertionError("hasNext returned " + run.hasNext()));
                  } catch (Throwable t) {
                    thrown.set(t);
                  }
                });
    assertThat(started.await(HANG.toSeconds(), TimeUnit.SECONDS)).isTrue();
    // The consumer thread is blocked inside the run; the run is single-consumer, so stop it by
    // interrupting the consumer, which closes the run (cancelling everything) and throws.
    consumer.interrupt();
    consumer.join(HANG.toMillis());
    assertThat(consumer.isAlive()).isFalse();
    assertThat(thrown.get()).isInstanceOf(java.util.concurrent.CancellationException.class);
    pool.close(); // waits for every accepted task: none may still be blocked
    assertThat(interrupted.get()).isEqualTo(startedCount.get());
    assertThat(startedCount.get()).isLessThanOrEqualTo(pool.parallelism());
  }

  @Test
  void softTimeoutReportsTheItemAndTheRunMovesOn() {
    MapOptions options =
        MapOptions.defaults()
            .chunkSize(4)
            .itemTimeout(Duration.ofMillis(200))
            .errorPolicy(ErrorPolicy.skip());
    List<Integer> in = IntStream.range(0, 12).boxed().toList();
    assertTimeoutPreemptively(
        HANG,
        () -> {
          try (MapRun<Integer, Integer> run =
              pool.map(
                  in,
                  x -> {
                    if (x == 5) {
                      new CountDownLatch(1).await(); // hangs until interrupted
                    }
                    return x * 10;
                  },
                  options)) {
            List<Result<Integer, Integer>> results = run.stream().toList();
            assertThat(results).hasSize(12);
            for (Result<Integer, Integer> r : results) {
              if (r.index() == 5) {
                assertThat(r.status()).isEqualTo(Result.Status.TIMED_OUT);
                assertThat(r.error()).isInstanceOf(ItemTimeoutException.class);
              } else {
                assertThat(r.value()).isEqualTo(r.index() * 10);
              }
            }
            assertThat(run.stats().timedOut()).isEqualTo(1);
          }
        });
  }

  @Test
  void submitComposesAndPropagatesFailure() throws Exception {
    CompletableFuture<Integer> a = pool.submit(() -> 20);
    CompletableFuture<Integer> b = pool.submit(() -> 22);
    assertThat(a.thenCombine(b, Integer::sum).get(HANG.toSeconds(), TimeUnit.SECONDS))
        .isEqualTo(42);
    CompletableFuture<Integer> bad =
        pool.submit(
            () -> {
              throw new IOException("boom");
            });
    assertThatThrownBy(() -> bad.get(HANG.toSeconds(), TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IOException.class);
  }

  @Test
  void asCompletedYieldsInCompletionOrder() throws Exception {
    CompletableFuture<String> slow = new CompletableFuture<>();
    CompletableFuture<String> fast = pool.submit(() -> "fast");
    List<String> order = new ArrayList<>();
    for (CompletableFuture<String> f : Futures.asCompleted(List.of(slow, fast))) {
      order.add(f.join());
      slow.complete("slow"); // only now, so "fast" must have come first
    }
    assertThat(order).containsExactly("fast", "slow");
  }

  @Test
  void asCompletedWithATimeoutThrowsWhenTheDeadlinePasses() {
    CompletableFuture<String> never = new CompletableFuture<>();
    Iterable<CompletableFuture<String>> it =
        Futures.asCompleted(List.of(never), Duration.ofMillis(20));
    assertThatThrownBy(() -> it.iterator().next())
        .isInstanceOf(DeadlineExceededException.class)
        .hasMessageContaining("1 of 1");
  }

  @Test
  void invokeAllCancelsWhatMissesTheDeadline() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    Collection<Callable<String>> tasks =
        List.of(
            () -> "quick",
            () -> {
              never.await();
              return "stuck";
            });
    List<CompletableFuture<String>> out = pool.invokeAll(tasks, Duration.ofMillis(200));
    assertThat(out.get(0).get()).isEqualTo("quick");
    assertThat(out.get(1).isCancelled()).isTrue();
  }

  @Test
  void cancellingASubmittedTaskInterruptsIt() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    CompletableFuture<Void> f =
        pool.submit(
            () -> {
              started.countDown();
              try {
                new CountDownLatch(1).await();
              } catch (InterruptedException e) {
                interrupted.countDown();
              }
              return null;
            });
    assertThat(started.await(HANG.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(f.cancel(true)).isTrue();
    assertThat(interrupted.await(HANG.toSeconds(), TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aClosedPoolRejectsWork() {
    pool.close();
    assertThatThrownBy(() -> pool.submit(() -> 1)).isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(() -> pool.map(List.of(1), x -> x))
        .isInstanceOf(RejectedExecutionException.class);
  }

  @Test
  void closeWaitsForAcceptedWork() {
    AtomicInteger done = new AtomicInteger();
    for (int i = 0; i < 100; i++) {
      pool.submit(
          () -> {
            Thread.onSpinWait();
            return done.incrementAndGet();
          });
    }
    pool.close();
    assertThat(done.get()).isEqualTo(100);
  }

  @Test
  void listenerSeesEveryItemOnTheConsumerThread() {
    List<String> threads = new ArrayList<>();
    AtomicInteger completed = new AtomicInteger();
    AtomicInteger runStarted = new AtomicInteger();
    AtomicInteger runFinished = new AtomicInteger();
    Thread consumer = Thread.currentThread();
    RunListener listener =
        new RunListener() {
          @Override
          public void onRunStarted(long expectedItems) {
            assertThat(expectedItems).isEqualTo(300);
            runStarted.incrementAndGet();
          }

          @Override
          public void onCompleted(Result<?, ?> result) {
            if (Thread.currentThread() != consumer) {
              threads.add(Thread.currentThread().getName());
            }
            completed.incrementAndGet();
          }

          @Override
          public void onRunFinished(RunStats stats) {
            assertThat(stats.items()).isEqualTo(300);
            runFinished.incrementAndGet();
          }
        };
    try (MapRun<Integer, Integer> run =
        pool.map(
            IntStream.range(0, 300).boxed().toList(),
            x -> x,
            MapOptions.defaults().listener(listener))) {
      assertThat(run.values().count()).isEqualTo(300);
    }
    assertThat(threads).isEmpty();
    assertThat(completed.get()).isEqualTo(300);
    assertThat(runStarted.get()).isEqualTo(1);
    assertThat(runFinished.get()).isEqualTo(1);
  }

  @Test
  void listenerHearsOfRetriesAndFinalFailures() {
    List<String> events = new ArrayList<>();
    RunListener listener =
        new RunListener() {
          @Override
          public void onRetried(
              String stage, long index, int attempt, Throwable error, long delayNanos) {
            events.add("retried " + index + " after attempt " + attempt);
          }

          @Override
          public void onFailed(String stage, long index, Throwable error) {
            events.add("failed " + index + " in " + stage + ": " + error.getMessage());
          }
        };
    ErrorPolicy policy = ErrorPolicy.retry(2).backoff(Duration.ZERO, 1, Duration.ZERO).thenSkip();
    try (MapRun<Integer, Integer> run =
        pool.map(
            List.of(0, 1, 2),
            x -> {
              if (x == 1) {
                throw new IOException("down");
              }
              return x;
            },
            MapOptions.defaults().errorPolicy(policy).listener(listener))) {
      assertThat(run.values().toList()).containsExactly(0, 2);
    }
    assertThat(events).containsExactly("retried 1 after attempt 1", "failed 1 in map: down");
  }

  @Test
  void anExceptionFromTheInputIteratorFailsTheRun() {
    java.util.Iterator<Integer> broken =
        new java.util.Iterator<>() {
          int i;

          @Override
          public boolean hasNext() {
            return true;
          }

          @Override
          public Integer next() {
            if (i == 30) {
              throw new IllegalStateException("source broke");
            }
            return i++;
          }
        };
    try (MapRun<Integer, Integer> run = pool.map(broken, x -> x, MapOptions.defaults())) {
      assertThatThrownBy(() -> run.values().toList())
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("source broke");
    }
  }

  /** An endless-capable source that counts what it has handed out. */
  static final class CountingIterator implements java.util.Iterator<Integer> {
    private final int size;
    private final AtomicInteger pulled = new AtomicInteger();

    CountingIterator(int size) {
      this.size = size;
    }

    @Override
    public boolean hasNext() {
      return pulled.get() < size;
    }

    @Override
    public Integer next() {
      return pulled.getAndIncrement();
    }

    long pulled() {
      return pulled.get();
    }
  }
}

class CpuPool1ContractTest extends PoolContractTest {
  @Override
  Pool newPool() {
    return Pool.cpu(1);
  }
}

class CpuPool2ContractTest extends PoolContractTest {
  @Override
  Pool newPool() {
    return Pool.cpu(2);
  }
}

class CpuPool4ContractTest extends PoolContractTest {
  @Override
  Pool newPool() {
    return Pool.cpu(4);
  }
}

class IoPoolContractTest extends PoolContractTest {
  @Override
  Pool newPool() {
    return Pool.io(16);
  }
}
