package dev.kopi.bench;

import java.util.ArrayList;
import java.util.List;

/** Benchmark inputs, built once per trial so that no variant pays for them. */
final class Inputs {
  private Inputs() {}

  /** An immutable, random-access list of the boxed integers {@code 0 .. n-1}. */
  static List<Integer> boxedRange(int n) {
    List<Integer> l = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      l.add(i);
    }
    return List.copyOf(l);
  }
}
