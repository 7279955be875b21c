/** kopi's image job: heterogeneous images to one ML-ready {@code .npy} array. */
@NullMarked
package dev.kopi.image;

import org.jspecify.annotations.NullMarked;
