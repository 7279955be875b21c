/** Where the image job's inputs come from: a directory, a list of paths, or a CSV. */
@NullMarked
package dev.kopi.image.source;

import org.jspecify.annotations.NullMarked;
