package dev.kopi.image.jpeg;

/** One colour component of a frame, and where its decoded samples go. */
final class Component {
  final int id;
  final int h;
  final int v;
  final int quantTable;

  /** Output size of this component's IDCT: 8 at full scale, down to 1 (DC only). */
  int scaled;

  /** Blocks per row and per column, padded to whole MCUs (the plane's size in blocks). */
  int blocksPerLine;

  int blocksPerColumn;

  /** Blocks per row and per column that hold image data (a non-interleaved scan's extent). */
  int dataBlocksX;

  int dataBlocksY;

  /** Samples per row and rows at the decoded scale that hold image data (libjpeg's sizes). */
  int width;

  int height;

  /** Decoded samples at the component's scale, {@code blocksPerLine * scaled} per row. */
  byte[] plane = new byte[0];

  int stride;

  /** Progressive only: the coefficients of every block, 64 per block, or 1 when DC is enough. */
  short[] coefficients = new short[0];

  /**
   * Progressive only, with 64 coefficients per block: per block, bit {@code k} is set once the AC
   * coefficient at zig-zag position {@code k} is nonzero, so that a refinement inside an
   * end-of-band run visits only those instead of testing all 63.
   */
  long[] nonzero = new long[0];

  int dcTable;
  int acTable;
  int pred;

  Component(int id, int h, int v, int quantTable) {
    this.id = id;
    this.h = h;
    this.v = v;
    this.quantTable = quantTable;
  }

  /** Coefficients kept per block in progressive mode. */
  int coefficientsPerBlock() {
    return scaled == 1 ? 1 : 64;
  }
}
