/**
 * {@code kopi demo}: the engine on toy CPU-bound and I/O-bound workloads, sequential against
 * parallel, with the speedup model's figures.
 */
@NullMarked
package dev.kopi.cli.demo;

import org.jspecify.annotations.NullMarked;
