package dev.kopi.core;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Argument and state checks whose messages name the rule and the offending value. */
final class Checks {
  private Checks() {}

  /**
   * Throws {@link IllegalArgumentException} with a message such as "maxInFlight >= 1 required but
   * it was 0" when {@code condition} is false.
   */
  static void requireArgument(boolean condition, String template, @Nullable Object... args) {
    if (!condition) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, template, args));
    }
  }

  /** Throws {@link IllegalStateException} when {@code condition} is false. */
  static void requireState(boolean condition, String template, @Nullable Object... args) {
    if (!condition) {
      throw new IllegalStateException(String.format(Locale.ROOT, template, args));
    }
  }

  static int requirePositive(int value, String name) {
    requireArgument(value >= 1, "%s >= 1 required but it was %s", name, value);
    return value;
  }
}
