package dev.kopi.bench;

import java.util.List;
import java.util.Locale;

/**
 * Sanity checks run once per trial, in {@code @Setup}, so that a benchmark never times an engine
 * that returns wrong or missing results.
 */
final class Verify {
  private Verify() {}

  /**
   * Checks that {@code got} holds {@code x * 31} for every {@code x} of {@code input}: in the same
   * order when {@code ordered}, else as a multiset (by count and sum).
   *
   * @throws IllegalStateException naming the first difference
   */
  static void sameResults(List<Integer> input, List<Integer> got, boolean ordered) {
    if (got.size() != input.size()) {
      throw new IllegalStateException(
          String.format(Locale.ROOT, "expected %d results but got %d", input.size(), got.size()));
    }
    long expectedSum = 0;
    long gotSum = 0;
    for (int i = 0; i < input.size(); i++) {
      int expected = input.get(i) * 31;
      int actual = got.get(i);
      if (ordered && expected != actual) {
        throw new IllegalStateException(
            String.format(Locale.ROOT, "result %d: expected %d but got %d", i, expected, actual));
      }
      expectedSum += expected;
      gotSum += actual;
    }
    if (expectedSum != gotSum) {
      throw new IllegalStateException(
          String.format(Locale.ROOT, "results sum to %d, expected %d", gotSum, expectedSum));
    }
  }
}
