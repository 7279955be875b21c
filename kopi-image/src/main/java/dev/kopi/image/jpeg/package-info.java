/**
 * kopi's own JPEG decoder: baseline, extended sequential and progressive Huffman JPEG, decoded
 * straight to 1/1, 1/2, 1/4 or 1/8 of the stored size in the DCT domain ("shrink-on-load", what
 * libjpeg-turbo does for Pillow's {@code draft()}), with libjpeg-turbo's integer arithmetic so its
 * pixels agree with Pillow's. Pure Java, bounded by the header's dimensions, and strict about
 * damage. Variants it does not implement (arithmetic coding, 12-bit, lossless, hierarchical) are
 * declined with {@link dev.kopi.image.jpeg.JpegException.Kind#UNSUPPORTED} so that the caller can
 * fall back to another decoder.
 */
@NullMarked
package dev.kopi.image.jpeg;

import org.jspecify.annotations.NullMarked;
