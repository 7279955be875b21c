package dev.kopi.image.jpeg;

/** Why a JPEG could not be decoded; the message is written for the person who owns the file. */
public final class JpegException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The kind of failure. */
  public enum Kind {
    /** The data ends before the image does. */
    TRUNCATED,
    /** The data is damaged or its structure makes no sense. */
    CORRUPT,
    /** A valid JPEG variant this decoder does not implement; another decoder may handle it. */
    UNSUPPORTED,
    /** The header declares more pixels than the caller allows. */
    TOO_MANY_PIXELS
  }

  private final Kind kind;

  JpegException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  static JpegException corrupt(String message) {
    return new JpegException(Kind.CORRUPT, message);
  }

  static JpegException truncated(String message) {
    return new JpegException(Kind.TRUNCATED, message);
  }

  static JpegException unsupported(String message) {
    return new JpegException(Kind.UNSUPPORTED, message);
  }
}
