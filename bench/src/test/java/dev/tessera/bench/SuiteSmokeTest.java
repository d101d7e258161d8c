package dev.tessera.bench;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The harness on tiny sizes (the real suite is a command, not a test): every case definition compiles its zoo file,
 * binds its dimensions, and every implementation agrees with Tessera; one case runs end to end through the table.
 */
class SuiteSmokeTest {
  /** Variants at N = 160 so the sliding window of 128 cuts some rows. */
  private static final CpuAttentionSuite.Sizes TINY = new CpuAttentionSuite.Sizes(4, new int[] {32}, new int[] {16}, 160, 16, 300, 40, 8);
  private static final Timing.Policy ONCE = new Timing.Policy(0, 1, 0, 1);
  private static final ForkJoinPool POOL = new ForkJoinPool(2);

  @AfterAll
  static void shutdown() {
    POOL.shutdown();
  }

  static Stream<BenchCase> tinyCases() {
    return CpuAttentionSuite.cases(TINY).stream();
  }

  @Test
  void theSuiteHasEveryCaseOfTheIssue() {
    List<String> names = CpuAttentionSuite.cases(CpuAttentionSuite.FULL).stream().map(BenchCase::name).toList();
    assertThat(names).containsExactly("mha_n512_d64", "mha_causal_n512_d64", "mha_n512_d128", "mha_causal_n512_d128", "mha_n2048_d64",
        "mha_causal_n2048_d64", "mha_n2048_d128", "mha_causal_n2048_d128", "gqa_n2048_d64", "softcap_n2048_d64", "alibi_n2048_d64",
        "sliding_window_n2048_d64", "sigmoid_n2048_d64", "decode_n8192_d64", "retnet_recurrent_t2048_d64", "gla_t2048_d64").inOrder();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tinyCases")
  void everyImplementationAgreesWithTessera(BenchCase c) {
    List<Table.Row> rows = new CpuAttentionSuite(2, ONCE).run(c, POOL);
    List<String> impls = rows.stream().map(Table.Row::impl).toList();
    if (c.onnx()) {
      assertThat(impls).containsExactly("tessera", "unfused", "onnxruntime").inOrder();
    } else {
      assertThat(impls).containsExactly("tessera", "unfused").inOrder();
    }
    for (Table.Row r : rows) {
      assertWithMessage(c.name() + " " + r.impl() + " ms").that(r.ms()).isGreaterThan(0.0);
      if (!r.impl().equals("tessera")) assertWithMessage(c.name() + " " + r.impl() + " error").that(r.error()).isAtMost(1e-4);
    }
  }

  @Test
  void oneCaseEndToEndGivesRecordsForAllThreeImplementations() {
    BenchCase c = CpuAttentionSuite.cases(TINY).stream().filter(x -> x.file().equals("alibi")).findFirst().orElseThrow();
    StringWriter progress = new StringWriter();
    List<Table.Row> rows = new CpuAttentionSuite(2, ONCE).run(List.of(c), new PrintWriter(progress, true));
    assertThat(progress.toString()).contains("[1/1] alibi_n160_d16");
    List<BenchRecord> records = CpuAttentionSuite.records(rows);
    assertThat(records.stream().map(BenchRecord::impl).toList()).containsExactly("tessera", "unfused", "onnxruntime").inOrder();
    for (BenchRecord r : records) {
      assertThat(r.suite()).isEqualTo("cpu-attention");
      assertThat(r.caseName()).isEqualTo("alibi_n160_d16");
      assertThat(r.gflops()).isWithin(1e-9 * r.gflops()).of(c.workload().flops() / (r.ms() * 1e6));
    }
    StringWriter text = new StringWriter();
    Table.print(new PrintWriter(text, true), rows, 100);
    List<String> lines = text.toString().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).startsWith("case");
    assertThat(lines.get(3)).startsWith("alibi_n160_d16");
    assertThat(lines.get(3)).contains("onnxruntime");
    // The columns line up: every row is as wide as the header.
    for (String l : lines) assertThat(l.length()).isEqualTo(lines.get(0).length());
  }

  @Test
  void ratiosCompareWithinACase() {
    List<Table.Row> rows = List.of(new Table.Row("a", "tessera", 2, 1, Double.NaN), new Table.Row("a", "unfused", 8, 1, 0),
        new Table.Row("a", "onnxruntime", 1, 1, 0), new Table.Row("b", "tessera", 3, 1, Double.NaN), new Table.Row("b", "unfused", 6, 1, 0));
    StringWriter text = new StringWriter();
    Table.print(new PrintWriter(text, true), rows, 4);
    List<String> lines = text.toString().lines().toList();
    assertThat(lines.get(1).split(" +")).asList().containsExactly("a", "tessera", "2.000", "1.00", "25.0%", "0.50", "4.00", "-").inOrder();
    assertThat(lines.get(4).split(" +")).asList().containsExactly("b", "tessera", "3.000", "1.00", "25.0%", "-", "2.00", "-").inOrder();
  }

  @Test
  void fmaPeakIsPositive() {
    FmaPeak.Peak p = FmaPeak.measure(2, 2_000_000);
    assertThat(p.singleThread()).isGreaterThan(0.0);
    assertThat(p.allThreads()).isGreaterThan(0.0);
    assertThat(p.lanes()).isAtLeast(1);
  }

  @Test
  void errorsAboveTheThresholdAreFlagged() {
    assertThat(Table.error(2e-3)).isEqualTo("2.0e-03 !");
    assertThat(Table.error(2e-7)).isEqualTo("2.0e-07  ");
    assertThat(Table.error(Double.NaN)).isEqualTo("-");
  }
}
