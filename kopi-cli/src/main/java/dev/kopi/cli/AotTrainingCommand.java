package dev.kopi.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code kopi aot-training}, hidden: the workload the {@code ./kopi} launcher runs once per build
 * under {@code -XX:AOTCacheOutput} (JDK 25+), in a scratch directory. The JVM records the classes
 * loaded and the methods' profiles of this one process, and later runs start from them, so the
 * training must take every hot path a real run takes: the image job both with shrink-on-load and
 * with {@code --exact} (they run different loops; profiles of only one make the JIT compile the
 * other's code for the wrong branches, which measured slower than no cache at all).
 */
@Command(
    name = "aot-training",
    hidden = true,
    description = "Internal: the launcher's training run for its start-up cache.")
final class AotTrainingCommand implements Callable<Integer> {
  private static final List<List<String>> RUNS =
      List.of(
          List.of("images", "--demo", "--demo-images", "300", "--no-progress"),
          List.of("images", "--demo", "--demo-images", "300", "--no-progress", "--exact"));

  @Override
  public Integer call() {
    for (List<String> run : RUNS) {
      int code = new CommandLine(new Main()).execute(run.toArray(String[]::new));
      if (code != 0) {
        return code;
      }
    }
    return 0;
  }
}
