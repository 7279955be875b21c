package dev.kopi.bench;

import dev.kopi.core.Chunking;
import dev.kopi.core.MapOptions;
import dev.kopi.core.MapRun;
import dev.kopi.core.Pool;
import dev.kopi.core.RunStats;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;

/**
 * Not a JMH benchmark: a small harness to look inside one configuration of {@link
 * TrivialItemsBenchmark#kopiOrdered} (or of {@link ChunkingBenchmark}) under a profiler, and to
 * print what the run itself says about its cost ({@link RunStats}) next to the CPU time of the
 * consuming thread, which {@code RunStats} does not see.
 *
 * <p>It repeats {@code pool.map(items, x -> x * 31, options).values()} (summed) for a number of
 * rounds and prints, per round: wall time, worker busy time (inside the function), the engine time
 * kopi accounts for, the CPU time the consuming (driving) thread used, {@code RunStats}'
 * efficiency, and the number of chunks the run used. The last rounds are the warmed-up ones.
 *
 * <p>Run (from the repository root; arguments: items, rounds, chunking {@code auto|N}, ordered
 * {@code true|false}), under JFR:
 *
 * <pre>
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -Xms2g -Xmx2g \
 *     -XX:StartFlightRecording=filename=/tmp/kopi-trivial.jfr,settings=profile \
 *     -cp kopi-bench/target/benchmarks.jar dev.kopi.bench.TrivialItemsProfile 1000000 300 auto true
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/jfr view --width 200 hot-methods /tmp/kopi-trivial.jfr
 * </pre>
 */
public final class TrivialItemsProfile {
  private TrivialItemsProfile() {}

  public static void main(String[] args) {
    int items = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 300;
    String chunking = args.length > 2 ? args[2] : "auto";
    boolean ordered = args.length <= 3 || Boolean.parseBoolean(args[3]);
    MapOptions options =
        (chunking.equals("auto")
                ? MapOptions.defaults().chunking(Chunking.auto())
                : MapOptions.defaults().chunkSize(Integer.parseInt(chunking)))
            .ordered(ordered);

    List<Integer> list = Inputs.boxedRange(items);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sink = 0;
    System.out.printf(
        Locale.ROOT,
        "items=%d rounds=%d options=%s%n%6s %9s %9s %9s %9s %7s %9s %8s%n",
        items,
        rounds,
        options,
        "round",
        "wall ms",
        "busy ms",
        "engine ms",
        "drvCPU ms",
        "effic.",
        "ns/item",
        "chunks");
    try (Pool pool = Pool.cpu(2)) {
      for (int r = 0; r < rounds; r++) {
        long cpu0 = threads.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        MapRun<Integer, Integer> run = pool.map(list, TrivialItemsBenchmark::times31, options);
        sink += run.values().mapToLong(Integer::longValue).sum();
        long wall = System.nanoTime() - t0;
        long driverCpu = threads.getCurrentThreadCpuTime() - cpu0;
        RunStats s = run.stats();
        if (r < 3 || r >= rounds - 5 || r % 50 == 0) {
          System.out.printf(
              Locale.ROOT,
              "%6d %9.2f %9.2f %9.2f %9.2f %7.2f %9.1f %8d%n",
              r,
              wall / 1e6,
              s.busyNanos() / 1e6,
              s.engineNanos() / 1e6,
              driverCpu / 1e6,
              s.efficiency(),
              (double) wall / items,
              s.stages().get(0).chunks());
        }
      }
    }
    System.out.println("checksum " + sink);
  }
}
