package dev.kopi.image;

import dev.kopi.core.Result;
import dev.kopi.core.RunListener;
import java.nio.file.Path;

/**
 * A child process for the kill tests: runs the job and prints one line per finished item, so the
 * parent can kill it at a chosen point.
 */
public final class JobChild {
  private JobChild() {}

  public static void main(String[] args) throws Exception {
    ImageJobOptions o =
        ImageJobOptions.builder(Path.of(args[0]), Path.of(args[1]))
            .size(32, 24)
            .workers(2)
            .resume(true)
            .build();
    ImageJob.run(
        o,
        new RunListener() {
          @Override
          public void onCompleted(Result<?, ?> result) {
            System.out.println("done " + result.index());
            System.out.flush();
          }
        });
    System.out.println("finished");
  }
}
