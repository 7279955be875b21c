package dev.kopi.core;

import org.jspecify.annotations.Nullable;

/**
 * Where an item is in a run, as a {@link ContextFunction} sees it. Valid only during the call it
 * was passed to: the engine reuses instances.
 */
public interface ItemContext {
  /** The item's 0-based index in the run's input. */
  long index();

  /** The element of the run's input this item came from (what the first stage received). */
  @Nullable Object input();

  /** 1 for the first call for this item in this stage, 2 for the first retry, and so on. */
  int attempt();

  /** The stage's name ({@code "map"} for a map). */
  String stage();
}
