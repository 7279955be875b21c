package dev.kopi.core;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Virtual threads for blocking I/O, at most {@code maxConcurrency} at once.
 *
 * <p>Tasks wait in a queue; up to {@code maxConcurrency} virtual threads are started on demand,
 * each running queued tasks until the queue is empty, then ending. So a million submitted tasks
 * cost a million queue entries, not a million parked threads, and an idle pool holds no thread.
 */
final class IoPool extends AbstractPool {
  private static final AtomicInteger POOLS = new AtomicInteger();

  private final int maxConcurrency;
  private final ConcurrentLinkedQueue<Task> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger running = new AtomicInteger();
  private final java.util.concurrent.ThreadFactory threads; // thread-safe, unlike a Builder
  private final String name;

  IoPool(int maxConcurrency) {
    this.maxConcurrency = maxConcurrency;
    this.name = "kopi-io-" + POOLS.incrementAndGet();
    this.threads = Thread.ofVirtual().name(name + "-", 0).factory();
  }

  @Override
  void enqueue(Task task) {
    queue.add(task);
    startWorkerIfNeeded();
  }

  private void startWorkerIfNeeded() {
    while (true) {
      int r = running.get();
      if (r >= maxConcurrency || queue.isEmpty()) {
        return;
      }
      if (running.compareAndSet(r, r + 1)) {
        threads.newThread(this::drain).start();
        return;
      }
    }
  }

  private void drain() {
    while (true) {
      Task task;
      while ((task = queue.poll()) != null) {
        try {
          task.run();
        } finally {
          taskFinished();
        }
      }
      running.decrementAndGet();
      // A task may have been queued after our last poll but before the decrement, when the
      // enqueuer still saw us running: take it on rather than strand it.
      if (!rejoin()) {
        return;
      }
    }
  }

  private boolean rejoin() {
    while (true) {
      int r = running.get();
      if (queue.isEmpty() || r >= maxConcurrency) {
        return false;
      }
      if (running.compareAndSet(r, r + 1)) {
        return true;
      }
    }
  }

  @Override
  void terminate() {
    // Virtual threads end by themselves when the queue is empty.
  }

  @Override
  public Kind kind() {
    return Kind.IO;
  }

  @Override
  public int parallelism() {
    return maxConcurrency;
  }

  @Override
  public String toString() {
    return name + "[maxConcurrency=" + maxConcurrency + (isClosed() ? ", closed]" : "]");
  }
}
