package dev.kopi.core;

import java.util.concurrent.LinkedBlockingQueue;
import org.jspecify.annotations.Nullable;

/**
 * The part of a run that its chunks see: the stage functions, the cancellation flag and the queue
 * through which finished chunks come back. It deliberately holds no reference to the run itself, so
 * a run its consumer has dropped can be collected, and its {@link java.lang.ref.Cleaner} action
 * (which holds this object) can cancel the chunks still queued.
 */
final class Control implements Runnable {
  final StageRuntime[] stages;
  final LinkedBlockingQueue<Chunk> completions = new LinkedBlockingQueue<>();
  volatile boolean cancelled;

  Control(StageRuntime[] stages) {
    this.stages = stages;
  }

  /** The Cleaner action: the run was dropped without being closed. */
  @Override
  public void run() {
    cancelled = true;
  }

  /** What a worker needs to know about its chunk's stage. */
  static final class StageRuntime {
    final String name;
    final ContextFunction<@Nullable Object, @Nullable Object> fn;

    /** The function when it takes no context: called directly, with no context to update. */
    final @Nullable ItemFunction<@Nullable Object, @Nullable Object> plain;

    final ErrorPolicy policy;
    final long timeoutNanos;

    StageRuntime(
        String name,
        ContextFunction<@Nullable Object, @Nullable Object> fn,
        @Nullable ItemFunction<@Nullable Object, @Nullable Object> plain,
        ErrorPolicy policy,
        long timeoutNanos) {
      this.name = name;
      this.fn = fn;
      this.plain = plain;
      this.policy = policy;
      this.timeoutNanos = timeoutNanos;
    }
  }
}
