package dev.kopi.image.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Runs scripts on the machine's Debian Python ({@code /usr/bin/python3}, where {@code
 * python3-numpy} and {@code python3-pil} install), the reference kopi's output is checked against.
 * {@code .ci/run} installs both, so in CI these checks always run; elsewhere a test calling {@link
 * #require()} is skipped with the reason, never passed silently.
 */
public final class ReferencePython {
  /** Debian's interpreter, or the one the system property {@code kopi.pillow.python} names. */
  public static final Path PYTHON =
      Path.of(System.getProperty("kopi.pillow.python", "/usr/bin/python3"));

  private static volatile @Nullable String unavailable;
  private static volatile String pillowVersion = "unavailable";

  private ReferencePython() {}

  /** Skips the calling test, with the reason, unless numpy and Pillow can be imported. */
  public static void require() {
    String why = unavailable();
    assumeTrue(why.isEmpty(), () -> "reference Python unavailable: " + why);
  }

  /** Why the reference cannot be used, or {@code null} when it can. Probes once per JVM. */
  public static @Nullable String unavailableReason() {
    String why = unavailable();
    return why.isEmpty() ? null : why;
  }

  /** The Pillow version found, or "unavailable". */
  public static String pillowVersion() {
    unavailable();
    return pillowVersion;
  }

  private static String unavailable() {
    String u = unavailable;
    if (u == null) {
      u = probe();
      unavailable = u;
    }
    return u;
  }

  private static String probe() {
    if (!Files.isExecutable(PYTHON)) {
      return PYTHON + " not found (apt-get install python3-numpy python3-pil)";
    }
    try {
      pillowVersion = run("import numpy, PIL; print(PIL.__version__)").strip();
      return "";
    } catch (IOException | RuntimeException e) {
      return "numpy or Pillow missing from "
          + PYTHON
          + " (apt-get install python3-numpy"
          + " python3-pil): "
          + e.getMessage();
    }
  }

  /**
   * Runs {@code script} with {@code args} and returns its standard output.
   *
   * @throws IOException if Python exits non-zero (its standard error is in the message) or does not
   *     finish within five minutes
   */
  public static String run(String script, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), "-c", script));
    cmd.addAll(List.of(args));
    Path err = Files.createTempFile("kopi-python", ".err");
    try {
      Process p =
          new ProcessBuilder(cmd)
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IOException("python timed out");
      }
      if (p.exitValue() != 0) {
        throw new IOException(
            "python exited "
                + p.exitValue()
                + ": "
                + Files.readString(err, StandardCharsets.UTF_8));
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    } finally {
      Files.deleteIfExists(err);
    }
  }
}
