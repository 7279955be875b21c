/**
 * Pillow-compatible resampling of interleaved 8-bit images: {@link dev.kopi.image.resize.Resampler}
 * reproduces {@code PIL.Image.resize} (Pillow 9.4) with each {@link dev.kopi.image.resize.Filter},
 * so that arrays prepared by kopi match those prepared in Python.
 */
@NullMarked
package dev.kopi.image.resize;

import org.jspecify.annotations.NullMarked;
