package dev.kopi.core;

import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import org.jspecify.annotations.Nullable;

/**
 * The input of a run: an iterator, its size if known, what to do when the run is closed, and, for a
 * random-access list, the list itself, which workers then read by index (so the driving thread
 * never touches the items; the list must not change during the run).
 */
record Sources<T extends @Nullable Object>(
    Iterator<? extends T> iterator,
    long size,
    @Nullable Runnable onClose,
    @Nullable List<? extends T> list) {

  static <T extends @Nullable Object> Sources<T> of(
      Iterator<? extends T> iterator, long size, @Nullable Runnable onClose) {
    Objects.requireNonNull(iterator, "items");
    return new Sources<>(iterator, size, onClose, null);
  }

  static <T extends @Nullable Object> Sources<T> of(Iterable<? extends T> items) {
    Objects.requireNonNull(items, "items");
    if (items instanceof List<? extends T> l && items instanceof RandomAccess) {
      return new Sources<>(l.iterator(), l.size(), null, l);
    }
    long size = items instanceof Collection<?> c ? c.size() : -1;
    return new Sources<>(items.iterator(), size, null, null);
  }
}
