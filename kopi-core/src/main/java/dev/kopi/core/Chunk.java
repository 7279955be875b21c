package dev.kopi.core;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A group of items of one stage, processed in order by one task on one thread.
 *
 * <p>Items are held in parallel arrays rather than one object per item, so that a million trivial
 * items cost a few thousand chunk objects, not a million envelopes. A chunk is filled by the thread
 * driving the run, handed to a pool (the hand-off through the pool's queue orders the writes before
 * the worker's reads), run by one worker, and handed back through the run's completion queue
 * (ordering the worker's writes before the driver's reads). Nothing in it is shared while it runs,
 * except the few fields of the soft-timeout protocol, which are guarded by the chunk's own lock and
 * used only when the stage has an item timeout.
 */
final class Chunk extends Task {
  // Per-item status codes.
  static final byte OK = 0;
  static final byte FAILED = 1;
  static final byte TIMED_OUT = 2;

  /** Failed, and a retry chunk now carries the item. */
  static final byte RETRYING = 3;

  /** Never ran: the run was cancelled or failed first. */
  static final byte SKIPPED = 4;

  /** Cut off by a soft timeout of an earlier item; a continuation chunk now carries it. */
  static final byte MOVED = 5;

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final boolean CPU_TIME = cpuTimeSupported();

  final Control control;
  final int stage;
  int size; // set by the driver before the chunk is submitted

  /** The first item's index, when the indices are contiguous ({@link #indices} is null). */
  long first;

  /** Each item's index, or null when they are {@code first, first + 1, ...}. */
  final long @Nullable [] indices;

  /**
   * The first stage's input when it is a random-access list: workers read their items from it
   * directly, so the driving thread never touches them. Null otherwise.
   */
  final @Nullable List<?> list;

  /** Each item's element of the run's input; null when read from {@link #list}. */
  final @Nullable Object @Nullable [] origins;

  /** Each item's input to this stage; null in the first stage, whose input is the origin. */
  final @Nullable Object @Nullable [] in;

  final @Nullable Object[] out;

  /** Calls made for each item by earlier chunks (retries, continuations); null means none. */
  int @Nullable [] prior;

  /** Non-null once any item did not end OK. */
  byte @Nullable [] status;

  @Nullable Throwable @Nullable [] errors;

  // Written by the worker before the chunk is posted, read by the driver after.
  long busyNanos;
  long cpuNanos = -1;
  long overheadNanos;
  private long loopStartNanos;

  // Driver-only bookkeeping.
  long dueNanos; // for retries: when to dispatch
  int readPos; // next position the next stage takes from (ready queue)
  int sinkPending; // items of this chunk in the sink, not yet delivered
  int sinkPos; // next position the unordered sink emits

  // Soft-timeout protocol, guarded by this; used only when the stage has an item timeout.
  private int current = -1;
  private long currentStart;
  private int cutAt = -1;
  private boolean finished;

  /**
   * @param contiguous whether the items' indices are consecutive, from {@link #first}: then no
   *     per-item index array is needed, and the ordered sink can take the chunk as one run
   */
  Chunk(Control control, int stage, int size, boolean contiguous, @Nullable List<?> list) {
    this.control = control;
    this.stage = stage;
    this.size = size;
    this.indices = contiguous ? null : new long[size];
    this.list = list;
    this.origins = list != null ? null : new Object[size];
    this.in = stage == 0 ? null : new Object[size];
    this.out = new Object[size];
  }

  /** Item p's element of the run's input. */
  @Nullable Object origin(int p) {
    List<?> l = list;
    if (l != null) {
      return l.get(Math.toIntExact(first + p));
    }
    @Nullable Object[] o = origins;
    if (o == null) {
      throw new IllegalStateException("a chunk without a list has an origins array");
    }
    return o[p];
  }

  void setOrigin(int p, @Nullable Object origin) {
    @Nullable Object[] o = origins;
    if (o == null) {
      throw new IllegalStateException("a list-backed chunk has no origins array");
    }
    o[p] = origin;
  }

  /** Item p's input to this chunk's stage. */
  @Nullable Object input(int p) {
    @Nullable Object[] i = in;
    return i == null ? origin(p) : i[p];
  }

  void setInput(int p, @Nullable Object input) {
    @Nullable Object[] i = in;
    if (i == null) {
      throw new IllegalStateException("a first-stage chunk's input is its origin");
    }
    i[p] = input;
  }

  /** Drops item p's input once it is no longer needed (it ended OK, or it has been handed on). */
  void clearInput(int p) {
    @Nullable Object[] i = in;
    if (i != null) {
      i[p] = null;
    }
  }

  long index(int p) {
    long[] i = indices;
    return i == null ? first + p : i[p];
  }

  void setIndex(int p, long index) {
    long[] i = indices;
    if (i == null) {
      throw new IllegalStateException("a contiguous chunk's indices follow from its first");
    }
    i[p] = index;
  }

  int prior(int p) {
    int[] a = prior;
    return a == null ? 0 : a[p];
  }

  void setPrior(int p, int calls) {
    int[] a = prior;
    if (a == null) {
      if (calls == 0) {
        return;
      }
      a = prior = new int[size];
    }
    a[p] = calls;
  }

  /** Calls made for item p so far, counting this chunk's if it ran the item. */
  int attempts(int p) {
    byte s = status(p);
    boolean ran = s == OK || s == FAILED || s == TIMED_OUT;
    return prior(p) + (ran ? 1 : 0);
  }

  byte status(int p) {
    byte[] s = status;
    return s == null ? OK : s[p];
  }

  void setStatus(int p, byte value) {
    byte[] s = status;
    if (s == null) {
      if (value == OK) {
        return;
      }
      s = status = new byte[size];
    }
    s[p] = value;
  }

  @Nullable Throwable error(int p) {
    @Nullable Throwable[] e = errors;
    return e == null ? null : e[p];
  }

  void setError(int p, Throwable error) {
    @Nullable Throwable[] e = errors;
    if (e == null) {
      e = errors = new Throwable[size];
    }
    e[p] = error;
  }

  @Override
  void compute() {
    long start = System.nanoTime();
    long cpuStart = CPU_TIME ? THREADS.getCurrentThreadCpuTime() : -1;
    Control.StageRuntime rt = control.stages[stage];
    boolean timed = rt.timeoutNanos > 0;
    boolean failFast = rt.policy.mode() == ErrorPolicy.Mode.FAIL_FAST;
    MutableContext ctx = new MutableContext(rt.name);
    ItemFunction<@Nullable Object, @Nullable Object> plain = rt.plain;
    long loopStart = System.nanoTime();
    loopStartNanos = loopStart;
    int p = 0;
    List<?> l = list;
    if (!timed && plain != null && in == null && l != null) {
      p = runFromList(plain, l, failFast, rt.policy);
    }
    for (; p < size; p++) {
      if (control.cancelled) {
        break;
      }
      if (timed && !beginItem(p)) {
        return; // cut off by the watchdog, which has already reported this chunk
      }
      Object value = null;
      Throwable error = null;
      try {
        if (plain != null) {
          value = plain.apply(input(p));
        } else {
          ctx.index = index(p);
          ctx.input = origin(p);
          ctx.attempt = prior(p) + 1;
          value = rt.fn.apply(input(p), ctx);
        }
      } catch (Throwable e) {
        error = e;
      }
      if (timed) {
        if (!endItem(p, value, error)) {
          return;
        }
      } else {
        record(p, value, error);
      }
      if (error != null && failFast && !rt.policy.shouldRetry(error, prior(p) + 1)) {
        p++;
        break; // the run is going to fail: the rest of the chunk would be wasted work
      }
    }
    for (int q = p; q < size; q++) {
      setStatus(q, SKIPPED);
    }
    long end = System.nanoTime();
    busyNanos = end - loopStart;
    if (cpuStart >= 0) {
      long cpuEnd = THREADS.getCurrentThreadCpuTime();
      cpuNanos = cpuEnd >= 0 ? cpuEnd - cpuStart : -1;
    }
    overheadNanos = (loopStart - start) + (System.nanoTime() - end);
    if (timed) {
      synchronized (this) {
        if (cutAt >= 0) {
          return;
        }
        finished = true;
      }
    }
    control.completions.add(this);
  }

  /**
   * The common case, kept tight for cheap functions: a plain function over a slice of a list, no
   * timeout. Cancellation is checked every 64 items rather than every item.
   *
   * @return the position to continue from: {@link #size} when done, or where it stopped
   */
  private int runFromList(
      ItemFunction<@Nullable Object, @Nullable Object> fn,
      List<?> source,
      boolean failFast,
      ErrorPolicy policy) {
    int base = Math.toIntExact(first);
    @Nullable Object[] results = out;
    for (int p = 0; p < size; p++) {
      if ((p & 63) == 0 && control.cancelled) {
        return p;
      }
      try {
        results[p] = fn.apply(source.get(base + p));
      } catch (Throwable e) {
        setStatus(p, FAILED);
        setError(p, e);
        if (failFast && !policy.shouldRetry(e, prior(p) + 1)) {
          for (int q = p + 1; q < size; q++) {
            setStatus(q, SKIPPED);
          }
          return size; // the run is going to fail: the rest would be wasted work
        }
      }
    }
    return size;
  }

  private void record(int p, @Nullable Object value, @Nullable Throwable error) {
    if (error == null) {
      out[p] = value;
      // An item that ended OK never runs again, so its input can go now rather than when the
      // chunk is handed on: a last stage's finished chunks may wait in the ordered sink behind a
      // slow item, and holding every input there (a file's bytes, a decoded image) would make
      // memory grow with the run's window instead of the stage's.
      clearInput(p);
    } else {
      setStatus(p, FAILED);
      setError(p, error);
    }
  }

  private synchronized boolean beginItem(int p) {
    if (cutAt >= 0) {
      return false;
    }
    current = p;
    currentStart = System.nanoTime();
    return true;
  }

  private synchronized boolean endItem(int p, @Nullable Object value, @Nullable Throwable error) {
    if (cutAt >= 0) {
      return false; // a late result of a timed-out item: discarded
    }
    record(p, value, error);
    current = -1;
    return true;
  }

  /**
   * Called by the driver: if the item now running has run longer than {@code timeoutNanos}, cuts
   * the chunk there, so the driver can report it and move the rest on; the worker discards whatever
   * it produces afterwards.
   *
   * @return the position cut at, or -1
   */
  synchronized int cutIfOverdue(long now, long timeoutNanos) {
    if (finished || cutAt >= 0 || current < 0 || now - currentStart < timeoutNanos) {
      return -1;
    }
    cutAt = current;
    return cutAt;
  }

  /** Busy time of a chunk cut by the watchdog; call after {@link #cutIfOverdue} succeeded. */
  long busyNanosSoFar(long now) {
    return now - loopStartNanos;
  }

  @Override
  void onCancelledBeforeRun() {
    // Nothing ran; the driver accounts for cancelled chunks itself.
  }

  private static boolean cpuTimeSupported() {
    try {
      return THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();
    } catch (UnsupportedOperationException e) {
      return false;
    }
  }

  /** The {@link ItemContext} handed to functions; one per chunk, updated per item. */
  private static final class MutableContext implements ItemContext {
    private final String stage;
    long index;
    @Nullable Object input;
    int attempt;

    MutableContext(String stage) {
      this.stage = stage;
    }

    @Override
    public long index() {
      return index;
    }

    @Override
    public @Nullable Object input() {
      return input;
    }

    @Override
    public int attempt() {
      return attempt;
    }

    @Override
    public String stage() {
      return stage;
    }
  }
}
