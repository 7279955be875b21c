package dev.kopi.image.decode;

import java.util.Locale;

/** What a file's first bytes say it is, and whether its end marker is where it should be. */
enum Format {
  JPEG("JPEG"),
  PNG("PNG"),
  GIF("GIF"),
  BMP("BMP"),
  TIFF("TIFF"),
  WEBP("WebP"),
  OTHER("image");

  final String label;

  Format(String label) {
    this.label = label;
  }

  static Format sniff(byte[] b) {
    if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
      return JPEG;
    }
    if (b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
      return PNG;
    }
    if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F') {
      return GIF;
    }
    if (b.length >= 2 && b[0] == 'B' && b[1] == 'M') {
      return BMP;
    }
    if (b.length >= 4
        && ((b[0] == 'I' && b[1] == 'I' && b[2] == 42 && b[3] == 0)
            || (b[0] == 'M' && b[1] == 'M' && b[2] == 0 && b[3] == 42))) {
      return TIFF;
    }
    if (b.length >= 12
        && b[0] == 'R'
        && b[1] == 'I'
        && b[2] == 'F'
        && b[3] == 'F'
        && b[8] == 'W'
        && b[9] == 'E'
        && b[10] == 'B'
        && b[11] == 'P') {
      return WEBP;
    }
    return OTHER;
  }

  /**
   * Whether the format's end marker is present: JPEG's EOI (FF D9, possibly followed by padding or
   * trailing data, so the last 64 KiB are searched), PNG's complete IEND chunk, GIF's trailer byte
   * (0x3B, possibly followed by padding). Formats without such a marker always pass.
   */
  boolean endMarkerPresent(byte[] b) {
    return switch (this) {
      case JPEG -> {
        int from = Math.max(2, b.length - 65_536);
        for (int i = b.length - 2; i >= from; i--) {
          if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0xD9) {
            yield true;
          }
        }
        yield false;
      }
      case PNG -> {
        // The IEND chunk type followed by its 4-byte CRC (trailing junk after it is tolerated).
        int from = Math.max(8, b.length - 4096);
        for (int i = b.length - 8; i >= from; i--) {
          if (b[i] == 'I' && b[i + 1] == 'E' && b[i + 2] == 'N' && b[i + 3] == 'D') {
            yield true;
          }
        }
        yield false;
      }
      case GIF -> {
        int i = b.length - 1;
        while (i > 6 && b[i] == 0) {
          i--;
        }
        yield b[i] == 0x3B;
      }
      default -> true;
    };
  }

  /** The first bytes as hex and, where printable, as text: for "unsupported format" reasons. */
  static String describeStart(byte[] b) {
    StringBuilder hex = new StringBuilder();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < Math.min(8, b.length); i++) {
      int v = b[i] & 0xFF;
      hex.append(String.format(Locale.ROOT, "%02x ", v));
      text.append(v >= 32 && v < 127 ? (char) v : '.');
    }
    return hex.toString().trim() + " \"" + text + "\"";
  }
}
