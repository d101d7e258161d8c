package dev.tessera.testsuite;

import static com.google.common.truth.Truth.assertWithMessage;

import dev.tessera.testsuite.oracle.ZooOracle;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every zoo file, run by the reference interpreter after the full pass pipeline, against the
 * independent oracle written from ZOO.md, on awkward shapes: sizes that are no multiple of a tile,
 * M different from N in both directions (M > N leaves early causal rows fully masked), M = 1.
 */
class ZooSemanticsTest {
  private static final double TOLERANCE = 1e-9;

  /** Shapes (M, N, D, E) exercised by every softmax-style example. */
  static Stream<Arguments> shapes() {
    return Stream.of(
        Arguments.of(33, 77, 40, 24),
        Arguments.of(77, 33, 16, 8),
        Arguments.of(1, 129, 8, 5),
        Arguments.of(1, 1, 1, 1),
        Arguments.of(65, 65, 3, 2));
  }

  private static Map<String, Long> dims(int b, int h, int m, int n, int d, int e) {
    return Map.of("B", (long) b, "H", (long) h, "M", (long) m, "N", (long) n, "D", (long) d, "E", (long) e);
  }

  private static void assertClose(String what, double[] got, double[] want) {
    assertWithMessage(what + " length").that(got.length).isEqualTo(want.length);
    double scale = 1;
    for (double w : want) scale = Math.max(scale, Math.abs(w));
    for (int i = 0; i < got.length; i++) {
      if (Math.abs(got[i] - want[i]) > TOLERANCE * scale) {
        assertWithMessage(what + " at flat index " + i).that(got[i]).isWithin(TOLERANCE * scale).of(want[i]);
      }
    }
  }

  @ParameterizedTest(name = "mha M={0} N={1} D={2} E={3}")
  @MethodSource("shapes")
  void mha(int m, int n, int d, int e) {
    ZooRun r = ZooRun.run("attention/mha.attn", dims(2, 3, m, n, d, e), 1);
    assertClose("mha", r.out(), ZooOracle.mha(r.in("Q"), r.in("K"), r.in("V"), 2, 3, m, n, d, e));
  }

  @ParameterizedTest(name = "mha_causal M={0} N={1} D={2} E={3}")
  @MethodSource("shapes")
  void mhaCausal(int m, int n, int d, int e) {
    ZooRun r = ZooRun.run("attention/mha_causal.attn", dims(1, 2, m, n, d, e), 2);
    assertClose("mha_causal", r.out(), ZooOracle.mhaCausal(r.in("Q"), r.in("K"), r.in("V"), 1, 2, m, n, d, e));
  }

  @ParameterizedTest(name = "gqa M={0} N={1} D={2} E={3}")
  @MethodSource("shapes")
  void gqa(int m, int n, int d, int e) {
    Map<String, Long> dims = Map.of("B", 1L, "H", 6L, "Hk", 2L, "M", (long) m, "N", (long) n, "D", (long) d, "E", (long) e);
    ZooRun r = ZooRun.run("attention/gqa.attn", dims, 3);
    assertClose("gqa", r.out(), ZooOracle.gqa(r.in("Q"), r.in("K"), r.in("V"), 1, 6, 2, m, n, d, e));
  }

  @ParameterizedTest(name = "sliding_window M={0} N={1} D={2} E={3}")
  @MethodSource("shapes")
  void slidingWindow(int m, int n, int d, int e) {
    ZooRun r = ZooRun.run("attention/sliding_window.attn", dims(1, 2, m, n, d, e), 4);
    assertClose("sliding_window", r.out(), ZooOracle.slidingWindow(r.in("Q"), r.in("K"), r.in("V"), 1, 2, m, n, d, e));
  }

  @ParameterizedTest(name = "sliding_window long M={0} N={1}")
  @MethodSource("longWindows")
  void slidingWindowBeyondTheWindow(int m, int n) {
    ZooRun r = ZooRun.run("attention/sliding_window.attn", dims(1, 1, m, n, 4, 3), 5);
    assertClose("sliding_window", r.out(), ZooOracle.slidingWindow(r.in("Q"), r.in("K"), r.in("V"), 1, 1, m, n, 4, 3));
  }

  static Stream<Arguments> longWindows() {
    return Stream.of(Arguments.of(200, 300), Arguments.of(257, 257), Arguments.of(1, 400));
  }

  @ParameterizedTest(name = "alibi M={0} N={1} D={2} E={3}")
  @MethodSource("shapes")
  void alibi(int m, int n, int d, int e) {
    ZooRun r = ZooRun.run("attention/alibi.attn", dims(1, 3, m, n, d, e), 6);
    assertClose("alibi", r.out(), ZooOracle.alibi(r.in("Q"), r.in("K"), r.in("V"), r.in("slopes"), 1, 3, m, n, d, e));
  }

  @ParameterizedTest(name = "softcap M={0} N={1} D={2} E={3}")
  @MethodSource("shapes")
  void softcap(int m, int n, int d, int e) {
    ZooRun r = ZooRun.run("attention/softcap.attn", dims(1, 2, m, n, d, e), 7);
    assertClose("softcap", r.out(), ZooOracle.softcap(r.in("Q"), r.in("K"), r.in("V"), 1, 2, m, n, d, e));
  }

  @ParameterizedTest(name = "sigmoid M={0} N={1} D={2} E={3}")
  @MethodSource("shapes")
  void sigmoid(int m, int n, int d, int e) {
    ZooRun r = ZooRun.run("attention/sigmoid.attn", dims(2, 1, m, n, d, e), 8);
    assertClose("sigmoid", r.out(), ZooOracle.sigmoid(r.in("Q"), r.in("K"), r.in("V"), 2, 1, m, n, d, e));
  }

  @ParameterizedTest(name = "relu M={0} N={1} D={2} E={3}")
  @MethodSource("shapes")
  void relu(int m, int n, int d, int e) {
    ZooRun r = ZooRun.run("attention/relu.attn", dims(1, 2, m, n, d, e), 9);
    assertClose("relu", r.out(), ZooOracle.relu(r.in("Q"), r.in("K"), r.in("V"), 1, 2, m, n, d, e));
  }

  @ParameterizedTest(name = "diff M={0} N={1} D={2} E={3}")
  @MethodSource("shapes")
  void diff(int m, int n, int d, int e) {
    ZooRun r = ZooRun.run("attention/diff.attn", dims(1, 2, m, n, d, e), 10);
    assertClose("diff", r.out(), ZooOracle.diff(r.in("Q1"), r.in("K1"), r.in("Q2"), r.in("K2"), r.in("V"), r.in("lam")[0],
        1, 2, m, n, d, e));
  }

  @ParameterizedTest(name = "block_sparse M={0} N={1} D={2} E={3}")
  @MethodSource("shapes")
  void blockSparse(int m, int n, int d, int e) {
    ZooRun r = ZooRun.run("attention/block_sparse.attn", dims(1, 2, m, n, d, e), 11);
    assertClose("block_sparse", r.out(), ZooOracle.blockSparse(r.in("Q"), r.in("K"), r.in("V"), r.in("blocks"), 1, 2, m, n, d, e));
  }

  @ParameterizedTest(name = "block_sparse large M={0} N={1}")
  @MethodSource("sparseShapes")
  void blockSparseSeveralBlocks(int m, int n) {
    ZooRun r = ZooRun.run("attention/block_sparse.attn", dims(1, 2, m, n, 4, 3), 12);
    assertClose("block_sparse", r.out(), ZooOracle.blockSparse(r.in("Q"), r.in("K"), r.in("V"), r.in("blocks"), 1, 2, m, n, 4, 3));
  }

  static Stream<Arguments> sparseShapes() {
    return Stream.of(Arguments.of(130, 200), Arguments.of(257, 64), Arguments.of(64, 65));
  }

  @ParameterizedTest(name = "mla_decode M={0} N={1}")
  @MethodSource("mlaShapes")
  void mlaDecode(int m, int n) {
    ZooRun r = ZooRun.run("attention/mla_decode.attn", Map.of("B", 1L, "H", 3L, "M", (long) m, "N", (long) n), 13);
    assertClose("mla_decode", r.out(), ZooOracle.mlaDecode(r.in("Q"), r.in("C"), 1, 3, m, n));
  }

  static Stream<Arguments> mlaShapes() {
    return Stream.of(Arguments.of(1, 77), Arguments.of(2, 33), Arguments.of(1, 1));
  }

  static Stream<Arguments> recurrentShapes() {
    return Stream.of(Arguments.of(33, 5, 7), Arguments.of(1, 1, 1), Arguments.of(77, 16, 3));
  }

  private static Map<String, Long> tdims(int t, int d, int e) {
    return Map.of("B", 2L, "H", 3L, "T", (long) t, "D", (long) d, "E", (long) e);
  }

  @ParameterizedTest(name = "retnet_parallel T={0} D={1} E={2}")
  @MethodSource("recurrentShapes")
  void retnetParallel(int t, int d, int e) {
    ZooRun r = ZooRun.run("attention/retnet_parallel.attn", tdims(t, d, e), 14);
    assertClose("retnet_parallel", r.out(), ZooOracle.retnetParallel(r.in("Q"), r.in("K"), r.in("V"), r.in("gamma"), 2, 3, t, d, e));
  }

  @ParameterizedTest(name = "retnet_recurrent T={0} D={1} E={2}")
  @MethodSource("recurrentShapes")
  void retnetRecurrent(int t, int d, int e) {
    ZooRun r = ZooRun.run("attention/retnet_recurrent.attn", tdims(t, d, e), 15);
    assertClose("retnet_recurrent", r.out(), ZooOracle.retnetRecurrent(r.in("Q"), r.in("K"), r.in("V"), r.in("gamma"), 2, 3, t, d, e));
  }

  @ParameterizedTest(name = "mamba2_ssd T={0} D={1} E={2}")
  @MethodSource("recurrentShapes")
  void mamba2(int t, int d, int e) {
    ZooRun r = ZooRun.run("attention/mamba2_ssd.attn", tdims(t, d, e), 16);
    assertClose("mamba2_ssd", r.out(), ZooOracle.mamba2Ssd(r.in("Q"), r.in("K"), r.in("V"), r.in("a"), 2, 3, t, d, e));
  }

  @ParameterizedTest(name = "gla T={0} D={1} E={2}")
  @MethodSource("recurrentShapes")
  void gla(int t, int d, int e) {
    ZooRun r = ZooRun.run("attention/gla.attn", tdims(t, d, e), 17);
    assertClose("gla", r.out(), ZooOracle.gla(r.in("Q"), r.in("K"), r.in("V"), r.in("g"), 2, 3, t, d, e));
  }

  @ParameterizedTest(name = "gemm M={0} K={1} N={2}")
  @MethodSource("gemmShapes")
  void gemm(int m, int k, int n) {
    ZooRun r = ZooRun.run("einsum/gemm.attn", Map.of("M", (long) m, "K", (long) k, "N", (long) n), 18);
    assertClose("gemm", r.out(), ZooOracle.gemm(r.in("A"), r.in("B"), m, k, n));
  }

  static Stream<Arguments> gemmShapes() {
    return Stream.of(Arguments.of(33, 77, 5), Arguments.of(1, 1, 1), Arguments.of(1, 257, 3));
  }

  @ParameterizedTest(name = "gemv N={0} K={1}")
  @MethodSource("gemvShapes")
  void gemv(int n, int k) {
    ZooRun r = ZooRun.run("einsum/gemv.attn", Map.of("N", (long) n, "K", (long) k), 19);
    assertClose("gemv", r.out(), ZooOracle.gemv(r.in("W"), r.in("x"), n, k));
  }

  static Stream<Arguments> gemvShapes() {
    return Stream.of(Arguments.of(77, 33), Arguments.of(1, 1), Arguments.of(257, 1));
  }

  @ParameterizedTest(name = "gated_mlp T={0} Dm={1} F={2}")
  @MethodSource("gemmShapes")
  void gatedMlp(int t, int dm, int f) {
    ZooRun r = ZooRun.run("einsum/gated_mlp.attn", Map.of("T", (long) t, "Dm", (long) dm, "F", (long) f), 20);
    assertClose("gated_mlp", r.out(), ZooOracle.gatedMlp(r.in("X"), r.in("W1"), r.in("W3"), r.in("W2"), t, dm, f));
  }
}
