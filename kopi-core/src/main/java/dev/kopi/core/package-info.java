/**
 * The kopi engine's public API.
 *
 * <p>Start with {@link dev.kopi.core.Pool}: {@link dev.kopi.core.Pool#cpu()} for CPU-bound work,
 * {@link dev.kopi.core.Pool#io(int)} for blocking I/O on virtual threads. A pool runs single tasks
 * ({@link dev.kopi.core.Pool#submit}), batches with a deadline ({@link
 * dev.kopi.core.Pool#invokeAll}), and lazy streaming maps ({@link dev.kopi.core.Pool#map}); a
 * {@link dev.kopi.core.Pipeline} chains stages on different pools. Everything here is null-marked:
 * parameters and results are non-null unless annotated {@code @Nullable}.
 */
@NullMarked
package dev.kopi.core;

import org.jspecify.annotations.NullMarked;
