package dev.kopi.image.resize;

/**
 * Pillow 9.4's conversions between straight RGBA and premultiplied RGBa, which its {@code resize}
 * applies around every filter but NEAREST so that transparent pixels do not bleed colour. Both are
 * exact integer formulas (checked against Pillow over all 65,536 value and alpha pairs).
 */
final class Alpha {
  private Alpha() {}

  /**
   * Writes {@code in[0, length)}, RGBA pixels, to {@code out} with each colour multiplied by alpha
   * / 255, rounded to nearest; alpha is copied.
   */
  static void premultiply(byte[] in, byte[] out, int length) {
    for (int i = 0; i < length; i += 4) {
      int a = in[i + 3] & 0xff;
      out[i] = (byte) mulDiv255(in[i] & 0xff, a);
      out[i + 1] = (byte) mulDiv255(in[i + 1] & 0xff, a);
      out[i + 2] = (byte) mulDiv255(in[i + 2] & 0xff, a);
      out[i + 3] = (byte) a;
    }
  }

  /**
   * Undoes {@link #premultiply} in place on the {@code pixels} RGBA pixels at {@code offset}: each
   * colour becomes {@code min(255, 255 * c / alpha)}, truncated, except where alpha is 0 or 255,
   * whose pixels are left alone.
   */
  static void unpremultiply(byte[] data, int offset, int pixels) {
    int end = offset + pixels * 4;
    for (int i = offset; i < end; i += 4) {
      int a = data[i + 3] & 0xff;
      if (a != 0 && a != 255) {
        data[i] = (byte) Math.min(255, 255 * (data[i] & 0xff) / a);
        data[i + 1] = (byte) Math.min(255, 255 * (data[i + 1] & 0xff) / a);
        data[i + 2] = (byte) Math.min(255, 255 * (data[i + 2] & 0xff) / a);
      }
    }
  }

  /**
   * {@code round(v * a / 255)} without division, as Pillow's {@code MULDIV255}: one colour sample
   * premultiplied by its alpha, both in 0..255.
   */
  static int mulDiv255(int v, int a) {
    int t = v * a + 128;
    return ((t >> 8) + t) >> 8;
  }
}
