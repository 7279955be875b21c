package dev.kopi.core;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of one item of a {@link MapRun}: its index in the input, the input itself, and either
 * the value or the failure.
 *
 * @param <T> the input type
 * @param <R> the value type
 */
public final class Result<T extends @Nullable Object, R extends @Nullable Object> {

  /** How an item ended. */
  public enum Status {
    /** The function returned a value. */
    OK,
    /** The function threw on its last attempt ({@link #error()} says what). */
    FAILED,
    /**
     * The item outlived the soft item timeout ({@link #error()} is a {@link ItemTimeoutException}).
     */
    TIMED_OUT
  }

  private final long index;
  private final T input;
  private final @Nullable R value;
  private final @Nullable Throwable error;
  private final Status status;
  private final int attempts;
  private final String stage;

  Result(
      long index,
      T input,
      @Nullable R value,
      @Nullable Throwable error,
      Status status,
      int attempts,
      String stage) {
    this.index = index;
    this.input = input;
    this.value = value;
    this.error = error;
    this.status = status;
    this.attempts = attempts;
    this.stage = stage;
  }

  /** The item's 0-based position in the input. */
  public long index() {
    return index;
  }

  /** The input element (for a pipeline: the element the first stage received). */
  public T input() {
    return input;
  }

  public Status status() {
    return status;
  }

  /** Whether the status is {@link Status#OK}. */
  public boolean isOk() {
    return status == Status.OK;
  }

  /**
   * The value the function returned ({@code null} only if it returned {@code null}).
   *
   * @throws IllegalStateException if the item did not succeed; the cause is its failure
   */
  // For status OK the field holds exactly what the function returned, so it is an R.
  @SuppressWarnings("NullAway")
  public R value() {
    if (status != Status.OK) {
      throw new IllegalStateException(
          String.format(Locale.ROOT, "item %d has status %s, not OK", index, status), error);
    }
    return value;
  }

  /** The failure, or {@code null} when the status is OK. */
  public @Nullable Throwable error() {
    return error;
  }

  /** How many times the function was called for this item in its last stage (1 without retries). */
  public int attempts() {
    return attempts;
  }

  /** The stage where the item ended: {@code "map"} for a map, else the pipeline stage's name. */
  public String stage() {
    return stage;
  }

  @Override
  public String toString() {
    return status == Status.OK
        ? "Result{#" + index + " OK " + value + '}'
        : "Result{#"
            + index
            + ' '
            + status
            + " in "
            + stage
            + " after "
            + attempts
            + " attempt(s): "
            + error
            + '}';
  }
}
