/** {@code kopi images} and {@code kopi sample}: the image job on the command line. */
@NullMarked
package dev.kopi.cli.images;

import org.jspecify.annotations.NullMarked;
