package dev.kopi.image.decode;

/**
 * An 8-bit interleaved image: {@code channels} bytes per pixel (3 = RGB, 4 = RGB + alpha), rows top
 * to bottom, no padding.
 */
public record Pixels(byte[] data, int width, int height, int channels) {
  public Pixels {
    if ((long) width * height * channels != data.length) {
      throw new IllegalArgumentException(
          "data length " + data.length + " != " + width + "x" + height + "x" + channels);
    }
  }

  /**
   * Composites an RGB+alpha image onto an opaque background ({@code 0xRRGGBB}); RGB images are
   * returned as they are.
   */
  public static Pixels compositeOnto(Pixels px, int background) {
    return Rgb.composite(px, background);
  }
}
