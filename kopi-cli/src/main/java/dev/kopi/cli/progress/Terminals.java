package dev.kopi.cli.progress;

import java.io.Console;
import java.lang.reflect.Method;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Whether progress may be drawn as a bar, that is, whether stderr is most likely an interactive
 * terminal that understands carriage returns and cursor movement.
 *
 * <p>The JDK cannot ask about stderr itself, so the rule is, all of:
 *
 * <ol>
 *   <li>{@code TERM} is set, not empty and not {@code dumb} (rules out most CI runners, Emacs
 *       shells and IDE consoles that do not redraw lines);
 *   <li>{@link System#console()} is non-null (on JDK 21 that already means stdin and stdout are a
 *       terminal);
 *   <li>on JDK 22 and newer, where {@code System.console()} is non-null even when redirected,
 *       {@code Console.isTerminal()} is true (called reflectively, as kopi is compiled for Java
 *       21).
 * </ol>
 *
 * So {@code kopi demo > out.txt} prints plain lines to stderr even when stderr is a terminal: the
 * safe side, since a bar in a file or pipe is garbage.
 */
final class Terminals {
  private Terminals() {}

  /** The rule above for this process. */
  static boolean isInteractive() {
    return isInteractive(System.getenv(), System.console());
  }

  /** The rule above for the given environment and console. */
  static boolean isInteractive(Map<String, String> env, @Nullable Console console) {
    String term = env.get("TERM");
    if (term == null || term.isBlank() || term.equals("dumb")) {
      return false;
    }
    return console != null && isTerminal(console);
  }

  private static boolean isTerminal(Console console) {
    Method isTerminal;
    try {
      isTerminal = Console.class.getMethod("isTerminal");
    } catch (NoSuchMethodException e) {
      return true; // JDK 21: a console exists only when stdin and stdout are a terminal
    }
    try {
      return Boolean.TRUE.equals(isTerminal.invoke(console));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }
}
