package dev.kopi.image;

import org.jspecify.annotations.Nullable;

/**
 * What happened to one item: its status and reason, what the header said, and its pixels when OK.
 * Width, height and mode are 0, 0 and "" when the file could not be read that far.
 */
record ItemOutcome(
    long row,
    ItemStatus status,
    String reason,
    int width,
    int height,
    String mode,
    byte @Nullable [] pixels) {}
