/**
 * The {@code kopi} command line: {@link dev.kopi.cli.Main} and its subcommands. This is the only
 * kopi module that prints or exits; everything else reports through return values, exceptions and
 * {@link dev.kopi.core.RunListener}s.
 */
@NullMarked
package dev.kopi.cli;

import org.jspecify.annotations.NullMarked;
