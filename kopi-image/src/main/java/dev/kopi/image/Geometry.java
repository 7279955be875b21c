package dev.kopi.image;

/**
 * Where a source image goes in the output: the source box to resample (floats, like Pillow's {@code
 * box}), the size it is resampled to, and where that lands in the output frame. Mirrors Pillow's
 * {@code resize} (stretch), {@code ImageOps.fit} (crop) and {@code ImageOps.pad} (pad), including
 * Python's round-half-to-even where Pillow rounds.
 */
record Geometry(
    double x0, double y0, double x1, double y1, int outWidth, int outHeight, int left, int top) {

  static Geometry of(Fit fit, int w, int h, int width, int height) {
    return switch (fit) {
      case STRETCH -> new Geometry(0, 0, w, h, width, height, 0, 0);
      case CROP -> {
        double target = (double) width / height;
        double source = (double) w / h;
        if (source > target) {
          double cw = h * target;
          double x0 = (w - cw) / 2;
          yield new Geometry(x0, 0, x0 + cw, h, width, height, 0, 0);
        }
        double ch = w / target;
        double y0 = (h - ch) / 2;
        yield new Geometry(0, y0, w, y0 + ch, width, height, 0, 0);
      }
      case PAD -> {
        double source = (double) w / h;
        double target = (double) width / height;
        int nw = width;
        int nh = height;
        if (source > target) {
          nh = (int) Math.max(1, Math.rint((double) h / w * width));
        } else if (source < target) {
          nw = (int) Math.max(1, Math.rint((double) w / h * height));
        }
        int left = (int) Math.rint((width - nw) * 0.5);
        int top = (int) Math.rint((height - nh) * 0.5);
        yield new Geometry(0, 0, w, h, nw, nh, left, top);
      }
    };
  }
}
