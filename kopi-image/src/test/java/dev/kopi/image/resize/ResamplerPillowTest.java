package dev.kopi.image.resize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kopi.image.resize.PillowReference.Batch;
import dev.kopi.image.resize.PillowReference.Request;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compares {@link Resampler} with real Pillow over noise and photo-like images of awkward sizes,
 * every filter, grey, RGB and RGBA, downscales by large and small factors, upscales, one-axis
 * resizes and source boxes. All reference resizes come from one Python process started before the
 * tests. Skipped, with the reason, where {@code /usr/bin/python3} lacks PIL or numpy.
 *
 * <p>The agreement required by kopi's contract is at least 99.9 % of samples within ±1 and a mean
 * absolute difference of at most 0.5; this implementation reproduces Pillow 9.4 exactly, and the
 * tests also require that when they run against Pillow 9.4.
 */
class ResamplerPillowTest {
  private static final int[][] SIZES = {{1, 1}, {7, 5}, {64, 64}, {333, 201}, {1000, 750}};
  private static final int[] CHANNELS = {1, 3, 4};

  private static @org.jspecify.annotations.Nullable Batch batch;

  /**
   * Runs every reference resize in one Python process, when Pillow is available; otherwise each
   * test reports itself skipped with the reason (an assumption failing here would make the class
   * report no tests at all, which reads like a pass).
   */
  @BeforeAll
  static void runPillow(@TempDir Path dir) throws Exception {
    if (PillowReference.unavailableReason() == null) {
      List<Request> requests = new ArrayList<>();
      requests.addAll(sizeCases());
      requests.addAll(boxCases());
      batch = PillowReference.run(requests, dir);
    }
  }

  static Stream<Arguments> filtersAndChannels() {
    List<Arguments> args = new ArrayList<>();
    for (Filter f : Filter.values()) {
      for (int c : CHANNELS) {
        args.add(Arguments.of(f, c));
      }
    }
    return args.stream();
  }

  @ParameterizedTest(name = "{0}, {1} channel(s)")
  @MethodSource("filtersAndChannels")
  void matchesPillowResize(Filter filter, int channels, TestReporter reporter) {
    Stats stats = compare(r -> r.filter() == filter && r.channels() == channels && r.box() == null);
    reporter.publishEntry(filter + "/" + channels, stats.toString());
    stats.assertAgreement();
  }

  @ParameterizedTest
  @EnumSource(Filter.class)
  void matchesPillowResizeWithBox(Filter filter, TestReporter reporter) {
    Stats stats = compare(r -> r.filter() == filter && r.box() != null);
    reporter.publishEntry(filter + "/box", stats.toString());
    stats.assertAgreement();
  }

  private static Stats compare(java.util.function.Predicate<Request> which) {
    String reason = PillowReference.unavailableReason();
    assumeTrue(reason == null, () -> "Pillow reference test skipped: " + reason);
    Batch b = java.util.Objects.requireNonNull(batch, "batch");
    Stats stats = new Stats();
    List<Request> requests = b.requests();
    for (int i = 0; i < requests.size(); i++) {
      Request r = requests.get(i);
      if (which.test(r)) {
        stats.add(r, r.kopi(), b.result(i));
      }
    }
    assertThat(stats.cases).as("cases compared").isPositive();
    return stats;
  }

  /** Whole-image resizes: every source size and content, every filter, many target sizes. */
  private static List<Request> sizeCases() {
    List<Request> out = new ArrayList<>();
    long seed = 1;
    for (int channels : CHANNELS) {
      for (int[] size : SIZES) {
        int w = size[0];
        int h = size[1];
        for (String content : new String[] {"noise", "smooth"}) {
          if (w == 1 && content.equals("smooth")) {
            continue;
          }
          byte[] src =
              content.equals("noise")
                  ? TestImages.noise(w, h, channels, seed++)
                  : TestImages.smooth(w, h, channels, seed++);
          List<int[]> targets = new ArrayList<>();
          targets.add(new int[] {64, 64});
          targets.add(new int[] {17, 31});
          targets.add(new int[] {500, 10});
          targets.add(new int[] {1, 1});
          targets.add(new int[] {w, 37}); // vertical pass only
          targets.add(new int[] {29, h}); // horizontal pass only
          if (w <= 333) {
            targets.add(new int[] {Math.max(1, w / 3), 2 * h + 1}); // down in x, up in y
            targets.add(new int[] {2 * w + 1, 2 * h + 1});
          } else {
            targets.add(new int[] {224, 224});
            targets.add(new int[] {999, 751}); // nearly identity, both axes
          }
          // The largest upscale only for two small sources: its outputs are large.
          boolean bigUpscale =
              channels != 4
                  && ((w == 7 && content.equals("smooth")) || (w == 64 && content.equals("noise")));
          if (bigUpscale) {
            targets.add(new int[] {2000, 1500});
          }
          for (Filter filter : Filter.values()) {
            for (int[] t : targets) {
              out.add(new Request(src, w, h, channels, null, t[0], t[1], filter, content));
            }
          }
        }
      }
    }
    return out;
  }

  /** Source boxes: centre crops, fractional boxes, Pillow's crop shortcut, degenerate boxes. */
  private static List<Request> boxCases() {
    List<Request> out = new ArrayList<>();
    long seed = 1000;
    for (int channels : CHANNELS) {
      byte[] noise = TestImages.noise(333, 201, channels, seed++);
      byte[] smooth = TestImages.smooth(333, 201, channels, seed++);
      byte[] large = TestImages.smooth(1000, 750, channels, seed++);
      for (Filter filter : Filter.values()) {
        for (String label : new String[] {"noise", "smooth"}) {
          byte[] src = label.equals("noise") ? noise : smooth;
          addBox(out, src, 333, 201, channels, filter, label, 66, 0, 267, 201, 64, 64);
          addBox(out, src, 333, 201, channels, filter, label, 10.5, 3.25, 300.75, 190.1, 50, 40);
          addBox(out, src, 333, 201, channels, filter, label, 10.5, 3.25, 300.75, 190.1, 400, 300);
          addBox(out, src, 333, 201, channels, filter, label, 10, 20, 74, 84, 64, 64); // a crop
          addBox(out, src, 333, 201, channels, filter, label, 0, 10.5, 333, 150, 333, 64);
          addBox(out, src, 333, 201, channels, filter, label, 1 / 3.0, 2 / 3.0, 332.9, 200.7, 7, 9);
          addBox(out, src, 333, 201, channels, filter, label, 5.5, 7, 5.5, 100, 3, 10); // no width
          addBox(out, src, 333, 201, channels, filter, label, 0, 0, 333, 201, 333, 201);
          addBox(out, src, 333, 201, channels, filter, label, 0.5, 0, 333, 201, 333, 201);
        }
        addBox(out, large, 1000, 750, channels, filter, "smooth", 125, 0, 875, 750, 224, 224);
        addBox(out, large, 1000, 750, channels, filter, "smooth", 0, 93.75, 1000, 656.25, 64, 36);
      }
    }
    return out;
  }

  private static void addBox(
      List<Request> out,
      byte[] src,
      int w,
      int h,
      int channels,
      Filter filter,
      String label,
      double x0,
      double y0,
      double x1,
      double y1,
      int ow,
      int oh) {
    out.add(new Request(src, w, h, channels, new double[] {x0, y0, x1, y1}, ow, oh, filter, label));
  }

  /** Differences between kopi and Pillow over many cases. */
  private static final class Stats {
    int cases;
    long samples;
    long within1;
    long absSum;
    int max;
    String worst = "";

    void add(Request r, byte[] kopi, byte[] pillow) {
      assertThat(kopi).as("length for %s", r).hasSameSizeAs(pillow);
      cases++;
      int caseMax = 0;
      for (int i = 0; i < kopi.length; i++) {
        int d = Math.abs((kopi[i] & 0xff) - (pillow[i] & 0xff));
        absSum += d;
        if (d <= 1) {
          within1++;
        }
        caseMax = Math.max(caseMax, d);
      }
      samples += kopi.length;
      if (caseMax > max) {
        max = caseMax;
        worst = r.toString();
      }
    }

    void assertAgreement() {
      double fraction = (double) within1 / samples;
      double mean = (double) absSum / samples;
      assertThat(fraction)
          .as("share of samples within ±1 (%s)", this)
          .isGreaterThanOrEqualTo(0.999);
      assertThat(mean).as("mean absolute difference (%s)", this).isLessThanOrEqualTo(0.5);
      if (PillowReference.version().startsWith("9.4.")) {
        assertThat(max).as("max absolute difference against Pillow 9.4 (%s)", this).isZero();
      }
    }

    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "%d cases, %d samples, max |diff| %d%s, within ±1 %.5f%%, mean |diff| %.6f",
          cases,
          samples,
          max,
          max == 0 ? "" : " at " + worst,
          100.0 * within1 / samples,
          (double) absSum / samples);
    }
  }
}
