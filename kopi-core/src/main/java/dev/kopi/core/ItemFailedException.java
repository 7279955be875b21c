package dev.kopi.core;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Thrown to the consumer of a fail-fast run: the function failed for the item at {@link #index()}
 * (the cause is what it threw), and the rest of the run was cancelled.
 */
public final class ItemFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private static final int MAX_VALUE_CHARS = 200;

  private final long index;
  private final transient @Nullable Object item;
  private final String stage;

  ItemFailedException(long index, @Nullable Object item, String stage, Throwable cause) {
    super(
        String.format(
            Locale.ROOT,
            "item %d (%s) failed in stage '%s': %s",
            index,
            describe(item),
            stage,
            cause),
        cause);
    this.index = index;
    this.item = item;
    this.stage = stage;
  }

  /** The failed item's 0-based index in the input. */
  public long index() {
    return index;
  }

  /** The failed input element (not serialized). */
  public @Nullable Object item() {
    return item;
  }

  /** The stage that failed ({@code "map"} for a map). */
  public String stage() {
    return stage;
  }

  private static String describe(@Nullable Object item) {
    String s;
    try {
      s = String.valueOf(item);
    } catch (RuntimeException e) {
      s = (item == null ? "null" : item.getClass().getName()) + " (toString threw " + e + ")";
    }
    return s.length() <= MAX_VALUE_CHARS ? s : s.substring(0, MAX_VALUE_CHARS) + "...";
  }
}
