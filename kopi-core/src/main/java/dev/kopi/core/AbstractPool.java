package dev.kopi.core;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * What every pool shares: the lifecycle (accepting, closing, waiting for accepted work), and {@code
 * submit}, {@code invokeAll} and {@code map} built on one primitive, {@link #enqueue}.
 */
abstract sealed class AbstractPool implements Pool permits CpuPool, IoPool {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition drained = lock.newCondition();
  private boolean closed; // guarded by lock
  private long pending; // tasks accepted and not yet finished; guarded by lock

  /** Hands an accepted task to the workers. Called with the pool's lock not held. */
  abstract void enqueue(Task task);

  /** Called once when the pool is closed and all accepted work has finished. */
  abstract void terminate();

  /**
   * The pool that actually runs work submitted to this one from the current thread: the enclosing
   * CPU pool when this is a CPU pool and the caller is one of a CPU pool's tasks (one CPU budget),
   * else this pool.
   */
  AbstractPool effective() {
    return this;
  }

  /** Whether the current thread is one of this pool's workers and may run its tasks inline. */
  boolean isWorkerThread() {
    return false;
  }

  /**
   * Accepts {@code task} for execution.
   *
   * @throws RejectedExecutionException if the pool is closed
   */
  final void execute(Task task) {
    lock.lock();
    try {
      if (closed) {
        throw new RejectedExecutionException("pool is closed: " + this);
      }
      pending++;
    } finally {
      lock.unlock();
    }
    enqueue(task);
  }

  /** Called by workers after each dequeued task, whether it ran or had been claimed elsewhere. */
  final void taskFinished() {
    boolean last;
    lock.lock();
    try {
      last = --pending == 0 && closed;
      if (last) {
        drained.signalAll();
      }
    } finally {
      lock.unlock();
    }
    if (last) {
      terminate();
    }
  }

  @Override
  public final boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public final void close() {
    boolean terminateNow;
    lock.lock();
    try {
      terminateNow = !closed && pending == 0;
      closed = true;
      if (!terminateNow && !isWorkerThread()) {
        while (pending > 0) {
          drained.await();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      terminateNow = false;
    } finally {
      lock.unlock();
    }
    if (terminateNow) {
      terminate();
    }
  }

  @Override
  public final <R extends @Nullable Object> CompletableFuture<R> submit(Callable<R> task) {
    requireNonNull(task, "task");
    AbstractPool pool = effective();
    SubmittedTask<R> t = new SubmittedTask<>(pool, task);
    pool.execute(t);
    return t.future;
  }

  @Override
  public final <R extends @Nullable Object> List<CompletableFuture<R>> invokeAll(
      Collection<? extends Callable<R>> tasks, Duration timeout) throws InterruptedException {
    requireNonNull(tasks, "tasks");
    requireNonNull(timeout, "timeout");
    long deadline = System.nanoTime() + timeout.toNanos();
    List<CompletableFuture<R>> futures = new ArrayList<>(tasks.size());
    try {
      for (Callable<R> task : tasks) {
        futures.add(submit(task));
      }
      for (CompletableFuture<R> f : futures) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          f.get(left, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.ExecutionException
            | java.util.concurrent.CancellationException e) {
          // The future holds the outcome; the caller inspects it.
        } catch (TimeoutException e) {
          break;
        }
      }
    } finally {
      for (CompletableFuture<R> f : futures) {
        f.cancel(true);
      }
    }
    return futures;
  }

  @Override
  public final <T extends @Nullable Object, R extends @Nullable Object> MapRun<T, R> map(
      Iterator<? extends T> items, ItemFunction<? super T, ? extends R> fn, MapOptions options) {
    return MapRun.start(this, Sources.of(items, -1, null), fn, options);
  }

  /** A submitted {@link Callable} and the future it completes. */
  private static final class SubmittedTask<R extends @Nullable Object> extends Task {
    private final Callable<R> callable;
    final KopiFuture<R> future;

    SubmittedTask(AbstractPool pool, Callable<R> callable) {
      this.callable = callable;
      this.future = new KopiFuture<>(pool, this);
    }

    @Override
    void compute() {
      if (future.isDone()) {
        return;
      }
      try {
        future.complete(callable.call());
      } catch (Throwable e) {
        future.completeExceptionally(e);
      }
    }

    @Override
    void onCancelledBeforeRun() {
      future.cancel(false);
    }
  }

  /**
   * A future whose {@code cancel} reaches the task (prevents its start, or interrupts it) and whose
   * blocking waits, on a worker of the pool that owns the task, run the task inline if it has not
   * started, so that tasks waiting for subtasks cannot starve the pool.
   */
  static final class KopiFuture<R extends @Nullable Object> extends CompletableFuture<R> {
    private final AbstractPool pool;
    private final Task task;

    KopiFuture(AbstractPool pool, Task task) {
      this.pool = pool;
      this.task = task;
    }

    private void helpIfWorker() {
      if (!isDone() && task.isNew() && pool.isWorkerThread()) {
        task.run();
      }
    }

    @Override
    public R get() throws InterruptedException, java.util.concurrent.ExecutionException {
      helpIfWorker();
      return super.get();
    }

    @Override
    public R get(long timeout, TimeUnit unit)
        throws InterruptedException, java.util.concurrent.ExecutionException, TimeoutException {
      helpIfWorker();
      return super.get(timeout, unit);
    }

    @Override
    public R join() {
      helpIfWorker();
      return super.join();
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      if (cancelled) {
        task.cancel(mayInterruptIfRunning);
      }
      return cancelled;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
      return new CompletableFuture<>();
    }
  }
}
