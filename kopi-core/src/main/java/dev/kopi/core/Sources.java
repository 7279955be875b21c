package dev.kopi.core;

import java.util.Iterator;
import org.jspecify.annotations.Nullable;

/** The input of a run: an iterator, its size if known, and what to do when the run is closed. */
record Sources<T extends @Nullable Object>(
    Iterator<? extends T> iterator, long size, @Nullable Runnable onClose) {
  static <T extends @Nullable Object> Sources<T> of(
      Iterator<? extends T> iterator, long size, @Nullable Runnable onClose) {
    java.util.Objects.requireNonNull(iterator, "items");
    return new Sources<>(iterator, size, onClose);
  }
}
