package dev.kopi.cli.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The demo's toy work: arithmetic that keeps a core busy for a set time, and sleeps that stand in
 * for network latency. Both return a value that depends on all the work done, and the demo sums and
 * prints those values, so the JIT cannot drop the work as dead code (as JMH's blackholes prevent).
 */
final class Workloads {
  /** One input item: its index, the seed of its arithmetic, and its simulated I/O latency. */
  record Item(int index, long seed, long ioNanos) {}

  private static final long CALIBRATION_ROUNDS = 5;
  private static final Duration CALIBRATION_SAMPLE = Duration.ofMillis(40);

  // Written, never read: a volatile write the JIT must perform keeps the calibration honest.
  @SuppressWarnings("unused")
  private static volatile long sink;

  private Workloads() {}

  /**
   * {@code count} items from {@code seed}: each gets its own arithmetic seed and an I/O latency
   * drawn uniformly from 50 % to 150 % of {@code ioNanos}, so the mean latency is {@code ioNanos}.
   */
  static List<Item> items(int count, long seed, long ioNanos) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Item> items = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long latency = (long) (ioNanos * (0.5 + random.nextDouble()));
      items.add(new Item(i, random.nextLong(), Math.max(1, latency)));
    }
    return List.copyOf(items);
  }

  /**
   * {@code iterations} rounds of a 64-bit linear congruential generator mixed into an accumulator:
   * each round depends on the one before, so the loop cannot be vectorised or folded away, and
   * takes the same time on every run and thread.
   */
  static long spin(long seed, long iterations) {
    long x = seed;
    long acc = 0;
    for (long i = 0; i < iterations; i++) {
      x = x * 6364136223846793005L + 1442695040888963407L;
      acc += Long.rotateLeft(x ^ (x >>> 29), 11);
    }
    return acc ^ x;
  }

  /** Sleeps for the item's latency, as a network call would wait, and returns its "response". */
  static Item fetch(Item item) throws InterruptedException {
    Thread.sleep(Duration.ofNanos(item.ioNanos()));
    return item;
  }

  /** A value that stands for the response of {@link #fetch}, for checksums. */
  static long responseValue(Item item) {
    long z = item.seed() + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * How many {@link #spin} iterations take {@code target} on this machine, on one thread: warms the
   * loop up until the JIT has compiled it, then times several samples and keeps the fastest (the
   * one least disturbed by other processes).
   */
  static long calibrate(Duration target) {
    long iterations = 10_000;
    long seed = 1;
    // Warm up and find a sample size that takes about CALIBRATION_SAMPLE.
    long sampleNanos = CALIBRATION_SAMPLE.toNanos();
    while (true) {
      long t0 = System.nanoTime();
      seed += spin(seed, iterations);
      long elapsed = System.nanoTime() - t0;
      if (elapsed >= sampleNanos) {
        break;
      }
      iterations *= 2;
    }
    long best = Long.MAX_VALUE;
    for (int round = 0; round < CALIBRATION_ROUNDS; round++) {
      long t0 = System.nanoTime();
      seed += spin(seed, iterations);
      best = Math.min(best, System.nanoTime() - t0);
    }
    sink = seed;
    double perNano = (double) iterations / Math.max(1, best);
    return Math.max(1, Math.round(perNano * target.toNanos()));
  }
}
