package dev.kopi.image;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where the job's time goes, summed over the threads that spend it: read (reader threads, or a
 * worker for a file too big to read ahead), decode, convert and resize (workers), write (the
 * consumer).
 */
final class StageTimes {
  final LongAdder read = new LongAdder();
  final LongAdder decode = new LongAdder();
  final LongAdder resize = new LongAdder();
  final LongAdder write = new LongAdder();

  /**
   * Items decoded per decoder name (kopi-jpeg, kopi-png, kopi-gif, kopi-bmp, kopi-tiff, imageio).
   */
  final ConcurrentHashMap<String, LongAdder> decoders = new ConcurrentHashMap<>();

  void decodedBy(String decoder) {
    decoders.computeIfAbsent(decoder, k -> new LongAdder()).increment();
  }

  Map<String, Long> decoderCounts() {
    Map<String, Long> m = new TreeMap<>();
    decoders.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  ImageJobReport.Breakdown snapshot() {
    return new ImageJobReport.Breakdown(read.sum(), decode.sum(), resize.sum(), write.sum());
  }
}
