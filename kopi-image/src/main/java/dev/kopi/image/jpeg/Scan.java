package dev.kopi.image.jpeg;

/**
 * Walks one scan's MCUs in order, with its restart intervals: an interleaved scan covers every MCU
 * of the frame, each holding h x v blocks of every component in it; a scan of one component covers
 * just the blocks that hold image data, one block per MCU. Subclasses decode a block.
 */
abstract class Scan {
  final JpegDecoder frame;
  final Component[] components;
  final BitReader in;

  Scan(JpegDecoder frame, Component[] components, BitReader in) {
    this.frame = frame;
    this.components = components;
    this.in = in;
  }

  /** Decodes block ({@code bx}, {@code by}) of component {@code c}. */
  abstract void decodeBlock(Component c, int bx, int by) throws JpegException;

  /** Called after each restart marker, once the predictions are reset. */
  void restarted() {}

  /** Decodes the scan; returns the position of the marker that follows it. */
  final int run() throws JpegException {
    int restartInterval = frame.restartInterval();
    int restarts = 0;
    int mcu = 0;
    boolean single = components.length == 1;
    Component first = components[0];
    int mcusX = single ? first.dataBlocksX : frame.mcusX();
    int mcusY = single ? first.dataBlocksY : frame.mcusY();
    int total = mcusX * mcusY;
    for (int y = 0; y < mcusY; y++) {
      for (int x = 0; x < mcusX; x++) {
        if (single) {
          decodeBlock(first, x, y);
        } else {
          for (Component c : components) {
            for (int v = 0; v < c.v; v++) {
              for (int h = 0; h < c.h; h++) {
                decodeBlock(c, x * c.h + h, y * c.v + v);
              }
            }
          }
        }
        mcu++;
        if (in.padded != 0 && in.overran()) {
          in.finishSegment();
        }
        if (restartInterval > 0 && mcu % restartInterval == 0 && mcu < total) {
          JpegDecoder.restart(in, restarts++, components);
          restarted();
        }
      }
    }
    return in.finishSegment();
  }
}
