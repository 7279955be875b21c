/**
 * JMH benchmarks for the kopi engine and its JPEG decoder. Never run by CI: they need a quiet
 * machine and minutes of time. Each class says what it measures, against which baseline, and the
 * command that runs it; results and their reading go to {@code docs/performance-engine-draft.md}.
 */
@NullMarked
package dev.kopi.bench;

import org.jspecify.annotations.NullMarked;
