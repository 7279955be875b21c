package dev.kopi.bench;

import dev.kopi.image.resize.Filter;
import dev.kopi.image.resize.Resampler;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One RGB image resized to 64x64 with Pillow's bicubic filter by {@link Resampler}, on one thread:
 * the resize of the image job, after the decode. {@code source} is the source size: {@code 800x600}
 * is a photo decoded at full size ({@code --exact}), {@code 200x150} one decoded at 1/4 scale (the
 * default's shrink-on-load). The pixels are a smooth gradient with noise, fixed by a seed; the
 * resampler's cost does not depend on them.
 *
 * <p>Run: {@code java -jar kopi-bench/target/benchmarks.jar ResizeBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-XX:+UseSerialGC")
public class ResizeBenchmark {
  @Param({"800x600", "200x150"})
  public String source = "800x600";

  private byte[] pixels = new byte[0];
  private int width;
  private int height;

  @Setup
  public void setUp() {
    String[] wh = source.split("x");
    width = Integer.parseInt(wh[0]);
    height = Integer.parseInt(wh[1]);
    pixels = new byte[width * height * 3];
    Random random = new Random(1);
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (128 + 60 * Math.sin(i * 0.001) + random.nextInt(40));
    }
  }

  @Benchmark
  public byte[] resize() {
    return Resampler.resize(pixels, width, height, 3, 64, 64, Filter.BICUBIC);
  }
}
