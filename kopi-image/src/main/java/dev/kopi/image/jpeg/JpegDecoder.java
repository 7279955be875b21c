package dev.kopi.image.jpeg;

import java.util.Locale;

/**
 * Decodes a JPEG straight to RGB at 1/1, 1/2, 1/4 or 1/8 of its stored size.
 *
 * <p>Handles baseline and extended sequential (SOF0, SOF1) and progressive (SOF2) Huffman JPEG with
 * 8-bit samples; one (grey), three (YCbCr or RGB) or four (CMYK or Adobe YCCK) components; every
 * integral sampling factor; restart intervals. The arithmetic follows libjpeg-turbo (integer IDCTs,
 * component scaling, fancy upsampling, colour tables) and the colour handling follows Pillow
 * ({@code convert("RGB")} of the mode Pillow would open), so that the result matches {@code
 * Image.open(p); p.draft("RGB", ...); p.convert("RGB")}.
 *
 * <p>The header is read first: dimensions are checked against the caller's pixel limit, and the
 * scale chosen, before any entropy-coded data is touched. Damage is reported, not painted over:
 * data that ends early is {@link JpegException.Kind#TRUNCATED}, damaged entropy data or an
 * impossible structure is {@link JpegException.Kind#CORRUPT}, and work is bounded by the header's
 * dimensions on any input. Thread-safe: every call has its own state.
 */
public final class JpegDecoder {
  /** Zig-zag order: {@code NATURAL[k]} is the natural (row-major) index of the k-th coefficient. */
  static final int[] NATURAL = {
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63
  };

  /** Chooses the scale denominator (1, 2, 4 or 8) from the stored width and height. */
  @FunctionalInterface
  public interface ScalePicker {
    int denominator(int width, int height);
  }

  /**
   * A decoded image.
   *
   * @param rgb interleaved 8-bit RGB, {@code width * height * 3} bytes
   * @param width the decoded width: the stored width divided by {@code scale}, rounded up
   * @param height the decoded height
   * @param storedWidth the width the header declares
   * @param storedHeight the height the header declares
   * @param scale the denominator the image was decoded at
   * @param mode Pillow's name for the stored colour mode: L, RGB or CMYK
   */
  public record Image(
      byte[] rgb,
      int width,
      int height,
      int storedWidth,
      int storedHeight,
      int scale,
      String mode) {}

  private static final int M_SOF0 = 0xC0;
  private static final int M_SOF1 = 0xC1;
  private static final int M_SOF2 = 0xC2;
  private static final int M_DHT = 0xC4;
  private static final int M_DAC = 0xCC;
  private static final int M_SOI = 0xD8;
  private static final int M_EOI = 0xD9;
  private static final int M_SOS = 0xDA;
  private static final int M_DQT = 0xDB;
  private static final int M_DNL = 0xDC;
  private static final int M_DRI = 0xDD;
  private static final int M_APP0 = 0xE0;
  private static final int M_APP14 = 0xEE;

  /** The largest array length every JVM allows. */
  private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

  private final byte[] data;
  private final long maxPixels;
  private final ScalePicker picker;

  private final int[][] quant = new int[4][];
  private final Huffman[] dcTables = new Huffman[4];
  private final Huffman[] acTables = new Huffman[4];

  /**
   * Whether a DC table has a symbol (a difference's size in bits) above 15, which libjpeg refuses
   * when the table is used; the bit reader's "receive" takes at most 16 bits.
   */
  private final boolean[] dcSymbolAbove15 = new boolean[4];

  private int restartInterval;
  private boolean jfif;
  private boolean adobe;
  private int adobeTransform = -1;

  private Component[] components = new Component[0];
  private boolean progressive;
  private boolean frameSeen;
  private int width;
  private int height;
  private int scale;
  private int hMax;
  private int vMax;
  private int mcusX;
  private int mcusY;
  private int scans;

  private final int[] block = new int[64];
  private final int[] workspace = new int[64];

  private JpegDecoder(byte[] data, long maxPixels, ScalePicker picker) {
    this.data = data;
    this.maxPixels = maxPixels;
    this.picker = picker;
  }

  /**
   * Decodes {@code data}, a whole JPEG file.
   *
   * @param maxPixels images whose header declares more pixels are refused ({@link
   *     JpegException.Kind#TOO_MANY_PIXELS}) before any pixel is decoded
   * @param picker given the stored size, returns the scale denominator: 1, 2, 4 or 8
   * @throws JpegException when the file is damaged, too large, or a variant this decoder declines
   */
  public static Image decode(byte[] data, long maxPixels, ScalePicker picker) throws JpegException {
    return new JpegDecoder(data, maxPixels, picker).run();
  }

  private Image run() throws JpegException {
    if (data.length < 2 || (data[0] & 0xFF) != 0xFF || (data[1] & 0xFF) != M_SOI) {
      throw JpegException.corrupt("not a JPEG file: it does not start with the SOI marker");
    }
    int pos = 2;
    while (true) {
      pos = nextMarker(pos);
      int marker = data[pos + 1] & 0xFF;
      pos += 2;
      switch (marker) {
        case M_SOF0, M_SOF1, M_SOF2 -> pos = readFrame(pos, marker == M_SOF2);
        case 0xC3, 0xC5, 0xC6, 0xC7 ->
            throw JpegException.unsupported(
                "lossless or hierarchical JPEG (SOF" + (marker - 0xC0) + ")");
        case 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF, M_DAC ->
            throw JpegException.unsupported("arithmetic-coded JPEG");
        case M_DHT -> pos = readHuffmanTables(pos);
        case M_DQT -> pos = readQuantTables(pos);
        case M_DRI -> pos = readRestartInterval(pos);
        case M_SOS -> pos = readScan(pos);
        case M_EOI -> {
          return finish();
        }
        case M_DNL -> throw JpegException.unsupported("a DNL marker (height given after the data)");
        case M_SOI -> throw JpegException.corrupt("corrupt JPEG: a second SOI marker");
        case 0x01 -> {} // TEM: no payload
        default -> {
          if (marker >= 0xD0 && marker <= 0xD7) {
            throw JpegException.corrupt(
                "corrupt JPEG: a restart marker (RST" + (marker - 0xD0) + ") outside image data");
          }
          int end = segmentEnd(pos);
          if (marker == M_APP0) {
            jfif |= startsWith(pos + 2, end, "JFIF\0");
          } else if (marker == M_APP14 && startsWith(pos + 2, end, "Adobe") && end - pos >= 14) {
            adobe = true;
            adobeTransform = data[pos + 13] & 0xFF;
          }
          pos = end;
        }
      }
    }
  }

  /** Finds the marker at {@code pos}, allowing fill bytes; returns the position of its 0xFF. */
  private int nextMarker(int pos) throws JpegException {
    if (pos >= data.length) {
      throw JpegException.truncated(
          frameSeen
              ? "the file ends before the JPEG end marker; it was probably cut off"
              : "the file ends before the image data; it was probably cut off");
    }
    if ((data[pos] & 0xFF) != 0xFF) {
      throw JpegException.corrupt(
          String.format(
              Locale.ROOT,
              "corrupt JPEG: expected a marker at byte %d, found 0x%02X",
              pos,
              data[pos]));
    }
    while (pos + 1 < data.length && (data[pos + 1] & 0xFF) == 0xFF) {
      pos++; // fill bytes
    }
    if (pos + 1 >= data.length) {
      throw JpegException.truncated("the file ends inside a marker; it was probably cut off");
    }
    return pos;
  }

  /** The end of the segment whose length field is at {@code pos}. */
  private int segmentEnd(int pos) throws JpegException {
    if (pos + 2 > data.length) {
      throw JpegException.truncated(
          "the file ends inside a header segment; it was probably cut off");
    }
    int len = u16(pos);
    if (len < 2) {
      throw JpegException.corrupt("corrupt JPEG: a segment declares a length of " + len);
    }
    if (pos + len > data.length) {
      throw JpegException.truncated(
          "the file ends inside a header segment; it was probably cut off");
    }
    return pos + len;
  }

  private int u16(int pos) {
    return (data[pos] & 0xFF) << 8 | (data[pos + 1] & 0xFF);
  }

  private boolean startsWith(int pos, int end, String tag) {
    if (end - pos < tag.length()) {
      return false;
    }
    for (int i = 0; i < tag.length(); i++) {
      if (data[pos + i] != (byte) tag.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private int readQuantTables(int pos) throws JpegException {
    int end = segmentEnd(pos);
    int p = pos + 2;
    while (p < end) {
      int pq = (data[p] & 0xFF) >>> 4;
      int tq = data[p] & 15;
      p++;
      if (pq > 1 || tq > 3) {
        throw JpegException.corrupt("corrupt JPEG: a quantisation table header is invalid");
      }
      int size = pq == 0 ? 64 : 128;
      if (p + size > end) {
        throw JpegException.corrupt(
            "corrupt JPEG: a quantisation table is longer than its segment");
      }
      int[] table = new int[64];
      for (int k = 0; k < 64; k++) {
        table[NATURAL[k]] = pq == 0 ? data[p + k] & 0xFF : u16(p + 2 * k);
      }
      quant[tq] = table;
      p += size;
    }
    return end;
  }

  private int readHuffmanTables(int pos) throws JpegException {
    int end = segmentEnd(pos);
    int p = pos + 2;
    while (p < end) {
      int tc = (data[p] & 0xFF) >>> 4;
      int th = data[p] & 15;
      if (tc > 1 || th > 3 || p + 17 > end) {
        throw JpegException.corrupt("corrupt JPEG: a Huffman table header is invalid");
      }
      int total = 0;
      for (int i = 1; i <= 16; i++) {
        total += data[p + i] & 0xFF;
      }
      if (total > 256 || p + 17 + total > end) {
        throw JpegException.corrupt("corrupt JPEG: a Huffman table is longer than its segment");
      }
      Huffman h = Huffman.of(tc == 1, data, p + 1, 16 + total);
      if (tc == 0) {
        dcTables[th] = h;
        dcSymbolAbove15[th] = false;
        for (int i = p + 17; i < p + 17 + total; i++) {
          dcSymbolAbove15[th] |= (data[i] & 0xFF) > 15;
        }
      } else {
        acTables[th] = h;
      }
      p += 17 + total;
    }
    return end;
  }

  private int readRestartInterval(int pos) throws JpegException {
    int end = segmentEnd(pos);
    if (end - pos != 4) {
      throw JpegException.corrupt(
          "corrupt JPEG: the restart interval segment has the wrong length");
    }
    restartInterval = u16(pos + 2);
    return end;
  }

  private int readFrame(int pos, boolean isProgressive) throws JpegException {
    if (frameSeen) {
      throw JpegException.corrupt("corrupt JPEG: more than one frame header");
    }
    frameSeen = true;
    progressive = isProgressive;
    int end = segmentEnd(pos);
    if (end - pos < 8) {
      throw JpegException.corrupt("corrupt JPEG: the frame header is too short");
    }
    int precision = data[pos + 2] & 0xFF;
    height = u16(pos + 3);
    width = u16(pos + 5);
    int n = data[pos + 7] & 0xFF;
    if (precision != 8) {
      throw JpegException.unsupported(precision + "-bit JPEG");
    }
    if (height == 0) {
      throw JpegException.unsupported("a JPEG whose height is given after the data (DNL)");
    }
    if (width == 0) {
      throw JpegException.corrupt("corrupt JPEG: the frame header declares a width of 0");
    }
    if (n != 1 && n != 3 && n != 4) {
      throw JpegException.unsupported("a JPEG with " + n + " components");
    }
    if (end - pos != 8 + 3 * n) {
      throw JpegException.corrupt("corrupt JPEG: the frame header has the wrong length");
    }
    long pixels = (long) width * height;
    if (pixels > maxPixels) {
      throw new JpegException(
          JpegException.Kind.TOO_MANY_PIXELS,
          String.format(
              Locale.ROOT,
              "%dx%d = %.1f Mpx, over the limit of %.1f Mpx (--max-pixels)",
              width,
              height,
              pixels / 1e6,
              maxPixels / 1e6));
    }
    components = new Component[n];
    for (int i = 0; i < n; i++) {
      int p = pos + 8 + 3 * i;
      int id = data[p] & 0xFF;
      int h = (data[p + 1] & 0xFF) >>> 4;
      int v = data[p + 1] & 15;
      int tq = data[p + 2] & 0xFF;
      if (h < 1 || h > 4 || v < 1 || v > 4 || tq > 3) {
        throw JpegException.corrupt("corrupt JPEG: a component has invalid sampling factors");
      }
      for (int j = 0; j < i; j++) {
        if (components[j].id == id) {
          throw JpegException.corrupt("corrupt JPEG: two components share the id " + id);
        }
      }
      components[i] = new Component(id, h, v, tq);
      hMax = Math.max(hMax, h);
      vMax = Math.max(vMax, v);
    }
    scale = picker.denominator(width, height);
    if (scale != 1 && scale != 2 && scale != 4 && scale != 8) {
      throw new IllegalArgumentException("scale denominator must be 1, 2, 4 or 8 but was " + scale);
    }
    layOut();
    return end;
  }

  /** Sizes each component's blocks and plane at the chosen scale, as libjpeg-turbo does. */
  private void layOut() throws JpegException {
    int minScaled = 8 / scale;
    mcusX = ceilDiv(width, 8 * hMax);
    mcusY = ceilDiv(height, 8 * vMax);
    for (Component c : components) {
      // Components with less resolution get a larger IDCT, up to 8x8, while that still leaves an
      // integral upsampling ratio: at 1/8 with 4:2:0 the chroma is decoded 2x2, not DC only.
      int ss = minScaled;
      while (ss < 8
          && (hMax * minScaled) % (c.h * ss * 2) == 0
          && (vMax * minScaled) % (c.v * ss * 2) == 0) {
        ss *= 2;
      }
      c.scaled = ss;
      if ((hMax * minScaled) % (c.h * ss) != 0 || (vMax * minScaled) % (c.v * ss) != 0) {
        throw JpegException.unsupported("fractional sampling factors");
      }
      c.blocksPerLine = mcusX * c.h;
      c.blocksPerColumn = mcusY * c.v;
      c.dataBlocksX = ceilDiv(ceilDiv(width * c.h, hMax), 8);
      c.dataBlocksY = ceilDiv(ceilDiv(height * c.v, vMax), 8);
      c.width = (int) ceilDiv((long) width * c.h * ss, (long) hMax * 8);
      c.height = (int) ceilDiv((long) height * c.v * ss, (long) vMax * 8);
      c.stride = c.blocksPerLine * ss;
      long planeSize = (long) c.stride * c.blocksPerColumn * ss;
      long coefficients = (long) c.blocksPerLine * c.blocksPerColumn * c.coefficientsPerBlock();
      if (planeSize > MAX_ARRAY || (progressive && coefficients > MAX_ARRAY)) {
        throw tooLargeForArrays();
      }
    }
    if (3L * ceilDiv(width, scale) * ceilDiv(height, scale) > MAX_ARRAY) {
      throw tooLargeForArrays();
    }
    // Every block costs at least one bit of entropy-coded data (its DC difference, in the first
    // scan that covers it), so a file cannot hold more blocks than eight per byte. Refusing a
    // header that declares more keeps a few hostile bytes from claiming gigabytes below.
    long blocks = 0;
    for (Component c : components) {
      blocks += (long) c.dataBlocksX * c.dataBlocksY;
    }
    if (blocks > 8L * data.length + 1024) {
      throw JpegException.truncated(
          String.format(
              Locale.ROOT,
              "the header declares %dx%d, but the file's %d bytes cannot hold that many blocks;"
                  + " it was probably cut off",
              width,
              height,
              data.length));
    }
    // Allocated once every size is known to fit: a refused frame allocates nothing.
    for (Component c : components) {
      c.plane = new byte[c.stride * c.blocksPerColumn * c.scaled];
      if (progressive) {
        c.coefficients = new short[c.blocksPerLine * c.blocksPerColumn * c.coefficientsPerBlock()];
        if (c.coefficientsPerBlock() == 64) {
          c.nonzero = new long[c.blocksPerLine * c.blocksPerColumn];
        }
      }
    }
  }

  /**
   * Only reachable when the caller's pixel limit allows more than about 700 Mpx: a plane, the
   * coefficients or the output would not fit in a Java array.
   */
  private JpegException tooLargeForArrays() {
    return new JpegException(
        JpegException.Kind.TOO_MANY_PIXELS,
        String.format(
            Locale.ROOT,
            "%dx%d is too large to decode at 1/%d: its buffers would not fit in Java arrays",
            width,
            height,
            scale));
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }

  private int readScan(int pos) throws JpegException {
    if (!frameSeen) {
      throw JpegException.corrupt("corrupt JPEG: image data before the frame header");
    }
    int end = segmentEnd(pos);
    int ns = end - pos > 2 ? data[pos + 2] & 0xFF : 0;
    if (ns < 1 || ns > components.length || end - pos != 6 + 2 * ns) {
      throw JpegException.corrupt("corrupt JPEG: the scan header is invalid");
    }
    Component[] sc = new Component[ns];
    int blocksPerMcu = 0;
    for (int i = 0; i < ns; i++) {
      int p = pos + 3 + 2 * i;
      int id = data[p] & 0xFF;
      Component c = null;
      for (Component f : components) {
        if (f.id == id) {
          c = f;
        }
      }
      for (int j = 0; j < i; j++) {
        if (sc[j] == c) {
          c = null;
        }
      }
      if (c == null) {
        throw JpegException.corrupt("corrupt JPEG: a scan names an unknown or repeated component");
      }
      c.dcTable = (data[p + 1] & 0xFF) >>> 4;
      c.acTable = data[p + 1] & 15;
      if (c.dcTable > 3 || c.acTable > 3) {
        throw JpegException.corrupt("corrupt JPEG: a scan names an invalid Huffman table");
      }
      if (quant[c.quantTable] == null) {
        throw JpegException.corrupt("corrupt JPEG: a quantisation table is used but not defined");
      }
      sc[i] = c;
      blocksPerMcu += c.h * c.v;
    }
    if (ns > 1 && blocksPerMcu > 10) {
      throw JpegException.corrupt("corrupt JPEG: too many blocks in an MCU");
    }
    int q = pos + 3 + 2 * ns;
    int ss = data[q] & 0xFF;
    int se = data[q + 1] & 0xFF;
    int ah = (data[q + 2] & 0xFF) >>> 4;
    int al = data[q + 2] & 15;
    scans++;
    if (scans > 1000) {
      throw JpegException.corrupt("corrupt JPEG: more than 1000 scans");
    }
    BitReader in = new BitReader(data, end, data.length);
    for (Component c : sc) {
      c.pred = 0;
    }
    if (!progressive) {
      for (Component c : sc) {
        requireTables(c, true, true);
      }
      try {
        return new SequentialScan(this, sc, in).run();
      } catch (JpegException e) {
        throw afterOverrun(e, in);
      }
    }
    if (ss > se || se > 63 || (ss == 0 && se != 0) || (ss > 0 && ns != 1) || ah > 13 || al > 13) {
      throw JpegException.corrupt("corrupt JPEG: invalid progressive scan parameters");
    }
    if (ss > 0 && sc[0].scaled == 1) {
      // At this scale only the DC coefficient of this component matters: skip the whole scan.
      return skipScan(end);
    }
    for (Component c : sc) {
      requireTables(c, ss == 0 && ah == 0, ss > 0);
    }
    try {
      return new ProgressiveScan(this, sc, in, ss, se, ah, al).run();
    } catch (JpegException e) {
      throw afterOverrun(e, in);
    }
  }

  /**
   * Past the end of a segment's data the reader supplies zero bits, and the overrun is noticed at
   * the end of the MCU. Decoding those bits can look like damage first (a run of coefficients past
   * the end of a block, a bad refinement size): such an error is the segment ending early, which
   * {@link BitReader#finishSegment} reports (truncated where the file ends). Other errors stand.
   */
  private static JpegException afterOverrun(JpegException e, BitReader in) throws JpegException {
    if (in.overran()) {
      in.finishSegment(); // throws: the data ran out
    }
    return e;
  }

  private void requireTables(Component c, boolean dc, boolean ac) throws JpegException {
    if ((dc && dcTables[c.dcTable] == null) || (ac && acTables[c.acTable] == null)) {
      throw JpegException.unsupported("a scan uses a Huffman table the file does not define");
    }
    if (dc && dcSymbolAbove15[c.dcTable]) {
      throw JpegException.corrupt("corrupt JPEG: a DC Huffman table has a symbol above 15");
    }
  }

  /** The next marker after a scan's entropy-coded data that is not a restart marker. */
  private int skipScan(int p) throws JpegException {
    int n = data.length - 1;
    while (p < n) {
      if (data[p] == (byte) 0xFF) {
        int m = data[p + 1] & 0xFF;
        if (m != 0 && (m < 0xD0 || m > 0xD7) && m != 0xFF) {
          return p;
        }
      }
      p++;
    }
    throw JpegException.truncated("the file ends inside the image data; it was probably cut off");
  }

  // Accessors for the scan decoders, which live in their own classes to keep the hot loops small.

  int restartInterval() {
    return restartInterval;
  }

  int mcusX() {
    return mcusX;
  }

  int mcusY() {
    return mcusY;
  }

  Huffman dcTable(Component c) {
    return dcTables[c.dcTable];
  }

  Huffman acTable(Component c) {
    return acTables[c.acTable];
  }

  int[] quant(Component c) {
    return quant[c.quantTable];
  }

  int[] block() {
    return block;
  }

  int[] workspace() {
    return workspace;
  }

  /** Handles a restart marker: the previous segment must end cleanly, then decoding resumes. */
  static void restart(BitReader in, int expected, Component[] sc) throws JpegException {
    byte[] data = in.data();
    int p = in.finishSegment();
    int m = data[p + 1] & 0xFF;
    while (m == 0xFF && p + 2 < data.length) {
      p++;
      m = data[p + 1] & 0xFF;
    }
    if (m == 0xFF) {
      // Only fill bytes up to the end: the file was cut before the marker itself.
      throw JpegException.truncated("the file ends inside a marker; it was probably cut off");
    }
    if (m != 0xD0 + (expected & 7)) {
      throw JpegException.corrupt(
          String.format(
              Locale.ROOT,
              "corrupt JPEG data: expected restart marker RST%d, found marker 0x%02X",
              expected & 7,
              m));
    }
    in.reset(p + 2);
    for (Component c : sc) {
      c.pred = 0;
    }
  }

  private Image finish() throws JpegException {
    if (scans == 0) {
      throw JpegException.corrupt("corrupt JPEG: the file has no image data");
    }
    if (progressive) {
      for (Component c : components) {
        if (quant[c.quantTable] == null) {
          // Only a component that no scan covered (a scan checks its components' tables): its
          // coefficients are all zero. libjpeg leaves such a component's multipliers at zero, and
          // it comes out as a flat 128; so does ours.
          quant[c.quantTable] = new int[64];
        }
        ProgressiveScan.render(this, c);
      }
    }
    String mode =
        switch (components.length) {
          case 1 -> "L";
          case 3 -> "RGB";
          default -> "CMYK";
        };
    int outW = ceilDiv(width, scale);
    int outH = ceilDiv(height, scale);
    byte[] rgb = ColorOut.render(components, colorSpace(), outW, outH, hMax, vMax, 8 / scale);
    return new Image(rgb, outW, outH, width, height, scale, mode);
  }

  /** libjpeg-turbo's guess of the stored colour space (jdapimin.c), in ColorOut's terms. */
  private ColorOut.Space colorSpace() {
    return switch (components.length) {
      case 1 -> ColorOut.Space.GREY;
      case 3 -> {
        if (jfif) {
          yield ColorOut.Space.YCBCR;
        }
        if (adobe) {
          yield adobeTransform == 0 ? ColorOut.Space.RGB : ColorOut.Space.YCBCR;
        }
        boolean rgbIds =
            components[0].id == 'R' && components[1].id == 'G' && components[2].id == 'B';
        yield rgbIds ? ColorOut.Space.RGB : ColorOut.Space.YCBCR;
      }
      default -> adobe && adobeTransform != 0 ? ColorOut.Space.YCCK : ColorOut.Space.CMYK;
    };
  }
}
