package dev.kopi.bench;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Not a JMH benchmark: whole-image decoding through {@code ImageDecoder} by two builds of
 * kopi-image side by side in one JVM, interleaved, for a before/after figure on a noisy machine
 * (the ratio of each round's two times, A and B alternating which goes first, is steadier than two
 * separate runs). Each build's {@code dev.kopi.image} classes are loaded from its jar by a class
 * loader of their own; everything else (kopi-core, TwelveMonkeys) comes from the class path.
 *
 * <p>It first decodes every file with both and checks the pixels agree, then runs the rounds and
 * prints ms per file for each, each round's ratio, and the medians over the rounds after the first
 * two (warm-up).
 *
 * <p>Run (from the repository root; arguments: a file listing images one per line, {@code full},
 * {@code 1/2}, {@code 1/4} or {@code 1/8} (a JPEG at that scale, other formats at full size) or
 * {@code reduced} (the job's box reduction towards 64x64), rounds, jar A, jar B); for kopi's PNG
 * decoder before and after its own inflater:
 *
 * <pre>
 * git archive e19801c | (mkdir -p /tmp/kopi-before &amp;&amp; tar -x -C /tmp/kopi-before)
 * (cd /tmp/kopi-before &amp;&amp; ./build -q -o -pl kopi-image -am package -DskipTests)
 * ./build -q -pl kopi-bench -am package -DskipTests
 * ls bench/out/corpus-2000/*.png &gt; /tmp/png.txt
 * /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -XX:+UseSerialGC -Xmx2g \
 *     -cp kopi-bench/target/benchmarks.jar dev.kopi.bench.DecodeSideBySide /tmp/png.txt full 12 \
 *     /tmp/kopi-before/kopi-image/target/kopi-image-0.1.0-SNAPSHOT.jar \
 *     kopi-image/target/kopi-image-0.1.0-SNAPSHOT.jar
 * </pre>
 */
public final class DecodeSideBySide {
  private DecodeSideBySide() {}

  /** One build's decoder: {@code ImageDecoder.decode(bytes, false, reduction)} by reflection. */
  private record Build(String name, Object decoder, Object reduction, Method decode) {
    @Nullable Object decode(byte[] file) throws ReflectiveOperationException {
      try {
        return decode.invoke(decoder, file, false, reduction);
      } catch (InvocationTargetException e) {
        if (e.getCause() instanceof Exception failed
            && failed.getClass().getName().equals("dev.kopi.image.ItemException")) {
          return null; // a broken file: the same for both builds, checked below
        }
        throw e;
      }
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 5) {
      throw new IllegalArgumentException(
          "arguments: LIST full|1/2|1/4|1/8|reduced ROUNDS JAR_A JAR_B, but there were "
              + args.length);
    }
    List<byte[]> files = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      if (!line.isBlank()) {
        files.add(Files.readAllBytes(Path.of(line.strip())));
      }
    }
    // 1 for full size, 2, 4 or 8 for a JPEG scale, 0 for the job's reduction towards 64x64.
    int scale =
        switch (args[1]) {
          case "full" -> 1;
          case "1/2" -> 2;
          case "1/4" -> 4;
          case "1/8" -> 8;
          case "reduced" -> 0;
          default ->
              throw new IllegalArgumentException(
                  "full, 1/2, 1/4, 1/8 or reduced required but it was " + args[1]);
        };
    int rounds = Integer.parseInt(args[2]);
    Build[] builds = {load("A", Path.of(args[3]), scale), load("B", Path.of(args[4]), scale)};
    int decoded = 0;
    for (byte[] f : files) {
      Object a = builds[0].decode(f);
      Object b = builds[1].decode(f);
      if ((a == null) != (b == null) || (a != null && !Arrays.equals(pixels(a), pixels(b)))) {
        throw new IllegalStateException("the two builds disagree on a file");
      }
      decoded += a == null ? 0 : 1;
    }
    System.out.printf(
        Locale.ROOT, "%d files, %d decoded, same pixels from A and B%n", files.size(), decoded);
    double[][] ms = new double[2][rounds];
    long sink = 0; // decoded results, so that the decoding cannot be optimised away
    for (int r = 0; r < rounds; r++) {
      for (int k = 0; k < 2; k++) {
        int i = r % 2 == 0 ? k : 1 - k;
        long t0 = System.nanoTime();
        for (byte[] f : files) {
          sink += builds[i].decode(f) == null ? 0 : 1;
        }
        ms[i][r] = (System.nanoTime() - t0) / 1e6 / files.size();
      }
      System.out.printf(
          Locale.ROOT,
          "round %2d: A %.3f  B %.3f ms/file  A/B %.3f%n",
          r,
          ms[0][r],
          ms[1][r],
          ms[0][r] / ms[1][r]);
    }
    int warm = Math.min(2, rounds - 1);
    double[] a = Arrays.copyOfRange(ms[0], warm, rounds);
    double[] b = Arrays.copyOfRange(ms[1], warm, rounds);
    double[] ratio = new double[a.length];
    for (int r = 0; r < a.length; r++) {
      ratio[r] = a[r] / b[r];
    }
    System.out.printf(
        Locale.ROOT,
        "%s: A median %.3f ms/file, B median %.3f ms/file, A/B median %.3f (rounds %.3f to %.3f)%n",
        args[1],
        median(a),
        median(b),
        median(ratio),
        Arrays.stream(ratio).min().orElse(0),
        Arrays.stream(ratio).max().orElse(0));
    if (sink != (long) rounds * 2 * decoded) {
      throw new IllegalStateException("decoded " + sink + " files in the rounds");
    }
  }

  private static Build load(String name, Path jar, int scale) throws Exception {
    ClassLoader loader = new ImageClassesFirst(jar.toUri().toURL());
    Class<?> decoderClass = loader.loadClass("dev.kopi.image.decode.ImageDecoder");
    Class<?> reductionClass = loader.loadClass("dev.kopi.image.decode.ImageDecoder$Reduction");
    Object decoder =
        decoderClass
            .getConstructor(long.class, boolean.class)
            .newInstance(decoderClass.getField("DEFAULT_MAX_PIXELS").get(null), true);
    Object reduction =
        scale == 1
            ? reductionClass.getField("NONE").get(null)
            : Proxy.newProxyInstance(
                loader,
                new Class<?>[] {reductionClass},
                (proxy, method, a) ->
                    switch (method.getName()) {
                      case "hashCode" -> System.identityHashCode(proxy);
                      case "equals" -> a != null && proxy == a[0];
                      case "toString" -> scale == 0 ? "towards 64x64" : "1/" + scale;
                      // A fixed JPEG scale, and no box reduction of the other formats.
                      case "maxFactor" -> scale > 0 ? scale : towards64(a);
                      case "maxBoxFactor" -> scale > 0 ? 1 : towards64(a);
                      default -> throw new UnsupportedOperationException(method.getName());
                    });
    Method decode = decoderClass.getMethod("decode", byte[].class, boolean.class, reductionClass);
    return new Build(name, decoder, reduction, decode);
  }

  /** The job's reduction at 64x64 (maxFactor and maxBoxFactor) for a width and a height. */
  private static int towards64(@Nullable Object[] size) {
    if (size == null) {
      throw new IllegalArgumentException("a width and a height required");
    }
    int width = (Integer) Objects.requireNonNull(size[0]);
    int height = (Integer) Objects.requireNonNull(size[1]);
    return Math.max(1, Math.min(width / 64, height / 64));
  }

  private static byte[] pixels(Object decoded) throws ReflectiveOperationException {
    Object pixels = decoded.getClass().getMethod("pixels").invoke(decoded);
    return (byte[]) pixels.getClass().getMethod("data").invoke(pixels);
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }

  /** Loads {@code dev.kopi.image} classes from its jar first, everything else as usual. */
  private static final class ImageClassesFirst extends URLClassLoader {
    ImageClassesFirst(URL jar) {
      super(new URL[] {jar}, DecodeSideBySide.class.getClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith("dev.kopi.image.")) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          c = findClass(name);
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }
  }
}
