package dev.kopi.core;

import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The engine behind every {@link MapRun}: a map is a pipeline of one stage.
 *
 * <h2>Design</h2>
 *
 * <p>There is no scheduler thread. The thread that consumes the results drives the run: between
 * chunks of results, and whenever none is ready, it collects finished chunks, decides retries and
 * timeouts, hands ready items on to the next stage and pulls more input ({@link #refill}); only
 * when nothing is ready does it wait for the next finished chunk (or, if it is itself a worker of
 * the stage's CPU pool, run a waiting chunk inline instead of blocking). So all the run's state
 * (buffers, counters, chunk sizes, statistics) belongs to one thread and needs no locks; the only
 * shared structures are each pool's task queue (driver to workers) and the run's completion queue
 * (workers to driver). Input is pulled only from the consumer's thread, which is why a run never
 * reads further ahead than its bounds and stops reading the moment the consumer stops asking.
 *
 * <h2>Bounds</h2>
 *
 * <ul>
 *   <li>The <em>window</em>: items admitted from the input and not yet delivered to the consumer.
 *       For ordered output this is also the reorder buffer (a ring indexed by item index, holding
 *       one entry per run of consecutive finished items), so one slow item can hold back at most a
 *       window of finished ones.
 *   <li>Held chunks: admission also stops while the run holds twice the chunks its stages may have
 *       in flight (queued, running, or finished and not yet handed on or delivered). Only admission
 *       waits on this, so items in the run always move on and ordered runs cannot deadlock on it;
 *       it keeps slow, big items (one per chunk) few.
 *   <li>Per stage: items admitted to the stage and not yet handed on ({@code maxInFlight}, which
 *       includes finished items waiting for the next stage: that is the bounded queue between
 *       stages and what gives backpressure), and chunks queued or running ({@code chunksPerWorker *
 *       parallelism}).
 * </ul>
 *
 * <h2>Item lifecycle</h2>
 *
 * <p>An item enters stage 0 in a chunk built from the input (for a random-access list, just a range
 * of it, which the worker reads); when its chunk returns it is OK (handed to the next stage's ready
 * queue, or to the sink after the last stage), FAILED (retried in a chunk of its own after a
 * backoff, or final), TIMED_OUT (final), or SKIPPED (never ran: only after a fail-fast failure or a
 * close). A final failure under fail-fast cancels everything and is rethrown; under skip it goes to
 * the sink as a result. Every admitted item reaches the sink exactly once, so the run is complete
 * when the input is exhausted and the consumer has received as many items as were admitted.
 */
final class Coordinator {
  private static final Cleaner CLEANER = Cleaner.create();
  private static final int INITIAL_RING = 1024;

  /** One stage as configured: the pool actually used and its settings. */
  record StageSpec(
      String name,
      AbstractPool pool,
      ContextFunction<@Nullable Object, @Nullable Object> fn,
      @Nullable ItemFunction<@Nullable Object, @Nullable Object> plain,
      StageOptions options) {}

  private final Control control;
  private final StageSpec[] specs;
  private final int last;
  private final boolean ordered;
  private final RunListener listener;
  private final boolean listening;
  private final int window;
  private final Iterator<?> source;
  private final @Nullable List<?> sourceList;
  private final long sourceSize;
  private final @Nullable Runnable onSourceClose;
  private final Cleaner.Cleanable cleanable;

  // Per stage, owned by the driving thread.
  private final int[] stageMax;
  private final int[] maxChunks;
  private final int[] stageItems;
  private final List<List<Chunk>> inflight;
  private final List<ArrayDeque<Chunk>> ready;
  private final int[] readyCount;
  private final ChunkSizer[] sizers;
  private final long[] stageDone;
  private final long[] stageChunks;
  private final long[] stageBusy;
  private final long[] stageCpu;
  private final boolean[] cpuMeasured;
  private final LatencyHistogram[] stageLatency;
  private final boolean hasTimeouts;
  private final int holdLimit;
  private int sinkChunks; // chunks with items in the sink, not yet delivered
  private final long watchdogPeriodNanos;

  private final PriorityQueue<Chunk> retries =
      new PriorityQueue<>((a, b) -> Long.compare(a.dueNanos, b.dueNanos));

  private long admitted;
  private boolean sourceDone;
  private long consumed;

  // Ordered sink: the ring of finished items by index. Unordered sink: finished chunks.
  private @Nullable Chunk[] ring;
  private int[] ringPos;
  private int[] ringLen; // consecutive items starting at this slot, from the same chunk

  // The rest of the run being delivered from the ordered ring: positions runPos.. of runChunk.
  private @Nullable Chunk runChunk;
  private int runPos;
  private int runLeft;
  private final ArrayDeque<Chunk> sink = new ArrayDeque<>();

  // The item most recently delivered to the consumer.
  private @Nullable Chunk current;
  private int currentPos;

  private @Nullable RuntimeException failure;
  private boolean closed;
  private boolean finished;
  private final long startNanos;
  private long endNanos;
  private long engineNanos;
  private long ok;
  private long failed;
  private long timedOut;
  private long retried;
  private final LatencyHistogram latency = new LatencyHistogram();

  Coordinator(
      StageSpec[] specs, Sources<?> input, boolean ordered, int window, RunListener listener) {
    this.specs = specs;
    this.last = specs.length - 1;
    this.ordered = ordered;
    this.window = window;
    this.listener = listener;
    this.listening = listener != RunListener.NONE;
    this.source = input.iterator();
    this.sourceList = input.list();
    this.sourceSize = input.list() != null ? input.list().size() : input.size();
    this.onSourceClose = input.onClose();

    int n = specs.length;
    Control.StageRuntime[] rts = new Control.StageRuntime[n];
    stageMax = new int[n];
    maxChunks = new int[n];
    stageItems = new int[n];
    readyCount = new int[n];
    sizers = new ChunkSizer[n];
    stageDone = new long[n];
    stageChunks = new long[n];
    stageBusy = new long[n];
    stageCpu = new long[n];
    cpuMeasured = new boolean[n];
    stageLatency = new LatencyHistogram[n];
    inflight = new ArrayList<>(n);
    ready = new ArrayList<>(n);
    boolean timeouts = false;
    long minTimeout = Long.MAX_VALUE;
    for (int k = 0; k < n; k++) {
      StageSpec s = specs[k];
      StageOptions o = s.options();
      var timeout = o.itemTimeout();
      long timeoutNanos = timeout == null ? 0 : Math.max(1, timeout.toNanos());
      if (timeoutNanos > 0) {
        timeouts = true;
        minTimeout = Math.min(minTimeout, timeoutNanos);
      }
      rts[k] = new Control.StageRuntime(s.name(), s.fn(), s.plain(), o.errorPolicy(), timeoutNanos);
      stageMax[k] = o.maxInFlight();
      int parallelism = s.pool().parallelism();
      maxChunks[k] = (int) Math.min(Integer.MAX_VALUE, (long) o.chunksPerWorker() * parallelism);
      sizers[k] = new ChunkSizer(o.chunking(), Math.max(1, o.maxInFlight() / maxChunks[k]));
      stageLatency[k] = new LatencyHistogram();
      inflight.add(new ArrayList<>());
      ready.add(new ArrayDeque<>());
    }
    this.hasTimeouts = timeouts;
    int chunks = 0;
    for (int m : maxChunks) {
      chunks = (int) Math.min(Integer.MAX_VALUE / 2, (long) chunks + m);
    }
    this.holdLimit = 2 * chunks;
    this.watchdogPeriodNanos =
        timeouts ? Math.max(TimeUnit.MILLISECONDS.toNanos(1), minTimeout / 10) : 0;
    this.control = new Control(rts);
    this.ring = ordered ? new Chunk[Math.min(INITIAL_RING, ceilPow2(window))] : new Chunk[0];
    this.ringPos = new int[ring.length];
    this.ringLen = new int[ring.length];
    this.cleanable = CLEANER.register(this, control);
    this.startNanos = System.nanoTime();
    notifyListener(() -> listener.onRunStarted(sourceSize));
  }

  // ---------------------------------------------------------------------------------------------
  // The consumer's side

  /**
   * Moves to the next result, driving the run as needed.
   *
   * @return false when every result has been delivered (or the run was closed)
   * @throws RuntimeException the first failure of a fail-fast run, or the input's own exception
   */
  boolean advance() {
    if (failure != null) {
      throw failure;
    }
    if (closed) {
      return false;
    }
    releaseCurrent();
    if (runLeft > 0) {
      // Within a run of consecutive finished items of one chunk: nothing else to do.
      runLeft--;
      current = runChunk;
      currentPos = runPos++;
      consumed++;
      return true;
    }
    if (!ordered) {
      Chunk head = sink.peekFirst();
      if (head != null && head.sinkPos < head.size && takeFromSink()) {
        return true;
      }
    }
    // Between chunks: collect finished work and keep the workers fed before handing out more,
    // so they compute the next results while the consumer works through these.
    refill();
    if (takeFromSink()) {
      return true;
    }
    return advanceSlowly();
  }

  /**
   * Delivers the rest of the current run (consecutive OK items of one chunk) to {@code action} in
   * one loop: the bulk path of {@link MapRun#values()}.
   */
  @SuppressWarnings("unchecked")
  <R extends @Nullable Object> void drainRun(java.util.function.Consumer<? super R> action) {
    int n = runLeft;
    Chunk c = runChunk;
    if (n == 0 || c == null) {
      return;
    }
    int from = runPos;
    runLeft = 0;
    runPos += n;
    consumed += n;
    current = null;
    @Nullable Object[] out = c.out;
    for (int i = from, end = from + n; i < end; i++) {
      action.accept((R) out[i]);
    }
  }

  /**
   * One step of driving: collect finished chunks, dispatch due retries, cut overdue items, and hand
   * out as much work as the bounds allow. Never blocks (but for the input iterator itself).
   */
  private void refill() {
    if (sourceDone && consumed == admitted) {
      return;
    }
    drainCompletions();
    if (!retries.isEmpty() || hasTimeouts) {
      long now = System.nanoTime();
      dispatchDueRetries(now);
      if (hasTimeouts) {
        checkTimeouts(now);
      }
    }
    pump();
    if (failure != null) {
      throw failure;
    }
  }

  Chunk current() {
    Chunk c = current;
    if (c == null) {
      throw new IllegalStateException("no current item");
    }
    return c;
  }

  int currentPos() {
    return currentPos;
  }

  String stageName(int stage) {
    return specs[stage].name();
  }

  private void releaseCurrent() {
    // The chunk itself lives on until its last item is delivered; that is within the window.
    current = null;
  }

  private boolean takeFromSink() {
    if (ordered) {
      @Nullable Chunk[] r = ring;
      int slot = (int) (consumed & (r.length - 1));
      Chunk c = r[slot];
      if (c == null) {
        return false;
      }
      r[slot] = null;
      current = c;
      currentPos = ringPos[slot];
      runChunk = c;
      runPos = currentPos + 1;
      runLeft = ringLen[slot] - 1;
      delivered(c, ringLen[slot]);
      consumed++;
      return true;
    }
    Chunk c;
    while ((c = sink.peekFirst()) != null) {
      while (c.sinkPos < c.size) {
        int p = c.sinkPos++;
        if (isFinal(c, p)) {
          current = c;
          currentPos = p;
          consumed++;
          return true;
        }
      }
      sink.pollFirst();
      delivered(c, c.sinkPending);
    }
    return false;
  }

  /** Books chunk c's items as placed in the sink. */
  private void toSink(Chunk c, int items) {
    if (c.sinkPending == 0) {
      sinkChunks++;
    }
    c.sinkPending += items;
  }

  /** Books {@code items} of chunk c as taken out of the sink. */
  private void delivered(Chunk c, int items) {
    c.sinkPending -= items;
    if (c.sinkPending == 0) {
      sinkChunks--;
    }
  }

  /**
   * Chunks holding admitted items anywhere in the run: queued or running, finished and waiting for
   * the next stage, or finished and waiting for the consumer.
   */
  private int heldChunks() {
    int held = sinkChunks;
    for (int k = 0; k <= last; k++) {
      held += inflight.get(k).size() + ready.get(k).size();
    }
    return held;
  }

  /** Whether position p of chunk c is one the sink delivers. */
  private boolean isFinal(Chunk c, int p) {
    byte s = c.status(p);
    return s == Chunk.FAILED || s == Chunk.TIMED_OUT || (s == Chunk.OK && c.stage == last);
  }

  private boolean advanceSlowly() {
    long begin = System.nanoTime();
    long waited = 0;
    try {
      while (true) {
        refill();
        if (takeFromSink()) {
          return true;
        }
        if (sourceDone && consumed == admitted) {
          finish();
          return false;
        }
        if (help()) {
          continue;
        }
        long w0 = System.nanoTime();
        Chunk done = awaitCompletion(w0);
        waited += System.nanoTime() - w0;
        if (done != null) {
          onChunkDone(done);
        }
      }
    } finally {
      engineNanos += System.nanoTime() - begin - waited;
    }
  }

  private @Nullable Chunk awaitCompletion(long now) {
    long wait = Long.MAX_VALUE;
    Chunk nextRetry = retries.peek();
    if (nextRetry != null) {
      wait = Math.max(0, nextRetry.dueNanos - now);
    }
    if (hasTimeouts) {
      wait = Math.min(wait, watchdogPeriodNanos);
    }
    try {
      return wait == Long.MAX_VALUE
          ? control.completions.take()
          : control.completions.poll(wait, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      CancellationException ce =
          new CancellationException("interrupted while waiting for results; the run is closed");
      ce.initCause(e);
      throw ce;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Driving the stages

  private void drainCompletions() {
    Chunk c;
    while ((c = control.completions.poll()) != null) {
      onChunkDone(c);
    }
  }

  private void pump() {
    // Downstream first: handing items on frees room upstream.
    for (int k = last; k >= 0 && failure == null; k--) {
      dispatch(k);
    }
  }

  private void dispatch(int k) {
    List<Chunk> running = inflight.get(k);
    while (failure == null && running.size() < maxChunks[k]) {
      int room = stageMax[k] - stageItems[k];
      if (room <= 0) {
        return;
      }
      Chunk c;
      if (k == 0) {
        // Admission is also bounded in chunks, so that memory stays small when items are big
        // (one item per chunk) whatever maxInFlight says. Only admission waits on it: items
        // already in the run always move on, so an ordered run cannot deadlock on it.
        if (sourceDone || heldChunks() >= holdLimit) {
          return;
        }
        long windowRoom = window - (admitted - consumed);
        if (windowRoom <= 0) {
          return;
        }
        int avail = (int) Math.min(room, windowRoom);
        long remaining = sourceSize >= 0 ? sourceSize - admitted : -1;
        c = fillFromSource(Math.min(avail, sizers[0].next(remaining, maxChunks[0])));
      } else {
        int avail = Math.min(room, readyCount[k - 1]);
        if (avail == 0) {
          return;
        }
        c = fillFromReady(k, Math.min(avail, sizers[k].next(-1, maxChunks[k])));
      }
      if (c == null) {
        return;
      }
      submit(c);
    }
  }

  private @Nullable Chunk fillFromSource(int n) {
    List<?> list = sourceList;
    if (list != null) {
      // A random-access list: the chunk is just a range of it; workers read the items.
      int count = (int) Math.min(n, sourceSize - admitted);
      if (admitted + count >= sourceSize) {
        sourceDone = true;
        closeSource();
      }
      if (count == 0) {
        return null;
      }
      Chunk c = new Chunk(control, 0, count, true, list);
      c.first = admitted;
      admit(count);
      return c;
    }
    Chunk c = new Chunk(control, 0, n, true, null);
    c.first = admitted;
    int count = 0;
    try {
      while (count < n && source.hasNext()) {
        c.setOrigin(count++, source.next());
      }
    } catch (RuntimeException | Error e) {
      fail(e instanceof RuntimeException re ? re : new IllegalStateException(e));
      return null;
    }
    if (count < n) {
      sourceDone = true;
      closeSource();
      if (count == 0) {
        return null;
      }
      c.size = count;
    }
    admit(count);
    return c;
  }

  private void admit(int count) {
    if (ordered) {
      ensureRing(admitted + count - consumed);
    }
    admitted += count;
    stageItems[0] += count;
  }

  private @Nullable Chunk fillFromReady(int k, int n) {
    ArrayDeque<Chunk> from = ready.get(k - 1);
    Chunk c = new Chunk(control, k, n, false, null);
    int count = 0;
    while (count < n) {
      Chunk h = from.peekFirst();
      if (h == null) {
        break;
      }
      while (count < n && h.readPos < h.size) {
        int p = h.readPos++;
        if (h.status(p) != Chunk.OK) {
          continue;
        }
        c.setIndex(count, h.index(p));
        c.setOrigin(count, h.origin(p));
        c.setInput(count, h.out[p]);
        h.out[p] = null;
        h.clearInput(p);
        count++;
      }
      if (h.readPos >= h.size) {
        from.pollFirst();
      }
    }
    readyCount[k - 1] -= count;
    stageItems[k - 1] -= count;
    stageItems[k] += count;
    if (count == 0) {
      return null;
    }
    c.size = count;
    return c;
  }

  private void submit(Chunk c) {
    inflight.get(c.stage).add(c);
    if (listening) {
      String name = specs[c.stage].name();
      for (int p = 0; p < c.size; p++) {
        long index = c.index(p);
        notifyListener(() -> listener.onStarted(name, index));
      }
    }
    try {
      specs[c.stage].pool().execute(c);
    } catch (RejectedExecutionException e) {
      inflight.get(c.stage).remove(c);
      fail(e);
    }
  }

  private void dispatchDueRetries(long now) {
    Chunk r;
    while (failure == null && (r = retries.peek()) != null && r.dueNanos - now <= 0) {
      retries.poll();
      submit(r);
    }
  }

  /** Runs one not-yet-started chunk inline if this thread is a worker of its stage's pool. */
  private boolean help() {
    for (int k = 0; k <= last; k++) {
      if (!specs[k].pool().isWorkerThread()) {
        continue;
      }
      for (Chunk c : inflight.get(k)) {
        if (c.isNew()) {
          c.run();
          return true;
        }
      }
    }
    return false;
  }

  private void checkTimeouts(long now) {
    for (int k = 0; k <= last; k++) {
      long timeout = control.stages[k].timeoutNanos;
      if (timeout <= 0) {
        continue;
      }
      List<Chunk> running = inflight.get(k);
      for (Chunk c : List.copyOf(running)) {
        int p = c.cutIfOverdue(now, timeout);
        if (p < 0) {
          continue;
        }
        c.cancel(true); // interrupt: cooperative code stops, the rest is abandoned
        c.setStatus(p, Chunk.TIMED_OUT);
        c.setError(p, new ItemTimeoutException(c.index(p), timeout));
        c.busyNanos = c.busyNanosSoFar(now);
        int rest = c.size - p - 1;
        Chunk moved = null;
        if (rest > 0) {
          boolean contiguous = c.indices == null;
          moved = new Chunk(control, k, rest, contiguous, c.list);
          moved.first = c.index(p + 1);
          for (int i = 0; i < rest; i++) {
            int q = p + 1 + i;
            if (!contiguous) {
              moved.setIndex(i, c.index(q));
            }
            if (c.list == null) {
              moved.setOrigin(i, c.origin(q));
            }
            if (k > 0) {
              moved.setInput(i, c.input(q));
            }
            moved.setPrior(i, c.prior(q));
            c.setStatus(q, Chunk.MOVED);
          }
        }
        onChunkDone(c);
        if (moved != null && failure == null) {
          submit(moved);
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Collecting results

  private void onChunkDone(Chunk c) {
    int k = c.stage;
    if (!inflight.get(k).remove(c)) {
      return; // already accounted for (cancelled, or cut by the watchdog)
    }
    StageSpec spec = specs[k];
    ErrorPolicy policy = spec.options().errorPolicy();
    int ran = 0;
    int forward = 0;
    if (c.status == null && !listening) {
      // The common case, every item OK and nobody listening: account for the chunk in bulk.
      ran = c.size;
      if (k == last) {
        completeAllOk(c);
      } else {
        forward = c.size;
      }
    }
    for (int p = ran; p < c.size && failure == null; p++) {
      byte s = c.status(p);
      switch (s) {
        case Chunk.OK -> {
          ran++;
          if (listening) {
            long index = c.index(p);
            notifyListener(() -> listener.onDone(spec.name(), index));
          }
          if (k == last) {
            complete(c, p);
          } else {
            forward++;
          }
        }
        case Chunk.FAILED -> {
          ran++;
          Throwable error = c.error(p);
          if (error != null && policy.shouldRetry(error, c.attempts(p))) {
            retry(c, p, policy, error);
          } else {
            completeFailed(c, p, policy);
          }
        }
        case Chunk.TIMED_OUT -> {
          ran++;
          completeFailed(c, p, policy);
        }
        default -> {
          // SKIPPED (only once the run is failing) or MOVED (a continuation carries it on)
        }
      }
    }
    stageDone[k] += ran;
    stageChunks[k]++;
    stageBusy[k] += c.busyNanos;
    if (c.cpuNanos >= 0) {
      stageCpu[k] += c.cpuNanos;
      cpuMeasured[k] = true;
    }
    engineNanos += c.overheadNanos;
    if (ran > 0) {
      long perItem = c.busyNanos / ran;
      stageLatency[k].record(perItem, ran);
      latency.record(perItem, ran);
      sizers[k].record(c.busyNanos, ran);
    }
    if (forward > 0) {
      ready.get(k).addLast(c);
      readyCount[k] += forward;
    }
  }

  /** Every item of a last-stage chunk finished OK: {@link #complete} for all, in bulk. */
  private void completeAllOk(Chunk c) {
    int n = c.size;
    stageItems[c.stage] -= n;
    ok += n;
    if (ordered) {
      @Nullable Chunk[] r = ring;
      int mask = r.length - 1;
      if (c.indices == null) {
        // Consecutive indices: one ring entry for the whole chunk, delivered as a run.
        int slot = (int) (c.first & mask);
        r[slot] = c;
        ringPos[slot] = 0;
        ringLen[slot] = n;
        toSink(c, n);
      } else {
        for (int p = 0; p < n; p++) {
          int slot = (int) (c.index(p) & mask);
          r[slot] = c;
          ringPos[slot] = p;
          ringLen[slot] = 1;
        }
        toSink(c, n);
      }
    } else {
      sink.addLast(c);
      toSink(c, n);
    }
  }

  /** Position p of c has finished the run (OK after the last stage, or finally failed). */
  private void complete(Chunk c, int p) {
    stageItems[c.stage]--;
    switch (c.status(p)) {
      case Chunk.OK -> ok++;
      case Chunk.TIMED_OUT -> timedOut++;
      default -> failed++;
    }
    if (listening) {
      Result<Object, Object> result = resultAt(c, p);
      notifyListener(() -> listener.onCompleted(result));
    }
    if (ordered) {
      long index = c.index(p);
      int slot = (int) (index & (ring.length - 1));
      ring[slot] = c;
      ringPos[slot] = p;
      ringLen[slot] = 1;
      toSink(c, 1);
    } else {
      if (sink.peekLast() != c) {
        sink.addLast(c);
      }
      toSink(c, 1);
    }
  }

  private void completeFailed(Chunk c, int p, ErrorPolicy policy) {
    if (listening) {
      String name = specs[c.stage].name();
      long index = c.index(p);
      Throwable error = c.error(p);
      if (error != null) {
        notifyListener(() -> listener.onFailed(name, index, error));
      }
    }
    if (policy.mode() == ErrorPolicy.Mode.SKIP) {
      complete(c, p);
      return;
    }
    Throwable error = c.error(p);
    stageItems[c.stage]--;
    if (c.status(p) == Chunk.TIMED_OUT) {
      timedOut++;
    } else {
      failed++;
    }
    fail(
        new ItemFailedException(
            c.index(p),
            c.origin(p),
            specs[c.stage].name(),
            error != null ? error : new IllegalStateException("unknown failure")));
  }

  private void retry(Chunk c, int p, ErrorPolicy policy, Throwable error) {
    int attempts = c.attempts(p); // before the status changes: it counts this chunk's call
    c.setStatus(p, Chunk.RETRYING);
    boolean fromList = c.list != null;
    Chunk r = new Chunk(control, c.stage, 1, true, c.list);
    r.first = c.index(p);
    if (!fromList) {
      r.setOrigin(0, c.origin(p));
    }
    if (c.stage > 0) {
      r.setInput(0, c.input(p));
    }
    r.setPrior(0, attempts);
    long backoff = policy.backoffNanos(attempts);
    // "Equal jitter": half fixed, half random, so retries of many items spread out.
    long delay =
        backoff / 2 + (backoff > 1 ? ThreadLocalRandom.current().nextLong(backoff / 2 + 1) : 0);
    r.dueNanos = System.nanoTime() + delay;
    retries.add(r);
    retried++;
    if (listening) {
      String name = specs[c.stage].name();
      long index = c.index(p);
      int attempt = attempts;
      notifyListener(() -> listener.onRetried(name, index, attempt, error, delay));
    }
  }

  // T and R may be nullable types; NullAway cannot follow that through the unchecked casts.
  @SuppressWarnings({"unchecked", "NullAway"})
  <T extends @Nullable Object, R extends @Nullable Object> Result<T, R> resultAt(Chunk c, int p) {
    byte s = c.status(p);
    Result.Status status =
        switch (s) {
          case Chunk.OK -> Result.Status.OK;
          case Chunk.TIMED_OUT -> Result.Status.TIMED_OUT;
          default -> Result.Status.FAILED;
        };
    return new Result<>(
        c.index(p),
        (T) c.origin(p),
        s == Chunk.OK ? (R) c.out[p] : null,
        c.error(p),
        status,
        c.attempts(p),
        specs[c.stage].name());
  }

  // ---------------------------------------------------------------------------------------------
  // Ending

  private void fail(RuntimeException e) {
    if (failure == null) {
      failure = e;
      cancelAll();
      finish();
    }
  }

  private void cancelAll() {
    control.cancelled = true;
    for (List<Chunk> running : inflight) {
      for (Chunk c : running) {
        c.cancel(true);
      }
      running.clear();
    }
    retries.clear();
    closeSource();
  }

  /** Closes the run: cancels outstanding work, stops reading input. Idempotent. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    releaseCurrent();
    if (!(sourceDone && consumed == admitted)) {
      cancelAll();
    }
    finish();
  }

  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    endNanos = System.nanoTime();
    closeSource();
    cleanable.clean();
    RunStats stats = stats();
    notifyListener(() -> listener.onRunFinished(stats));
  }

  private boolean sourceClosed;

  private void closeSource() {
    if (!sourceClosed) {
      sourceClosed = true;
      Runnable r = onSourceClose;
      if (r != null) {
        try {
          r.run();
        } catch (RuntimeException e) {
          Log.warn("kopi: closing the input failed", e);
        }
      }
    }
  }

  RunStats stats() {
    long wall = (finished ? endNanos : System.nanoTime()) - startNanos;
    long busy = 0;
    long cpu = -1;
    int parallelism = 0;
    List<RunStats.StageStats> stages = new ArrayList<>(specs.length);
    for (int k = 0; k <= last; k++) {
      busy += stageBusy[k];
      if (cpuMeasured[k]) {
        cpu = Math.max(cpu, 0) + stageCpu[k];
      }
      int par = specs[k].pool().parallelism();
      parallelism = Math.max(parallelism, par);
      stages.add(
          new RunStats.StageStats(
              specs[k].name(),
              par,
              stageDone[k],
              stageChunks[k],
              stageBusy[k],
              cpuMeasured[k] ? stageCpu[k] : -1,
              stageLatency[k].summary()));
    }
    return new RunStats(
        ok + failed + timedOut,
        ok,
        failed,
        timedOut,
        retried,
        wall,
        busy,
        cpu,
        engineNanos,
        parallelism,
        latency.summary(),
        stages);
  }

  /** Grows the reorder ring to hold {@code needed} items; call before admitting them. */
  private void ensureRing(long needed) {
    if (needed <= ring.length) {
      return;
    }
    int capacity = ring.length;
    while (capacity < needed) {
      capacity <<= 1;
    }
    @Nullable Chunk[] grown = new Chunk[capacity];
    int[] grownPos = new int[capacity];
    int[] grownLen = new int[capacity];
    for (long i = consumed; i < admitted; i++) {
      int from = (int) (i & (ring.length - 1));
      int to = (int) (i & (capacity - 1));
      grown[to] = ring[from];
      grownPos[to] = ringPos[from];
      grownLen[to] = ringLen[from];
    }
    ring = grown;
    ringPos = grownPos;
    ringLen = grownLen;
  }

  private static int ceilPow2(int n) {
    return n <= 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
  }

  private void notifyListener(Runnable event) {
    try {
      event.run();
    } catch (RuntimeException e) {
      Log.warn("kopi: a RunListener threw; ignored", e);
    }
  }
}
