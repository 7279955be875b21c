package dev.kopi.core;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A fixed set of daemon platform threads taking tasks from one FIFO queue.
 *
 * <p>The queue is unbounded, but what reaches it is bounded by its callers: a map or pipeline keeps
 * at most {@code chunksPerWorker * parallelism} chunks of a stage queued or running, so only {@link
 * Pool#submit} can grow it, as with any {@code ExecutorService}.
 *
 * <p>Each worker thread remembers its pool in {@link #CURRENT}. That is what makes the pool a CPU
 * budget: work submitted to any CPU pool from a worker is {@linkplain #effective() redirected} to
 * the worker's own pool, and a worker waiting for such work runs the pieces nobody has started yet
 * (see {@link KopiFuture} and the map engine's helping), so at most {@code threads} tasks run at
 * once however deeply maps nest, and none waits on a task that no thread will run.
 */
final class CpuPool extends AbstractPool {
  private static final ThreadLocal<@Nullable CpuPool> CURRENT = new ThreadLocal<>();
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final int threads;
  private final LinkedBlockingQueue<Task> queue = new LinkedBlockingQueue<>();
  private final Thread[] workers;
  private final String name;

  CpuPool(int threads) {
    this.threads = threads;
    this.name = "kopi-cpu-" + POOLS.incrementAndGet();
    this.workers = new Thread[threads];
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(this::work, name + "-" + i);
      t.setDaemon(true);
      workers[i] = t;
    }
    for (Thread t : workers) {
      t.start();
    }
  }

  /** The CPU pool whose task the current thread is running, if any. */
  static @Nullable CpuPool current() {
    return CURRENT.get();
  }

  private void work() {
    CURRENT.set(this);
    try {
      while (true) {
        Task task;
        try {
          task = queue.take();
        } catch (InterruptedException e) {
          return; // only terminate() interrupts an idle worker
        }
        try {
          task.run();
        } finally {
          taskFinished();
        }
      }
    } finally {
      CURRENT.remove();
    }
  }

  @Override
  void enqueue(Task task) {
    queue.add(task);
  }

  @Override
  void terminate() {
    for (Thread t : workers) {
      if (t != Thread.currentThread()) {
        t.interrupt();
      }
    }
  }

  @Override
  AbstractPool effective() {
    CpuPool enclosing = CURRENT.get();
    return enclosing != null ? enclosing : this;
  }

  @Override
  boolean isWorkerThread() {
    return CURRENT.get() == this;
  }

  @Override
  public Kind kind() {
    return Kind.CPU;
  }

  @Override
  public int parallelism() {
    return threads;
  }

  @Override
  public String toString() {
    return name + "[threads=" + threads + (isClosed() ? ", closed]" : "]");
  }
}
