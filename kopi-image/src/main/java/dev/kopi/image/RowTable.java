package dev.kopi.image;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What is known of every row so far, compactly: 10 bytes per row plus the reason text of failed
 * rows, so the index can be written in row order at the end whatever order rows finished in (across
 * resumed runs, too).
 */
final class RowTable {
  private final byte[] status; // 0 = not done, else ItemStatus.ordinal() + 1
  private final int[] width;
  private final int[] height;
  private final byte[] mode;
  private final List<String> modes = new ArrayList<>(List.of(""));
  private final Map<String, Byte> modeCodes = new HashMap<>(Map.of("", (byte) 0));
  private final Map<Long, String> reasons = new HashMap<>();
  private long done;

  RowTable(long rows) {
    int n = Math.toIntExact(rows);
    status = new byte[n];
    width = new int[n];
    height = new int[n];
    mode = new byte[n];
  }

  void record(long row, ItemStatus s, String reason, int w, int h, String m) {
    int i = Math.toIntExact(row);
    if (status[i] == 0) {
      done++;
    }
    status[i] = (byte) (s.ordinal() + 1);
    width[i] = w;
    height[i] = h;
    mode[i] =
        modeCodes.computeIfAbsent(
            m,
            k -> {
              modes.add(k);
              return (byte) (modes.size() - 1);
            });
    if (reason.isEmpty()) {
      reasons.remove(row);
    } else {
      reasons.put(row, reason);
    }
  }

  boolean isDone(long row) {
    return status[Math.toIntExact(row)] != 0;
  }

  long done() {
    return done;
  }

  ItemStatus status(long row) {
    return ItemStatus.values()[status[Math.toIntExact(row)] - 1];
  }

  String reason(long row) {
    return reasons.getOrDefault(row, "");
  }

  int width(long row) {
    return width[Math.toIntExact(row)];
  }

  int height(long row) {
    return height[Math.toIntExact(row)];
  }

  String mode(long row) {
    return modes.get(mode[Math.toIntExact(row)]);
  }
}
