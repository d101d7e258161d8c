package dev.tessera.scheduler.cost;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SpearmanTest {
  @Test
  void monotoneVectorsCorrelatePerfectly() {
    assertThat(Spearman.rho(new double[] {1, 2, 3, 4}, new double[] {10, 20, 30, 1000})).isWithin(1e-12).of(1);
    assertThat(Spearman.rho(new double[] {1, 2, 3, 4}, new double[] {4, 3, 2, 1})).isWithin(1e-12).of(-1);
  }

  /** Without ties ρ = 1 − 6Σd²/(n(n²−1)): here Σd² = 4, n = 5, so ρ = 0.8. */
  @Test
  void matchesTheTextbookFormulaWithoutTies() {
    assertThat(Spearman.rho(new double[] {10, 20, 30, 40, 50}, new double[] {1, 3, 2, 5, 4})).isWithin(1e-12).of(0.8);
  }

  /** Ties share their mean rank: (5, 6, 7, 8, 7) ranks (1, 2, 3.5, 5, 3.5), so ρ = 8/√95. */
  @Test
  void tiesTakeTheirAverageRank() {
    assertThat(Spearman.ranks(new double[] {5, 6, 7, 8, 7})).usingExactEquality().containsExactly(1, 2, 3.5, 5, 3.5).inOrder();
    assertThat(Spearman.rho(new double[] {1, 2, 3, 4, 5}, new double[] {5, 6, 7, 8, 7})).isWithin(1e-12).of(8 / Math.sqrt(95));
  }

  @Test
  void constantVectorHasNoCorrelation() {
    assertThat(Spearman.rho(new double[] {1, 2, 3}, new double[] {7, 7, 7})).isNaN();
    assertThrows(IllegalArgumentException.class, () -> Spearman.rho(new double[] {1}, new double[] {1}));
  }
}
