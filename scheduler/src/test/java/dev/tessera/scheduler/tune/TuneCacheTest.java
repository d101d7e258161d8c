package dev.tessera.scheduler.tune;

import static com.google.common.truth.Truth.assertThat;

import dev.tessera.scheduler.Schedule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tuning cache's keys, its file across instances, and what it does with a damaged file. */
class TuneCacheTest {
  private static final String IR = "kernel mha(Q: f32[M, D]) { ... }";
  private static final Schedule FAST = Schedule.parse("cpu{blockM=64, blockN=32, threads=4}");

  @TempDir
  Path tmp;

  private final List<String> warnings = new ArrayList<>();

  private TuneCache cache() {
    return new TuneCache(tmp.resolve("sub").resolve(TuneCache.FILE), warnings::add);
  }

  @Test
  void sizesInOneBucketShareAnEntry() {
    TuneCache c = cache();
    c.put(new TuneCache.Entry(TuneKey.of(IR, "host", Map.of("M", 100L, "D", 64L)), FAST, 0.002));
    assertThat(c.get(TuneKey.of(IR, "host", Map.of("M", 128L, "D", 33L))).map(TuneCache.Entry::schedule)).hasValue(FAST);
    assertThat(c.get(TuneKey.of(IR, "host", Map.of("M", 129L, "D", 64L)))).isEmpty();
    assertThat(c.get(TuneKey.of(IR + " ", "host", Map.of("M", 100L, "D", 64L)))).isEmpty();
    assertThat(c.get(TuneKey.of(IR, "other", Map.of("M", 100L, "D", 64L)))).isEmpty();
    assertThat(warnings).isEmpty();
  }

  @Test
  void bucketsRoundUpToPowersOfTwoInNameOrder() {
    assertThat(TuneKey.bucket(Map.of("N", 1L, "M", 3L, "D", 64L, "E", 65L))).isEqualTo("D=64,E=128,M=4,N=1");
    assertThat(TuneKey.bucket(Map.of())).isEmpty();
  }

  @Test
  void entriesOutliveTheInstanceThatWroteThem() {
    TuneKey a = TuneKey.of(IR, "host", Map.of("M", 8L));
    TuneKey b = TuneKey.of(IR, "host", Map.of());
    cache().put(new TuneCache.Entry(a, FAST, 0.5));
    cache().put(new TuneCache.Entry(b, FAST.with("threads", 1), 1.25e-4));
    TuneCache fresh = cache();
    assertThat(fresh.get(a)).hasValue(new TuneCache.Entry(a, FAST, 0.5));
    assertThat(fresh.get(b).get().schedule()).isEqualTo(FAST.with("threads", 1));
    assertThat(fresh.get(b).get().seconds()).isWithin(1e-12).of(1.25e-4);
    assertThat(fresh.entries()).hasSize(2);
  }

  @Test
  void aLaterResultReplacesAnEarlierOne() {
    TuneKey a = TuneKey.of(IR, "host", Map.of("M", 8L));
    cache().put(new TuneCache.Entry(a, FAST, 0.5));
    cache().put(new TuneCache.Entry(a, FAST.with("blockM", 128), 0.25));
    assertThat(cache().entries()).containsExactly(new TuneCache.Entry(a, FAST.with("blockM", 128), 0.25));
  }

  @Test
  void malformedLinesAreIgnoredWithAWarningAndDroppedOnWrite() throws IOException {
    TuneKey a = TuneKey.of(IR, "host", Map.of("M", 8L));
    cache().put(new TuneCache.Entry(a, FAST, 0.5));
    Path f = cache().file();
    Files.writeString(f, Files.readString(f) + "garbage\nabc\thost\tM=8\t1\tcpu{}\n" + a.kernelHash() + "\thost\tM=8\tfast\tcpu{}\n");
    TuneCache c = cache();
    assertThat(c.get(a).map(TuneCache.Entry::schedule)).hasValue(FAST);
    assertThat(warnings).hasSize(3);
    assertThat(warnings.get(0)).contains(TuneCache.FILE + ":4: ignoring a malformed tuning-cache line");
    warnings.clear();
    c.put(new TuneCache.Entry(TuneKey.of(IR, "host", Map.of()), FAST, 1));
    assertThat(cache().entries()).hasSize(2);
    assertThat(warnings).isEmpty();
  }

  @Test
  void aFileThatIsNotTextIsAWarningNotAFailure() throws IOException {
    Files.createDirectories(cache().file().getParent());
    Files.write(cache().file(), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
    assertThat(cache().get(TuneKey.of(IR, "host", Map.of()))).isEmpty();
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).contains("ignoring the unreadable tuning cache");
  }

  @Test
  void anUnwritableCacheIsAWarning() throws IOException {
    Path blocker = tmp.resolve("file");
    Files.writeString(blocker, "");
    TuneCache c = new TuneCache(blocker.resolve(TuneCache.FILE), warnings::add);
    c.put(new TuneCache.Entry(TuneKey.of(IR, "host", Map.of()), FAST, 1));
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).contains("could not write the tuning cache");
  }
}
