package dev.kopi.image.decode;

/**
 * What kopi's own BMP, GIF and TIFF decoders return: {@code pixels} is the image as RGB or RGB +
 * alpha, box-reduced by {@code reduce} (1 for none); {@code width} and {@code height} are the size
 * Pillow gives the image (before reduction); {@code mode} is Pillow's name for its colour mode
 * ("1", "L", "P", "RGB", "RGBA", ...), as the index shows it.
 */
record DecodedImage(Pixels pixels, int width, int height, String mode, int reduce) {}
