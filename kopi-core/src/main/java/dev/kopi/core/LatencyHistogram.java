package dev.kopi.core;

/**
 * A log-linear histogram of nanosecond latencies: 8 sub-buckets per power of two, so a reported
 * percentile is within about 9 % of the true value, in a fixed 512 longs whatever the count. Not
 * thread-safe: only the thread driving a run records into it.
 */
final class LatencyHistogram {
  private static final int SUB = 8;
  private static final int SUB_BITS = 3;
  private final long[] counts = new long[64 * SUB];
  private long total;
  private long max;

  /** Records {@code count} items that took {@code nanos} each. */
  void record(long nanos, long count) {
    if (count <= 0) {
      return;
    }
    long v = Math.max(1, nanos);
    counts[bucket(v)] += count;
    total += count;
    max = Math.max(max, v);
  }

  private static int bucket(long v) {
    int log = 63 - Long.numberOfLeadingZeros(v);
    if (log < SUB_BITS) {
      return (int) v;
    }
    int sub = (int) ((v >>> (log - SUB_BITS)) & (SUB - 1));
    return log * SUB + sub;
  }

  /** The smallest value that lands in bucket {@code b}. */
  private static long lowerBound(int b) {
    int log = b / SUB;
    int sub = b % SUB;
    if (log < SUB_BITS) {
      return b;
    }
    return (1L << log) | ((long) sub << (log - SUB_BITS));
  }

  /** The value at quantile {@code q} (0..1): the midpoint of its bucket, capped at the maximum. */
  long quantile(double q) {
    if (total == 0) {
      return 0;
    }
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (int b = 0; b < counts.length; b++) {
      seen += counts[b];
      if (seen >= rank && counts[b] > 0) {
        long lo = lowerBound(b);
        long hi = b + 1 < counts.length ? lowerBound(b + 1) : lo;
        return Math.min(max, lo + (hi - lo) / 2);
      }
    }
    return max;
  }

  RunStats.Latency summary() {
    return new RunStats.Latency(quantile(0.50), quantile(0.90), quantile(0.99), max);
  }
}
