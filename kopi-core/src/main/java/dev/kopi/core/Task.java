package dev.kopi.core;

import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A unit of work that runs at most once, on whichever thread claims it first: a pool worker that
 * takes it from the queue, or a thread that is waiting for it and helps by running it inline (see
 * {@link CpuPool}). Cancellation before the claim prevents the run; after it, it may interrupt the
 * running thread.
 *
 * <p>The interrupt protocol: {@link #cancel} interrupts only while {@code runner} is set, under
 * this object's lock, and the runner clears it under the same lock before it returns and then
 * clears its interrupt status; so an interrupt meant for this task never leaks into the next task
 * that the pool thread runs.
 */
abstract class Task implements Runnable {
  private static final int NEW = 0;
  private static final int RUNNING = 1;
  private static final int DONE = 2;
  private static final int CANCELLED = 3;

  private final AtomicInteger state = new AtomicInteger(NEW);
  private @Nullable Thread runner;

  /** The work itself. Exceptions must be handled inside; anything escaping is logged. */
  abstract void compute();

  /** Called once, on the cancelling thread, when the task is cancelled before it ran. */
  void onCancelledBeforeRun() {}

  @Override
  public final void run() {
    if (!state.compareAndSet(NEW, RUNNING)) {
      return; // claimed by a helper, or cancelled
    }
    synchronized (this) {
      runner = Thread.currentThread();
    }
    try {
      compute();
    } catch (RuntimeException | Error e) {
      Log.warn("kopi: a task threw past its own handler", e);
    } finally {
      synchronized (this) {
        runner = null;
      }
      state.set(DONE);
      // Consume an interrupt aimed at this task, so the pool thread's next task starts clean.
      Thread.interrupted();
    }
  }

  /** Whether nothing has claimed the task yet. */
  final boolean isNew() {
    return state.get() == NEW;
  }

  /**
   * Prevents the task from starting; if it is already running and {@code interrupt} is true,
   * interrupts its thread.
   *
   * @return true if this call stopped the task from ever running
   */
  final boolean cancel(boolean interrupt) {
    if (state.compareAndSet(NEW, CANCELLED)) {
      onCancelledBeforeRun();
      return true;
    }
    if (interrupt) {
      synchronized (this) {
        Thread t = runner;
        if (t != null && t != Thread.currentThread()) {
          t.interrupt();
        }
      }
    }
    return false;
  }
}
