package dev.kopi.image;

import dev.kopi.image.decode.ImageDecoder;
import dev.kopi.image.decode.ImageFiles;
import dev.kopi.image.decode.Pixels;
import dev.kopi.image.resize.Filter;
import dev.kopi.image.resize.Reduce;
import dev.kopi.image.resize.Resampler;
import dev.kopi.image.source.SourceItem;
import org.jspecify.annotations.Nullable;

/**
 * The work for one item, in two steps: {@link #read} the file (on a reader thread, ahead of the
 * workers), then {@link #decode} (and convert to RGB, and orient), composite onto the background if
 * asked, and resize into the output frame (on a worker thread). Decoding is a pure function of the
 * file's bytes and the options. Neither step throws for a bad item: the failure is the outcome.
 */
final class ItemProcessor {
  /** No image worth decoding is larger than this; bigger files are refused before reading. */
  static final long MAX_FILE_BYTES = 1L << 30;

  /**
   * The largest file {@link #read} reads ahead; a bigger one is read by the worker that decodes it,
   * so that files waiting to be decoded hold at most this many bytes each.
   */
  static final long READ_AHEAD_MAX_BYTES = 8L << 20;

  /**
   * An item after {@link #read}: its bytes, or the failure that ends it, or neither when the file
   * is too big to read ahead.
   */
  @SuppressWarnings("ArrayRecordComponent")
  record Read(SourceItem item, byte @Nullable [] bytes, @Nullable ItemException failure) {}

  private final ImageJobOptions options;
  private final ImageDecoder decoder;
  private final StageTimes times;
  private final ImageDecoder.Reduction reduction;

  ItemProcessor(ImageJobOptions options, StageTimes times) {
    this.options = options;
    this.decoder = new ImageDecoder(options.maxPixels(), options.exifRotate());
    this.times = times;
    this.reduction =
        options.exact()
            ? ImageDecoder.Reduction.NONE
            : new ImageDecoder.Reduction() {
              @Override
              public int maxFactor(int w, int h) {
                return maxReduction(w, h);
              }

              @Override
              public int maxBoxFactor(int w, int h) {
                return maxBoxReduction(
                    Geometry.of(options.fit(), w, h, options.width(), options.height()), 1);
              }
            };
  }

  /**
   * How far an image of this (displayed) size may shrink on load: the source box that will be
   * resampled must stay at least {@code reducingGap} times the size it is resampled to, like the
   * size Pillow's {@code draft()} is asked for.
   */
  private int maxReduction(int w, int h) {
    Geometry g = Geometry.of(options.fit(), w, h, options.width(), options.height());
    return maxReduction(g, 1, options.effectiveReducingGap());
  }

  /**
   * How far a box reduction may shrink an image already decoded at 1/{@code scale} of its size:
   * twice the reducing gap, because a box average aliases more than the DCT-domain scaling of a
   * JPEG (at the same gap a one-bit PNG drifted by a mean of 4.6 from Pillow's full resize; at
   * twice the gap every sample image stays within the limit, JobPillowTest). Never for the box
   * filter, which is itself an area average that a prior, differently aligned one only blurs (2.4
   * on the same PNG even at three times the gap), nor for nearest.
   */
  private int maxBoxReduction(Geometry g, double scale) {
    Filter f = options.filter();
    if (f == Filter.BOX || f == Filter.NEAREST) {
      return 1;
    }
    return maxReduction(g, scale, 2 * options.effectiveReducingGap());
  }

  private static int maxReduction(Geometry g, double scale, double gap) {
    double fx = (g.x1() - g.x0()) / scale / (g.outWidth() * gap);
    double fy = (g.y1() - g.y0()) / scale / (g.outHeight() * gap);
    return (int) Math.max(1, Math.min(fx, fy));
  }

  /** Reads the item's file if it is at most {@link #READ_AHEAD_MAX_BYTES}; never throws. */
  Read read(SourceItem item) {
    long t0 = System.nanoTime();
    try {
      return new Read(
          item,
          ImageFiles.readIfAtMost(
              item.path(), options.followSymlinks(), MAX_FILE_BYTES, READ_AHEAD_MAX_BYTES),
          null);
    } catch (ItemException e) {
      return new Read(item, null, e);
    } finally {
      times.read.add(System.nanoTime() - t0);
    }
  }

  /** Decodes and resizes what {@link #read} returned, reading the file first if it did not. */
  ItemOutcome decode(Read read) {
    SourceItem item = read.item();
    int w = 0;
    int h = 0;
    String mode = "";
    try {
      ItemException failure = read.failure();
      if (failure != null) {
        throw failure;
      }
      byte[] bytes = read.bytes();
      long t1 = System.nanoTime();
      if (bytes == null) {
        bytes = ImageFiles.read(item.path(), options.followSymlinks(), MAX_FILE_BYTES);
        long t = System.nanoTime();
        times.read.add(t - t1);
        t1 = t;
      }
      ImageDecoder.Decoded d = decoder.decode(bytes, options.background() != null, reduction);
      long t2 = System.nanoTime();
      times.decode.add(t2 - t1);
      times.decodedBy(d.decoder());
      w = d.width();
      h = d.height();
      mode = d.mode();
      Pixels px = d.pixels();
      Integer bg = options.background();
      if (bg != null) {
        px = Pixels.compositeOnto(px, bg);
      }
      byte[] row = render(d, px, bg == null ? 0 : bg);
      times.resize.add(System.nanoTime() - t2);
      return new ItemOutcome(item.row(), ItemStatus.OK, "", w, h, mode, row);
    } catch (ItemException e) {
      return new ItemOutcome(item.row(), e.status(), e.reason(), w, h, mode, null);
    } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
      return new ItemOutcome(
          item.row(), ItemStatus.CORRUPT, "unexpected failure: " + e, w, h, mode, null);
    }
  }

  /**
   * Resamples into a frame of the output size, padding with {@code padColor} where needed. The
   * geometry is that of the full-size image, mapped into the decoded one, so that an image decoded
   * at reduced size lands exactly where its full decode would. Unless exact, what the decoder did
   * not reduce is box-reduced first (Pillow's {@code reduce()}, as its {@code resize} does with a
   * {@code reducing_gap}), so that the filter runs on a small image.
   */
  private byte[] render(ImageDecoder.Decoded d, Pixels px, int padColor) {
    int width = options.width();
    int height = options.height();
    Geometry g = Geometry.of(options.fit(), d.uprightWidth(), d.uprightHeight(), width, height);
    double scale = d.scale();
    double left = d.left();
    double top = d.top();
    byte[] data = px.data();
    int w = px.width();
    int h = px.height();
    if (!options.exact()) {
      int more = maxBoxReduction(g, scale);
      if (more >= 2) {
        data = Reduce.reduce(data, w, h, 3, more, more);
        w = Reduce.reducedSize(w, more);
        h = Reduce.reducedSize(h, more);
        scale *= more;
        left /= more;
        top /= more;
      }
    }
    double k = 1.0 / scale;
    byte[] resized =
        Resampler.resize(
            data,
            w,
            h,
            3,
            left + g.x0() * k,
            top + g.y0() * k,
            left + g.x1() * k,
            top + g.y1() * k,
            g.outWidth(),
            g.outHeight(),
            options.filter());
    if (g.outWidth() == width && g.outHeight() == height) {
      return resized;
    }
    byte[] frame = new byte[3 * width * height];
    byte r = (byte) (padColor >>> 16);
    byte gg = (byte) (padColor >>> 8);
    byte b = (byte) padColor;
    if (padColor != 0) {
      for (int i = 0; i < frame.length; i += 3) {
        frame[i] = r;
        frame[i + 1] = gg;
        frame[i + 2] = b;
      }
    }
    for (int y = 0; y < g.outHeight(); y++) {
      System.arraycopy(
          resized,
          3 * y * g.outWidth(),
          frame,
          3 * ((g.top() + y) * width + g.left()),
          3 * g.outWidth());
    }
    return frame;
  }
}
