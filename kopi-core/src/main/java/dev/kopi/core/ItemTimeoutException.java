package dev.kopi.core;

import java.util.Locale;

/** Records that an item outlived its soft timeout (see {@link MapOptions#itemTimeout}). */
public final class ItemTimeoutException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ItemTimeoutException(long index, long timeoutNanos) {
    super(
        String.format(
            Locale.ROOT,
            "item %d still running after the item timeout of %.3f s",
            index,
            timeoutNanos / 1e9),
        null,
        false,
        false);
  }
}
