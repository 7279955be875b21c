package dev.kopi.core;

import static dev.kopi.core.Checks.requireArgument;
import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * What a map or pipeline does when the user's function throws for an item.
 *
 * <ul>
 *   <li>{@link #failFast()} (the default): the first failure cancels every outstanding item, stops
 *       pulling input, and is rethrown to the consumer as an {@link ItemFailedException} that names
 *       the item's index and value.
 *   <li>{@link #skip()}: the failure becomes a {@link Result} with status {@link
 *       Result.Status#FAILED} carrying the index, the exception and the number of attempts; the run
 *       goes on.
 *   <li>{@link #retry(int)}: failures that the {@linkplain #retryOn predicate} accepts are retried
 *       with exponential backoff (with jitter) up to {@code maxAttempts} attempts in all; what is
 *       still failing afterwards, or was not retryable, is handled by the fallback policy ({@link
 *       #thenFailFast()} or {@link #thenSkip()}, fail-fast unless set).
 * </ul>
 *
 * <p>A retry waits without holding a worker: the item is re-dispatched after its backoff, so other
 * items proceed meanwhile. Instances are immutable; the {@code with}-style methods return copies.
 *
 * @see MapOptions#errorPolicy(ErrorPolicy)
 */
public final class ErrorPolicy {

  /** The policy's behaviour once an item has finally failed. */
  public enum Mode {
    /** Cancel the rest of the run and rethrow the failure. */
    FAIL_FAST,
    /** Record the failure as a result and go on. */
    SKIP
  }

  private static final ErrorPolicy FAIL_FAST =
      new ErrorPolicy(Mode.FAIL_FAST, 1, Duration.ZERO, 1.0, Duration.ZERO, t -> false);
  private static final ErrorPolicy SKIP =
      new ErrorPolicy(Mode.SKIP, 1, Duration.ZERO, 1.0, Duration.ZERO, t -> false);

  private final Mode mode;
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final double multiplier;
  private final Duration maxBackoff;
  private final Predicate<? super Throwable> retryable;

  private ErrorPolicy(
      Mode mode,
      int maxAttempts,
      Duration initialBackoff,
      double multiplier,
      Duration maxBackoff,
      Predicate<? super Throwable> retryable) {
    this.mode = mode;
    this.maxAttempts = maxAttempts;
    this.initialBackoff = initialBackoff;
    this.multiplier = multiplier;
    this.maxBackoff = maxBackoff;
    this.retryable = retryable;
  }

  /** Cancel the rest and rethrow the first failure (no retries). */
  public static ErrorPolicy failFast() {
    return FAIL_FAST;
  }

  /** Record each failure as a {@link Result.Status#FAILED} result and go on (no retries). */
  public static ErrorPolicy skip() {
    return SKIP;
  }

  /**
   * Retries any {@link Exception} (not {@link Error}) up to {@code maxAttempts} attempts in all,
   * starting with a 100 ms backoff that doubles up to 10 s; then fails fast. Adjust with {@link
   * #backoff}, {@link #retryOn} and {@link #thenSkip()}.
   *
   * @param maxAttempts attempts in all, the first included; at least 1
   * @throws IllegalArgumentException if {@code maxAttempts < 1}
   */
  public static ErrorPolicy retry(int maxAttempts) {
    requireArgument(
        maxAttempts >= 1, "maxAttempts >= 1 required but it was %s", (Object) maxAttempts);
    return new ErrorPolicy(
        Mode.FAIL_FAST,
        maxAttempts,
        Duration.ofMillis(100),
        2.0,
        Duration.ofSeconds(10),
        t -> t instanceof Exception);
  }

  /**
   * Returns a copy with this exponential backoff: the wait before attempt {@code k+1} is {@code
   * initial * multiplier^(k-1)}, capped at {@code max}, with "equal jitter" (a uniformly random
   * value between half of it and all of it) so that retries of many items do not arrive together.
   *
   * @throws IllegalArgumentException if {@code initial} is negative, {@code multiplier < 1} or
   *     {@code max < initial}
   */
  public ErrorPolicy backoff(Duration initial, double multiplier, Duration max) {
    requireNonNull(initial, "initial");
    requireNonNull(max, "max");
    requireArgument(!initial.isNegative(), "initial backoff >= 0 required but it was %s", initial);
    requireArgument(
        multiplier >= 1.0 && Double.isFinite(multiplier),
        "backoff multiplier >= 1 required but it was %s",
        multiplier);
    requireArgument(
        max.compareTo(initial) >= 0,
        "max backoff >= initial backoff (%s) required but it was %s",
        initial,
        max);
    return new ErrorPolicy(mode, maxAttempts, initial, multiplier, max, retryable);
  }

  /** Returns a copy that retries only the failures {@code retryable} accepts. */
  public ErrorPolicy retryOn(Predicate<? super Throwable> retryable) {
    requireNonNull(retryable, "retryable");
    return new ErrorPolicy(mode, maxAttempts, initialBackoff, multiplier, maxBackoff, retryable);
  }

  /** Returns a copy that records an item as failed once it has no attempts left. */
  public ErrorPolicy thenSkip() {
    return new ErrorPolicy(
        Mode.SKIP, maxAttempts, initialBackoff, multiplier, maxBackoff, retryable);
  }

  /** Returns a copy that fails the run once an item has no attempts left. */
  public ErrorPolicy thenFailFast() {
    return new ErrorPolicy(
        Mode.FAIL_FAST, maxAttempts, initialBackoff, multiplier, maxBackoff, retryable);
  }

  /** What happens once an item has finally failed. */
  public Mode mode() {
    return mode;
  }

  /** Attempts in all, the first included; 1 means no retries. */
  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * Whether an item that failed with {@code error} on attempt {@code attempt} (1-based) is tried
   * again. A predicate that throws is treated as "not retryable".
   */
  boolean shouldRetry(Throwable error, int attempt) {
    if (attempt >= maxAttempts) {
      return false;
    }
    try {
      return retryable.test(error);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The backoff before attempt {@code attempt + 1}, before jitter, in nanoseconds. */
  long backoffNanos(int attempt) {
    double nanos = initialBackoff.toNanos() * Math.pow(multiplier, Math.max(0, attempt - 1));
    return (long) Math.min(nanos, (double) maxBackoff.toNanos());
  }

  @Override
  public String toString() {
    if (maxAttempts == 1) {
      return mode == Mode.SKIP ? "skip" : "fail-fast";
    }
    return String.format(
        java.util.Locale.ROOT,
        "retry(maxAttempts=%d, backoff=%s*%s^k<=%s, then %s)",
        maxAttempts,
        initialBackoff,
        multiplier,
        maxBackoff,
        mode == Mode.SKIP ? "skip" : "fail-fast");
  }
}
