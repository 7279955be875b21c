package dev.kopi.core;

/** kopi-core's only logging: {@link System.Logger}, so the core needs no logging library. */
final class Log {
  private static final System.Logger LOGGER = System.getLogger("dev.kopi.core");

  private Log() {}

  static void warn(String message, Throwable error) {
    LOGGER.log(System.Logger.Level.WARNING, message, error);
  }
}
