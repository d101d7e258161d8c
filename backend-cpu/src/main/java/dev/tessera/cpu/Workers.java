package dev.tessera.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A kernel's team of threads for parallel loops: the calling thread and {@code threads − 1} workers
 * take the loop's indices one at a time from a shared counter.
 *
 * <p>Workers spin for a short while after each loop before they park, as ONNX Runtime's pool does.
 * A kernel's runs come back to back, and a parked worker is woken where the waker runs: on the
 * development machine (two vCPUs) Linux then often ran both threads of a run on one CPU while the
 * other idled. With ForkJoinPool, mha at N = 512 took 3.8 ms in its good runs and 9 ms (CPU time
 * equal to wall time) in a third of them; see docs/benchmarks/cpu.md. A spinning worker is already
 * running on its own CPU when the next loop starts. With more threads than processors nothing
 * spins: a spinning thread would take the CPU from one that has work.
 *
 * <p>Workers are daemons and exit after {@link #KEEP_ALIVE_NANOS} without work (both times can be
 * set for tests); the next loop starts them again. A loop started while another thread's loop is running on the team (two
 * threads running one kernel at once) runs on its calling thread alone, as does a loop started from
 * inside a loop's body.
 */
final class Workers {
  /** How long a worker spins for the next loop before it parks. */
  static final long SPIN_NANOS = 2_000_000L;
  /** How long a parked worker waits for a loop before its thread ends. */
  static final long KEEP_ALIVE_NANOS = 5_000_000_000L;

  private final int threads;
  /** The spin before parking; 0 when the threads outnumber the processors. */
  private final long spinNanos;
  private final long keepAliveNanos;
  private final Worker[] team;
  private final AtomicBoolean busy = new AtomicBoolean();
  private volatile Loop loop;
  private volatile int generation;

  Workers(int threads) {
    this(threads, SPIN_NANOS, KEEP_ALIVE_NANOS);
  }

  Workers(int threads, long spinNanos, long keepAliveNanos) {
    if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, not " + threads);
    this.threads = threads;
    this.spinNanos = threads <= Runtime.getRuntime().availableProcessors() ? spinNanos : 0;
    this.keepAliveNanos = keepAliveNanos;
    this.team = new Worker[threads - 1];
  }

  /** Worker threads now running (parked or not): for tests of the keep-alive. */
  synchronized int liveWorkers() {
    int n = 0;
    for (Worker w : team) if (w != null && w.alive) n++;
    return n;
  }

  int threads() {
    return threads;
  }

  /**
   * Runs {@code body} for every index in [0, count), each once, over the team, and returns when all
   * have finished. The first exception a body throws is rethrown here after the others finish;
   * indices not yet started when it was thrown are skipped.
   */
  void forEach(int count, IntConsumer body) {
    if (count <= 0) return;
    if (count == 1 || threads == 1 || Thread.currentThread() instanceof Worker || !busy.compareAndSet(false, true)) {
      for (int i = 0; i < count; i++) body.accept(i);
      return;
    }
    try {
      Loop l = new Loop(count, body, Thread.currentThread(), spinNanos);
      loop = l;
      generation++;
      int helpers = Math.min(team.length, count - 1);
      try {
        for (int w = 0; w < helpers; w++) wake(w);
      } catch (OutOfMemoryError | RuntimeException e) {
        // A worker that cannot be started (no memory for its stack): the loop runs on fewer threads.
      }
      l.work();
      l.await();
      loop = null;
      l.rethrow();
    } finally {
      busy.set(false);
    }
  }

  private synchronized void wake(int w) {
    Worker t = team[w];
    if (t == null || !t.alive) {
      t = new Worker(w);
      team[w] = t;
      t.start();
    } else if (t.parked) {
      LockSupport.unpark(t);
    }
  }

  /** One parallel loop: its body, the next index to hand out and how many have finished. */
  private static final class Loop {
    private final int count;
    private final IntConsumer body;
    private final Thread caller;
    private final long spinNanos;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger finished = new AtomicInteger();
    private volatile Throwable error;

    Loop(int count, IntConsumer body, Thread caller, long spinNanos) {
      this.count = count;
      this.body = body;
      this.caller = caller;
      this.spinNanos = spinNanos;
    }

    void work() {
      int i;
      while ((i = next.getAndIncrement()) < count) {
        try {
          if (error == null) body.accept(i);
        } catch (Throwable t) {
          synchronized (this) {
            if (error == null) error = t;
          }
        }
        if (finished.incrementAndGet() == count) LockSupport.unpark(caller);
      }
    }

    /** Waits for indices other threads still run: spinning first, as they are usually about to end. */
    void await() {
      long start = System.nanoTime();
      while (finished.get() < count) {
        if (System.nanoTime() - start < spinNanos) Thread.onSpinWait();
        else LockSupport.parkNanos(this, 100_000L);
      }
    }

    void rethrow() {
      Throwable t = error;
      if (t == null) return;
      if (t instanceof RuntimeException r) throw r;
      if (t instanceof Error e) throw e;
      throw new IllegalStateException(t);
    }
  }

  private final class Worker extends Thread {
    volatile boolean parked;
    volatile boolean alive = true;
    private int seen;

    Worker(int index) {
      super("tessera-cpu-" + index);
      setDaemon(true);
      seen = generation - 1;
    }

    @Override
    public void run() {
      try {
        while (true) {
          Loop l = next();
          if (l == null) return;
          l.work();
        }
      } finally {
        alive = false;
      }
    }

    /** The next loop, after spinning and then parking for it; null once the team has been idle too long. */
    private Loop next() {
      long start = System.nanoTime();
      while (true) {
        int g = generation;
        Loop l = loop;
        if (g != seen) {
          // A loop that ended before this worker looked (null) needs nothing more from it.
          seen = g;
          if (l != null) return l;
        }
        long idle = System.nanoTime() - start;
        if (idle < spinNanos) {
          Thread.onSpinWait();
          continue;
        }
        if (idle > keepAliveNanos) {
          synchronized (Workers.this) {
            // wake() starts a new worker once this one is no longer alive
            if (generation == seen) {
              alive = false;
              return null;
            }
          }
          continue;
        }
        parked = true;
        if (generation == seen) LockSupport.parkNanos(this, keepAliveNanos);
        parked = false;
      }
    }
  }
}
