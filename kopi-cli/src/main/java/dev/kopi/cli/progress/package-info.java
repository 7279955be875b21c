/**
 * Progress display for kopi runs: a {@link dev.kopi.core.RunListener} that draws a progress bar on
 * a terminal and prints plain periodic lines otherwise.
 */
@NullMarked
package dev.kopi.cli.progress;

import org.jspecify.annotations.NullMarked;
