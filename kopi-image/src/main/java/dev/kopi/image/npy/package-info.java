/** Writing NumPy {@code .npy} files. */
@NullMarked
package dev.kopi.image.npy;

import org.jspecify.annotations.NullMarked;
