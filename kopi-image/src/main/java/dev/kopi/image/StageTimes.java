package dev.kopi.image;

import java.util.concurrent.atomic.LongAdder;

/** Where the job's time goes, summed over workers: read, decode, convert, resize, write. */
final class StageTimes {
  final LongAdder read = new LongAdder();
  final LongAdder decode = new LongAdder();
  final LongAdder resize = new LongAdder();
  final LongAdder write = new LongAdder();

  ImageJobReport.Breakdown snapshot() {
    return new ImageJobReport.Breakdown(read.sum(), decode.sum(), resize.sum(), write.sum());
  }
}
