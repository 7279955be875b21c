package dev.kopi.image.decode;

/**
 * Reads the EXIF orientation tag (0x0112) from a JPEG's APP1 "Exif" segment: the one piece of EXIF
 * the job needs. Written by hand because it is a few dozen lines of bounds-checked parsing of a
 * TIFF header and one IFD; every offset is checked, so hostile input yields 1 ("normal").
 */
final class Exif {
  private Exif() {}

  /** The orientation, 1 to 8; 1 when absent or unreadable. */
  static int orientation(byte[] b) {
    int i = 2;
    while (i + 4 <= b.length) {
      if ((b[i] & 0xFF) != 0xFF) {
        return 1;
      }
      int marker = b[i + 1] & 0xFF;
      if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
        i += 2;
        continue;
      }
      if (marker == 0xDA || marker == 0xD9) {
        return 1; // start of scan: no EXIF before the image data
      }
      int len = ((b[i + 2] & 0xFF) << 8) | (b[i + 3] & 0xFF);
      if (len < 2 || i + 2 + len > b.length) {
        return 1;
      }
      int seg = i + 4;
      if (marker == 0xE1
          && len >= 8
          && b[seg] == 'E'
          && b[seg + 1] == 'x'
          && b[seg + 2] == 'i'
          && b[seg + 3] == 'f'
          && b[seg + 4] == 0
          && b[seg + 5] == 0) {
        return fromTiff(b, seg + 6, i + 2 + len);
      }
      i += 2 + len;
    }
    return 1;
  }

  private static int fromTiff(byte[] b, int start, int end) {
    if (start + 8 > end) {
      return 1;
    }
    boolean little;
    if (b[start] == 'I' && b[start + 1] == 'I') {
      little = true;
    } else if (b[start] == 'M' && b[start + 1] == 'M') {
      little = false;
    } else {
      return 1;
    }
    long ifd = start + u32(b, start + 4, little);
    if (ifd < start || ifd + 2 > end) {
      return 1;
    }
    int count = u16(b, (int) ifd, little);
    for (int k = 0; k < count; k++) {
      long entry = ifd + 2 + 12L * k;
      if (entry + 12 > end) {
        return 1;
      }
      int e = (int) entry;
      if (u16(b, e, little) == 0x0112) {
        int type = u16(b, e + 2, little);
        int value = type == 3 ? u16(b, e + 8, little) : (int) u32(b, e + 8, little);
        return value >= 1 && value <= 8 ? value : 1;
      }
    }
    return 1;
  }

  private static int u16(byte[] b, int i, boolean little) {
    int x = b[i] & 0xFF;
    int y = b[i + 1] & 0xFF;
    return little ? x | (y << 8) : (x << 8) | y;
  }

  private static long u32(byte[] b, int i, boolean little) {
    long v = 0;
    for (int k = 0; k < 4; k++) {
      int byteAt = b[little ? i + 3 - k : i + k] & 0xFF;
      v = (v << 8) | byteAt;
    }
    return v;
  }
}
