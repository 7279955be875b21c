package dev.kopi.image;

/** One item could not become a row: its {@link ItemStatus} and the reason, for the index. */
public final class ItemException extends Exception {
  private static final long serialVersionUID = 1L;
  private final ItemStatus status;

  public ItemException(ItemStatus status, String reason) {
    super(reason, null, false, false);
    this.status = status;
  }

  public ItemException(ItemStatus status, String reason, Throwable cause) {
    super(reason, cause, false, false);
    this.status = status;
  }

  public ItemStatus status() {
    return status;
  }

  /** The reason, for the index: what is wrong, and where it helps, what to do. */
  public String reason() {
    return String.valueOf(getMessage());
  }
}
