/** Reading image files, decoding them and converting them to RGB. */
@NullMarked
package dev.kopi.image.decode;

import org.jspecify.annotations.NullMarked;
