/** Test fixtures for kopi-image. */
@NullMarked
package dev.kopi.image.testing;

import org.jspecify.annotations.NullMarked;
