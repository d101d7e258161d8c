package dev.tessera.cpu;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The kernel's thread team: every index exactly once, errors, nesting, concurrent callers, keep-alive. */
class WorkersTest {
  @Test
  void runsEveryIndexExactlyOnceForManyLoopsInARow() {
    Workers w = new Workers(3);
    for (int count : new int[] {1, 2, 3, 7, 33, 1000}) {
      for (int rep = 0; rep < 50; rep++) {
        AtomicIntegerArray hits = new AtomicIntegerArray(count);
        w.forEach(count, hits::incrementAndGet);
        for (int i = 0; i < count; i++) assertThat(hits.get(i)).isEqualTo(1);
      }
    }
  }

  @Test
  void spreadsWorkOverTheCallerAndTheWorkers() throws Exception {
    Workers w = new Workers(2);
    Set<Thread> ran = ConcurrentHashMap.newKeySet();
    CountDownLatch both = new CountDownLatch(2);
    // Each of the two indices waits for the other to start, so they must run on two threads.
    w.forEach(2, i -> {
      ran.add(Thread.currentThread());
      both.countDown();
      try {
        assertThat(both.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(ran).contains(Thread.currentThread());
    assertThat(ran).hasSize(2);
  }

  @Test
  void oneThreadRunsOnTheCaller() {
    Workers w = new Workers(1);
    Set<Thread> ran = ConcurrentHashMap.newKeySet();
    w.forEach(10, i -> ran.add(Thread.currentThread()));
    assertThat(ran).containsExactly(Thread.currentThread());
  }

  @Test
  void rethrowsTheBodysExceptionAfterTheOthersFinish() {
    Workers w = new Workers(2);
    AtomicIntegerArray hits = new AtomicIntegerArray(100);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.forEach(100, i -> {
      if (i == 5) throw new IllegalArgumentException("index 5");
      hits.incrementAndGet(i);
    }));
    assertThat(e).hasMessageThat().isEqualTo("index 5");
    for (int i = 0; i < 100; i++) assertThat(hits.get(i)).isAtMost(1);
    // The team still works afterwards.
    AtomicIntegerArray again = new AtomicIntegerArray(10);
    w.forEach(10, again::incrementAndGet);
    for (int i = 0; i < 10; i++) assertThat(again.get(i)).isEqualTo(1);
  }

  @Test
  void aLoopInsideALoopRunsOnItsThread() {
    Workers w = new Workers(2);
    AtomicIntegerArray hits = new AtomicIntegerArray(8 * 8);
    w.forEach(8, i -> w.forEach(8, j -> hits.incrementAndGet(i * 8 + j)));
    for (int i = 0; i < 64; i++) assertThat(hits.get(i)).isEqualTo(1);
  }

  @Test
  void twoCallersAtOnceBothGetEveryIndex() throws Exception {
    Workers w = new Workers(2);
    AtomicIntegerArray a = new AtomicIntegerArray(500);
    AtomicIntegerArray b = new AtomicIntegerArray(500);
    Thread other = new Thread(() -> {
      for (int rep = 0; rep < 20; rep++) w.forEach(500, a::incrementAndGet);
    });
    other.start();
    for (int rep = 0; rep < 20; rep++) w.forEach(500, b::incrementAndGet);
    other.join();
    for (int i = 0; i < 500; i++) {
      assertThat(a.get(i)).isEqualTo(20);
      assertThat(b.get(i)).isEqualTo(20);
    }
  }

  @Test
  void idleWorkersEndAndTheNextLoopStartsThemAgain() throws Exception {
    Workers w = new Workers(3, 1_000_000L, 50_000_000L);
    AtomicIntegerArray hits = new AtomicIntegerArray(20);
    w.forEach(20, hits::incrementAndGet);
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (w.liveWorkers() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
    assertThat(w.liveWorkers()).isEqualTo(0);
    w.forEach(20, hits::incrementAndGet);
    for (int i = 0; i < 20; i++) assertThat(hits.get(i)).isEqualTo(2);
  }
}
