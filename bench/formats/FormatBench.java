import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per-image decode time of two kopi builds side by side, in one JVM: each build's
 * {@code ImageDecoder} in its own class loader, decoding every file of each list from memory, the
 * two builds alternating within every round (and which goes first alternating between rounds), so
 * that a loaded machine slows both alike. Ratios are the median of per-round ratios.
 *
 * <p>Image I/O finds its plugins through the context class loader: the first build's jar is
 * scanned, so that TwelveMonkeys' readers serve its Image I/O path as they do in its job (the
 * readers Image I/O offers first are printed).
 *
 * <p>Two variants per list: {@code full}, the image decoded to RGB at full size, and {@code ~64px},
 * reduced to about 64 pixels on its shorter side: the decoder is allowed a box factor of {@code
 * min(w, h) / 64}; where it returns the full size (Image I/O's path), the harness box-reduces by
 * that factor afterwards with the same build's {@code Reduce.reduce}, as the job does. The first
 * third of the rounds is warm-up and not reported. A checksum of every result is printed so that
 * nothing is optimised away.
 *
 * <pre>
 * java -XX:+UseSerialGC bench/formats/FormatBench.java BEFORE.jar AFTER.jar ROUNDS LIST...
 * </pre>
 *
 * Each LIST is a text file of image paths, one a line; the jars are {@code kopi-cli/target/kopi.jar}
 * of the two builds.
 */
public class FormatBench {
  /** One build: its ImageDecoder, reached by reflection through its own class loader. */
  static final class Build {
    final String name;
    final Object decoder;
    final Method decode;
    final Object none;
    final Object reduced;
    final Method reduce;

    Build(String name, String jar) throws Exception {
      this.name = name;
      ClassLoader cl =
          new URLClassLoader(
              new URL[] {Path.of(jar).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
      if (name.equals("before")) {
        // Image I/O finds its plugins (TwelveMonkeys') through the context class loader, in one
        // registry the builds share: register the jar's, so its Image I/O path runs as in its job.
        Thread.currentThread().setContextClassLoader(cl);
        javax.imageio.ImageIO.scanForPlugins();
      }
      Class<?> dec = cl.loadClass("dev.kopi.image.decode.ImageDecoder");
      Class<?> red = cl.loadClass("dev.kopi.image.decode.ImageDecoder$Reduction");
      decoder = dec.getConstructor(long.class, boolean.class).newInstance(89_478_485L, true);
      decode = dec.getMethod("decode", byte[].class, boolean.class, red);
      none = red.getField("NONE").get(null);
      reduced =
          java.lang.reflect.Proxy.newProxyInstance(
              cl,
              new Class<?>[] {red},
              (p, m, a) ->
                  switch (m.getName()) {
                    case "maxFactor", "maxBoxFactor" ->
                        Math.max(1, Math.min((Integer) a[0], (Integer) a[1]) / 64);
                    case "hashCode" -> 0;
                    case "equals" -> p == a[0];
                    default -> "reduce to ~64 px";
                  });
      reduce =
          cl.loadClass("dev.kopi.image.resize.Reduce")
              .getMethod("reduce", byte[].class, int.class, int.class, int.class, int.class, int.class);
    }

    /** Decodes every file once; returns a checksum. */
    long run(List<byte[]> files, boolean small) throws Exception {
      long sum = 0;
      for (byte[] f : files) {
        Object d = decode.invoke(decoder, f, false, small ? reduced : none);
        Object px = d.getClass().getMethod("pixels").invoke(d);
        byte[] data = (byte[]) px.getClass().getMethod("data").invoke(px);
        int w = (Integer) px.getClass().getMethod("width").invoke(px);
        int h = (Integer) px.getClass().getMethod("height").invoke(px);
        int scale = (Integer) d.getClass().getMethod("scale").invoke(d);
        int k = Math.max(1, Math.min(w, h) / 64);
        if (small && scale == 1 && k >= 2) {
          data = (byte[]) reduce.invoke(null, data, w, h, 3, k, k);
        }
        sum += data.length + data[data.length / 2];
      }
      return sum;
    }
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println("usage: FormatBench BEFORE.jar AFTER.jar ROUNDS LIST...");
      System.exit(2);
    }
    Build after = new Build("after", args[1]);
    // The before build's plugins are registered last: its Image I/O path runs as in its job.
    Build before = new Build("before", args[0]);
    for (String format : new String[] {"gif", "bmp", "tiff"}) {
      javax.imageio.ImageReader reader = javax.imageio.ImageIO.getImageReadersByFormatName(format).next();
      System.out.println("Image I/O's first reader for " + format + ": " + reader.getClass().getName());
      reader.dispose();
    }
    int rounds = Integer.parseInt(args[2]);
    Map<String, List<byte[]>> lists = new LinkedHashMap<>();
    for (int i = 3; i < args.length; i++) {
      List<byte[]> files = new ArrayList<>();
      for (String line : Files.readAllLines(Path.of(args[i]))) {
        files.add(Files.readAllBytes(Path.of(line)));
      }
      lists.put(Path.of(args[i]).getFileName().toString(), files);
    }
    Map<String, List<double[]>> times = new TreeMap<>();
    long sink = 0;
    for (int r = 0; r < rounds; r++) {
      for (Map.Entry<String, List<byte[]>> e : lists.entrySet()) {
        for (boolean small : new boolean[] {false, true}) {
          Build[] order = r % 2 == 0 ? new Build[] {before, after} : new Build[] {after, before};
          double[] ms = new double[2];
          for (Build b : order) {
            long t0 = System.nanoTime();
            sink += b.run(e.getValue(), small);
            ms[b == before ? 0 : 1] = (System.nanoTime() - t0) / 1e6 / e.getValue().size();
          }
          if (r >= rounds / 3) {
            times.computeIfAbsent(e.getKey() + (small ? " ~64px" : " full"), k -> new ArrayList<>()).add(ms);
          }
        }
      }
    }
    System.out.println("checksum " + sink);
    System.out.println("list, size: before ms/image, after ms/image (medians), before/after (median of per-round ratios, range)");
    for (Map.Entry<String, List<double[]>> e : times.entrySet()) {
      List<Double> b = new ArrayList<>();
      List<Double> a = new ArrayList<>();
      List<Double> ratio = new ArrayList<>();
      for (double[] ms : e.getValue()) {
        b.add(ms[0]);
        a.add(ms[1]);
        ratio.add(ms[0] / ms[1]);
      }
      Collections.sort(b);
      Collections.sort(a);
      Collections.sort(ratio);
      System.out.printf(
          Locale.ROOT,
          "%-14s before %.3f  after %.3f  ratio %.2fx (%.2f-%.2f, %d rounds)%n",
          e.getKey(),
          b.get(b.size() / 2),
          a.get(a.size() / 2),
          ratio.get(ratio.size() / 2),
          ratio.get(0),
          ratio.get(ratio.size() - 1),
          ratio.size());
    }
  }
}
