package dev.kopi.cli.images;

import dev.kopi.core.RunStats;
import dev.kopi.image.ImageJobOptions;
import dev.kopi.image.ImageJobReport;
import dev.kopi.image.ItemStatus;
import java.util.Locale;

/**
 * The {@code --summary-json} document. Flat and small, so it is written by hand (strings escaped
 * per RFC 8259) rather than pulling a JSON library into the CLI.
 */
final class SummaryJson {
  private SummaryJson() {}

  static String of(ImageJobOptions o, ImageJobReport r) {
    RunStats s = r.stats();
    StringBuilder j = new StringBuilder("{\n");
    field(j, "output", str(r.output().toAbsolutePath().toString()));
    field(j, "index", str(r.index().toAbsolutePath().toString()));
    field(j, "rows", Long.toString(r.rows()));
    field(j, "shape", "[" + r.rows() + ", " + o.height() + ", " + o.width() + ", 3]");
    StringBuilder counts = new StringBuilder("{");
    for (ItemStatus st : ItemStatus.values()) {
      if (counts.length() > 1) {
        counts.append(", ");
      }
      counts.append(str(st.label())).append(": ").append(r.counts().getOrDefault(st, 0L));
    }
    field(j, "counts", counts.append('}').toString());
    field(j, "resumed_rows", Long.toString(r.resumedRows()));
    field(j, "completed", Boolean.toString(r.aborted() == null));
    field(j, "aborted_reason", r.aborted() == null ? "null" : str(r.aborted()));
    field(j, "wall_seconds", num(s.wallNanos() / 1e9));
    field(j, "cpu_seconds", s.cpuNanos() < 0 ? "null" : num(s.cpuNanos() / 1e9));
    field(j, "images_per_second", num(s.itemsPerSecond()));
    field(j, "workers", Integer.toString(o.workers()));
    ImageJobReport.Breakdown b = r.breakdown();
    field(
        j,
        "stage_seconds",
        String.format(
            Locale.ROOT,
            "{\"read\": %s, \"decode\": %s, \"resize\": %s, \"write\": %s}",
            num(b.readNanos() / 1e9),
            num(b.decodeNanos() / 1e9),
            num(b.resizeNanos() / 1e9),
            num(b.writeNanos() / 1e9)));
    StringBuilder decoders = new StringBuilder("{");
    r.decoders()
        .forEach(
            (name, n) ->
                decoders
                    .append(decoders.length() > 1 ? ", " : "")
                    .append(str(name))
                    .append(": ")
                    .append(n));
    field(j, "decoders", decoders.append('}').toString());
    j.setLength(j.length() - 2);
    return j.append("\n}\n").toString();
  }

  private static void field(StringBuilder j, String name, String value) {
    j.append("  ").append(str(name)).append(": ").append(value).append(",\n");
  }

  private static String num(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6f", v) : "null";
  }

  static String str(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
