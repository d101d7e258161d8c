package dev.tessera.runtime;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.diag.CompileException;
import dev.tessera.diag.Diagnostic;
import dev.tessera.diag.Sources;
import dev.tessera.diag.Span;
import dev.tessera.frontend.Frontend;
import dev.tessera.ir.Kernel;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Binding a kernel's dimensions: from input shapes, from --dim values, from defaults and through
 * relations, and every way it can fail (code, message and source position).
 */
class DimBinderTest {
  private static final String MHA = """
      kernel mha(Q: f32[B, H, M, D], K: f32[B, H, N, D], V: f32[B, H, N, E]) -> (O: f32[B, H, M, E])
          defaults(B = 1, H = 4, M = 128, N = 128, D = 64, E = 64) {
        S[b, h, m, n] = rsqrt(D) * sum[d] Q[b, h, m, d] * K[b, h, n, d]
        P[b, h, m, n] = softmax[n](S[b, h, m, n])
        O[b, h, m, e] = sum[n] P[b, h, m, n] * V[b, h, n, e]
      }
      """;

  private static final String GQA = """
      kernel gqa(Q: f32[B, H, M, D], K: f32[B, Hk, N, D], V: f32[B, Hk, N, E]) -> (O: f32[B, H, M, E])
          with H = G * Hk
          defaults(B = 1, M = 4, N = 4, D = 8, E = 8) {
        S[b, h, m, n] = rsqrt(D) * sum[d] Q[b, h, m, d] * K[b, h / G, n, d]
        P[b, h, m, n] = softmax[n](S[b, h, m, n]) where n <= m + N - M
        O[b, h, m, e] = sum[n] P[b, h, m, n] * V[b, h / G, n, e]
      }
      """;

  private static final String BLOCK_SPARSE = """
      kernel block_sparse(Q: f32[B, H, M, D], K: f32[B, H, N, D], V: f32[B, H, N, E], blocks: i8[B, H, MB, NB] in (0, 1))
          -> (O: f32[B, H, M, E])
          with MB = cdiv(M, 64), NB = cdiv(N, 64)
          defaults(B = 1, H = 2, M = 256, N = 256, D = 8, E = 8) {
        S[b, h, m, n] = rsqrt(D) * sum[d] Q[b, h, m, d] * K[b, h, n, d]
        P[b, h, m, n] = softmax[n](S[b, h, m, n]) where blocks[b, h, m / 64, n / 64] != 0
        O[b, h, m, e] = sum[n] P[b, h, m, n] * V[b, h, n, e]
      }
      """;

  /** No defaults: every dimension must come from an input or --dim. */
  private static final String GEMM = """
      kernel gemm(A: f32[M, K], B: f32[K, N]) -> (C: f32[M, N]) {
        C[m, n] = sum[k] A[m, k] * B[k, n]
      }
      """;

  /** C is the concatenation length: N = M + P, solvable for any one unknown. */
  private static final String CONCAT = """
      kernel concat(A: f32[M], B: f32[P]) -> (C: f32[N])
          with N = M + P {
        C[n] = 2.0
      }
      """;

  /** N = M - P: solving for M adds, solving for P subtracts the other way. */
  private static final String DIFFERENCE = """
      kernel difference(A: f32[M], B: f32[P]) -> (C: f32[N])
          with N = M - P {
        C[n] = 2.0
      }
      """;

  /** A constant extent in a declared shape. */
  private static final String FIXED = """
      kernel fixed(Q: f32[B, 576]) -> (O: f32[B, 512]) {
        O[b, e] = Q[b, e]
      }
      """;

  private static final String DIVIDE = """
      kernel divide(A: f32[H], B: f32[Hk]) -> (C: f32[G])
          with G = H / (Hk - 2) {
        C[g] = 2.0
      }
      """;

  private record Bound(Kernel kernel, DimBinder binder) {}

  private static Bound binder(String text) throws CompileException {
    Frontend.Compiled c = Frontend.compile(new Sources(), "t.attn", text);
    Kernel k = c.module().kernels().get(0);
    return new Bound(k, new DimBinder(k, c.sourceMap()));
  }

  private static Map<String, Long> bind(String text, Map<String, int[]> shapes, Map<String, Long> given) throws CompileException {
    return binder(text).binder().bind(shapes, given);
  }

  /** The single diagnostic of a binding that must fail. */
  private static Diagnostic fail(String text, Map<String, int[]> shapes, Map<String, Long> given) throws CompileException {
    DimBinder b = binder(text).binder();
    CompileException e = assertThrows(CompileException.class, () -> b.bind(shapes, given));
    assertThat(e.diagnostics()).hasSize(1);
    return e.diagnostics().get(0);
  }

  /** The 1-based position of the {@code occurrence}-th (0-based) {@code needle} on a 1-based line of {@code text}. */
  private static Span at(String text, int line, String needle, int occurrence) {
    String l = text.split("\n", -1)[line - 1];
    int col = -1;
    for (int i = 0; i <= occurrence; i++) col = l.indexOf(needle, col + 1);
    if (col < 0) throw new AssertionError("no " + needle + " on line " + line);
    return new Span("t.attn", line, col + 1, 1);
  }

  private static void assertAt(Diagnostic d, Span expected) {
    assertThat(d.span().file()).isEqualTo(expected.file());
    assertThat(d.span().line()).isEqualTo(expected.line());
    assertThat(d.span().column()).isEqualTo(expected.column());
  }

  private static Map<String, int[]> shapes(Object... nameShape) {
    Map<String, int[]> m = new LinkedHashMap<>();
    for (int i = 0; i < nameShape.length; i += 2) m.put((String) nameShape[i], (int[]) nameShape[i + 1]);
    return m;
  }

  private static Map<String, Long> dims(Object... nameValue) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) m.put((String) nameValue[i], ((Number) nameValue[i + 1]).longValue());
    return m;
  }

  // ---- binding ----

  @Test
  void defaultsBindEverythingWhenNothingIsGiven() throws CompileException {
    assertThat(bind(MHA, Map.of(), Map.of()))
        .containsExactly("B", 1L, "H", 4L, "M", 128L, "N", 128L, "D", 64L, "E", 64L);
  }

  @Test
  void inputShapesBindTheirDimensionsAndOverrideDefaults() throws CompileException {
    Map<String, Long> d = bind(MHA, shapes("Q", new int[] {2, 3, 5, 7}, "V", new int[] {2, 3, 11, 13}), Map.of());
    assertThat(d).containsExactly("B", 2L, "H", 3L, "M", 5L, "D", 7L, "N", 11L, "E", 13L);
  }

  @Test
  void dimValuesBindWhatInputsLeaveOpenAndOverrideDefaults() throws CompileException {
    Map<String, Long> d = bind(MHA, shapes("Q", new int[] {1, 2, 3, 4}), dims("N", 5, "E", 6));
    assertThat(d).containsExactly("B", 1L, "H", 2L, "M", 3L, "D", 4L, "N", 5L, "E", 6L);
  }

  @Test
  void aDimValueThatAgreesWithAnInputIsAccepted() throws CompileException {
    assertThat(bind(MHA, shapes("Q", new int[] {1, 2, 3, 4}), dims("M", 3))).containsEntry("M", 3L);
  }

  @Test
  void everyInputShapeIsAccepted() throws CompileException {
    Map<String, Long> d = bind(MHA, shapes("Q", new int[] {1, 2, 3, 4}, "K", new int[] {1, 2, 5, 4}, "V", new int[] {1, 2, 5, 6}), Map.of());
    assertThat(d).containsExactly("B", 1L, "H", 2L, "M", 3L, "D", 4L, "N", 5L, "E", 6L);
  }

  @Test
  void aConstantExtentThatMatchesIsAccepted() throws CompileException {
    assertThat(bind(FIXED, shapes("Q", new int[] {3, 576}), Map.of())).containsExactly("B", 3L);
  }

  // ---- relations ----

  @Test
  void relationSolvedForTheFactorFromInputShapes() throws CompileException {
    // H = G * Hk with H and Hk known from Q and K: G = H / Hk.
    Map<String, Long> d = bind(GQA, shapes("Q", new int[] {1, 8, 4, 8}, "K", new int[] {1, 2, 4, 8}), Map.of());
    assertThat(d).containsEntry("G", 4L);
    assertThat(d).containsEntry("H", 8L);
    assertThat(d).containsEntry("Hk", 2L);
  }

  @Test
  void relationSolvedForTheOtherFactor() throws CompileException {
    // H from Q and G from --dim: Hk = H / G.
    Map<String, Long> d = bind(GQA, shapes("Q", new int[] {1, 12, 4, 8}), dims("G", 3));
    assertThat(d).containsEntry("Hk", 4L);
  }

  @Test
  void relationEvaluatedForItsLeftSide() throws CompileException {
    // G and Hk given: H = G * Hk.
    Map<String, Long> d = bind(GQA, Map.of(), dims("G", 3, "Hk", 2));
    assertThat(d).containsEntry("H", 6L);
  }

  @Test
  void relationCombinesInputsAndDimValues() throws CompileException {
    Map<String, Long> d = bind(GQA, shapes("K", new int[] {1, 2, 4, 8}), dims("H", 6));
    assertThat(d).containsEntry("G", 3L);
  }

  @Test
  void additionSolvedInEveryDirection() throws CompileException {
    assertThat(bind(CONCAT, shapes("A", new int[] {3}, "B", new int[] {4}), Map.of())).containsEntry("N", 7L);
    assertThat(bind(CONCAT, shapes("A", new int[] {3}), dims("N", 10))).containsEntry("P", 7L);
    assertThat(bind(CONCAT, shapes("B", new int[] {4}), dims("N", 10))).containsEntry("M", 6L);
  }

  @Test
  void subtractionSolvedInEveryDirection() throws CompileException {
    assertThat(bind(DIFFERENCE, shapes("A", new int[] {9}, "B", new int[] {4}), Map.of())).containsEntry("N", 5L);
    // N = M - P with N and P known: M = N + P.
    assertThat(bind(DIFFERENCE, shapes("B", new int[] {4}), dims("N", 5))).containsEntry("M", 9L);
    // with N and M known: P = M - N.
    assertThat(bind(DIFFERENCE, shapes("A", new int[] {9}), dims("N", 5))).containsEntry("P", 4L);
  }

  @Test
  void cdivRelationRoundsUp() throws CompileException {
    Map<String, Long> d = bind(BLOCK_SPARSE, Map.of(), dims("M", 70, "N", 130));
    assertThat(d).containsEntry("MB", 2L);
    assertThat(d).containsEntry("NB", 3L);
    assertThat(bind(BLOCK_SPARSE, Map.of(), dims("M", 64, "N", 1))).containsAtLeast("MB", 1L, "NB", 1L);
    assertThat(bind(BLOCK_SPARSE, Map.of(), dims("M", 65, "N", 128))).containsAtLeast("MB", 2L, "NB", 2L);
  }

  @Test
  void cdivRelationFromDefaults() throws CompileException {
    assertThat(bind(BLOCK_SPARSE, Map.of(), Map.of())).containsAtLeast("M", 256L, "MB", 4L, "NB", 4L);
  }

  @Test
  void cdivRelationCheckedAgainstABlockMaskShape() throws CompileException {
    Map<String, Long> d = bind(BLOCK_SPARSE, shapes("Q", new int[] {1, 2, 70, 8}, "K", new int[] {1, 2, 130, 8},
        "blocks", new int[] {1, 2, 2, 3}), Map.of());
    assertThat(d).containsAtLeast("M", 70L, "N", 130L, "MB", 2L, "NB", 3L);
  }

  // ---- failures ----

  @Test
  void conflictingInputShapesNameBothSources() throws CompileException {
    Diagnostic d = fail(MHA, shapes("Q", new int[] {1, 2, 3, 4}, "K", new int[] {1, 3, 5, 4}), Map.of());
    assertThat(d.code()).isEqualTo(RunErrors.SHAPE_MISMATCH);
    assertThat(d.message()).contains("'H'");
    assertThat(d.message()).contains("Q.shape[1]");
    assertThat(d.message()).contains("K.shape[1]");
    assertThat(d.message()).contains("2");
    assertThat(d.message()).contains("3");
    // Points at the declaration of one of the two inputs.
    Span q = at(MHA, 1, "Q:", 0);
    Span k = at(MHA, 1, "K:", 0);
    assertThat(d.span().line()).isEqualTo(1);
    assertThat(d.span().column()).isAnyOf(q.column(), k.column());
  }

  @Test
  void inputShapeConflictingWithDimValueNamesBoth() throws CompileException {
    Diagnostic d = fail(MHA, shapes("Q", new int[] {1, 2, 3, 4}), dims("M", 5));
    assertThat(d.code()).isEqualTo(RunErrors.SHAPE_MISMATCH);
    assertThat(d.message()).contains("Q.shape[2]");
    assertThat(d.message()).contains("--dim M=5");
    assertThat(d.hint()).isNotEmpty();
    assertThat(d.span().file()).isEqualTo("t.attn");
    assertThat(d.span().known()).isTrue();
  }

  @Test
  void sameDimensionTwiceInOneInputMustAgree() throws CompileException {
    String square = """
        kernel square(A: f32[N, N]) -> (C: f32[N]) {
          C[n] = A[n, n]
        }
        """;
    assertThat(bind(square, shapes("A", new int[] {3, 3}), Map.of())).containsExactly("N", 3L);
    Diagnostic d = fail(square, shapes("A", new int[] {3, 4}), Map.of());
    assertThat(d.code()).isEqualTo(RunErrors.SHAPE_MISMATCH);
    assertThat(d.message()).contains("A.shape[0]");
    assertThat(d.message()).contains("A.shape[1]");
  }

  @Test
  void wrongRankIsAShapeMismatchAtTheDeclaration() throws CompileException {
    Diagnostic d = fail(MHA, shapes("K", new int[] {2, 5, 4}), Map.of());
    assertThat(d.code()).isEqualTo(RunErrors.SHAPE_MISMATCH);
    assertThat(d.message()).contains("4 dimensions");
    assertThat(d.message()).contains("[2, 5, 4]");
    assertAt(d, at(MHA, 1, "K:", 0));
  }

  @Test
  void wrongConstantExtentIsAShapeMismatch() throws CompileException {
    Diagnostic d = fail(FIXED, shapes("Q", new int[] {3, 575}), Map.of());
    assertThat(d.code()).isEqualTo(RunErrors.SHAPE_MISMATCH);
    assertThat(d.message()).contains("576");
    assertThat(d.message()).contains("575");
    assertAt(d, at(FIXED, 1, "Q:", 0));
  }

  @Test
  void unboundDimensionIsE403AtItsDeclaration() throws CompileException {
    Diagnostic d = fail(GEMM, shapes("A", new int[] {2, 3}), Map.of());
    assertThat(d.code()).isEqualTo(RunErrors.UNBOUND_DIM);
    assertThat(d.message()).contains("'N'");
    assertThat(d.hint()).contains("--dim N=");
    assertAt(d, at(GEMM, 1, "N", 0));
  }

  @Test
  void nothingGivenAndNoDefaultsIsUnbound() throws CompileException {
    Diagnostic d = fail(GEMM, Map.of(), Map.of());
    assertThat(d.code()).isEqualTo(RunErrors.UNBOUND_DIM);
  }

  @Test
  void relationWithBothSidesUnknownIsUnbound() throws CompileException {
    // GQA has no default for H, Hk or G: one equation, three unknowns.
    Diagnostic d = fail(GQA, Map.of(), dims("G", 2));
    assertThat(d.code()).isEqualTo(RunErrors.UNBOUND_DIM);
    assertThat(d.message()).containsMatch("'(H|Hk)'");
  }

  @Test
  void notDivisibleIsE404() throws CompileException {
    Diagnostic d = fail(GQA, shapes("Q", new int[] {1, 7, 4, 8}, "K", new int[] {1, 2, 4, 8}), Map.of());
    assertThat(d.code()).isEqualTo(RunErrors.RELATION);
    assertThat(d.message()).contains("H = G * Hk");
    assertThat(d.message()).contains("7");
    assertThat(d.message()).contains("multiple of 2");
    assertAt(d, at(GQA, 1, "H", 0));
  }

  @Test
  void relationViolatedIsE404NamingTheSources() throws CompileException {
    Diagnostic d = fail(GQA, shapes("Q", new int[] {1, 8, 4, 8}, "K", new int[] {1, 2, 4, 8}), dims("G", 3));
    assertThat(d.code()).isEqualTo(RunErrors.RELATION);
    assertThat(d.message()).contains("H = G * Hk");
    assertThat(d.message()).contains("Q.shape[1]");
    assertThat(d.message()).contains("6");
    assertThat(d.hint()).contains("--dim G=3");
    assertThat(d.hint()).contains("K.shape[1]");
  }

  @Test
  void cdivRelationViolatedByABlockMaskIsE404() throws CompileException {
    Diagnostic d = fail(BLOCK_SPARSE, shapes("blocks", new int[] {1, 2, 1, 1}), dims("M", 70, "N", 5));
    assertThat(d.code()).isEqualTo(RunErrors.RELATION);
    assertThat(d.message()).contains("MB = cdiv(M, 64)");
    assertThat(d.message()).contains("blocks.shape[2]");
    assertThat(d.hint()).contains("M = 70");
    assertAt(d, at(BLOCK_SPARSE, 1, "MB", 0));
  }

  @Test
  void relationGivingANonPositiveDimensionIsRejected() throws CompileException {
    Diagnostic d = fail(DIFFERENCE, shapes("A", new int[] {3}, "B", new int[] {3}), Map.of());
    assertThat(d.code()).isEqualTo(RunErrors.BAD_DIM);
    assertThat(d.message()).contains("'N'");
    assertThat(d.message()).contains("at least 1");
  }

  @Test
  void relationDividingByZeroIsADiagnosticNotACrash() throws CompileException {
    Diagnostic d = fail(DIVIDE, shapes("A", new int[] {4}, "B", new int[] {2}), Map.of());
    assertThat(d.code()).isEqualTo(RunErrors.RELATION);
    assertThat(d.message()).contains("divides by zero");
    assertThat(bind(DIVIDE, shapes("A", new int[] {4}, "B", new int[] {4}), Map.of())).containsEntry("G", 2L);
  }

  @Test
  void zeroExtentInputIsRejectedBeforeAnyRelationUsesIt() throws CompileException {
    String quotient = """
        kernel quotient(A: f32[H], B: f32[Hk]) -> (C: f32[G])
            with G = H / Hk {
          C[g] = 2.0
        }
        """;
    Diagnostic d = fail(quotient, shapes("A", new int[] {4}, "B", new int[] {0}), Map.of());
    assertThat(d.code()).isEqualTo(RunErrors.BAD_DIM);
    assertThat(d.message()).contains("'Hk'");
    assertThat(d.message()).contains("B.shape[0]");
    assertAt(d, at(quotient, 1, "B:", 0));
  }

  @Test
  void zeroExtentInputIsE408() throws CompileException {
    Diagnostic d = fail(MHA, shapes("Q", new int[] {1, 0, 3, 4}), Map.of());
    assertThat(d.code()).isEqualTo(RunErrors.BAD_DIM);
    assertThat(d.message()).contains("'H'");
    assertThat(d.message()).contains("at least 1");
  }

  @Test
  void unknownInputIsE405ListingTheInputs() throws CompileException {
    Diagnostic d = fail(MHA, shapes("X", new int[] {1}), Map.of());
    assertThat(d.code()).isEqualTo(RunErrors.UNKNOWN_INPUT);
    assertThat(d.message()).contains("'X'");
    assertThat(d.hint()).contains("Q, K, V");
    assertAt(d, at(MHA, 1, "mha", 0));
  }

  @Test
  void anOutputIsNotAnInput() throws CompileException {
    Diagnostic d = fail(MHA, shapes("O", new int[] {1, 4, 3, 2}), Map.of());
    assertThat(d.code()).isEqualTo(RunErrors.UNKNOWN_INPUT);
    assertThat(d.message()).contains("'O'");
  }

  @Test
  void unknownDimIsE408ListingTheDims() throws CompileException {
    Diagnostic d = fail(MHA, Map.of(), dims("Z", 3));
    assertThat(d.code()).isEqualTo(RunErrors.BAD_DIM);
    assertThat(d.message()).contains("'Z'");
    assertThat(d.hint()).contains("B, H, M, D, N, E");
    assertAt(d, at(MHA, 1, "mha", 0));
  }

  @Test
  void relationDimsCanBeGivenByName() throws CompileException {
    // G appears only in the relation, yet is a dimension of the kernel.
    assertThat(binder(GQA).kernel().dims()).contains("G");
    assertThat(bind(GQA, Map.of(), dims("G", 2, "Hk", 3))).containsEntry("H", 6L);
  }
}
