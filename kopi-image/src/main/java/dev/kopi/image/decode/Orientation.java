package dev.kopi.image.decode;

/**
 * Applies an EXIF orientation (1 to 8) so the image is upright, as Pillow's {@code
 * ImageOps.exif_transpose} does: 2 mirror, 3 rotate 180, 4 flip, 5 transpose, 6 rotate 90
 * clockwise, 7 transverse, 8 rotate 90 counter-clockwise.
 */
final class Orientation {
  private Orientation() {}

  static Pixels apply(Pixels p, int orientation) {
    if (orientation <= 1 || orientation > 8) {
      return p;
    }
    int w = p.width();
    int h = p.height();
    int c = p.channels();
    boolean swap = orientation >= 5;
    int ow = swap ? h : w;
    int oh = swap ? w : h;
    byte[] src = p.data();
    byte[] out = new byte[src.length];
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        // (sx, sy): the source pixel shown at (x, y) of the upright image.
        int sx;
        int sy;
        switch (orientation) {
          case 2 -> {
            sx = w - 1 - x;
            sy = y;
          }
          case 3 -> {
            sx = w - 1 - x;
            sy = h - 1 - y;
          }
          case 4 -> {
            sx = x;
            sy = h - 1 - y;
          }
          case 5 -> {
            sx = y;
            sy = x;
          }
          case 6 -> {
            sx = y;
            sy = h - 1 - x;
          }
          case 7 -> {
            sx = w - 1 - y;
            sy = h - 1 - x;
          }
          default -> { // 8
            sx = w - 1 - y;
            sy = x;
          }
        }
        System.arraycopy(src, (sy * w + sx) * c, out, (y * ow + x) * c, c);
      }
    }
    return new Pixels(out, ow, oh, c);
  }
}
