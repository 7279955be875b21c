package dev.kopi.core;

import org.jspecify.annotations.Nullable;

/**
 * The per-item work of a map or pipeline stage. It may throw any exception: what happens then is
 * the run's {@link ErrorPolicy}'s business. It is called from worker threads, concurrently for
 * different items, so it must be safe to call that way; it should not mutate its argument (a retry
 * passes the same object again).
 *
 * @param <T> the input type
 * @param <R> the result type
 */
@FunctionalInterface
public interface ItemFunction<T extends @Nullable Object, R extends @Nullable Object> {
  R apply(T item) throws Exception;
}
