package dev.kopi.core;

import org.jspecify.annotations.Nullable;

/**
 * A stage function that also sees where its item came from: its index, the original input, and the
 * attempt number. Same contract as {@link ItemFunction} otherwise.
 *
 * @param <T> the stage's input type
 * @param <R> the stage's result type
 */
@FunctionalInterface
public interface ContextFunction<T extends @Nullable Object, R extends @Nullable Object> {
  R apply(T value, ItemContext context) throws Exception;
}
