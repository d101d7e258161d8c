package dev.tessera.testsuite.oracle;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ZooOracleTest {

  private static final double EXACT = 1e-12;

  // ------------------------------------------------------------------------------------------
  // helpers
  // ------------------------------------------------------------------------------------------

  private static double[] random(long seed, int size, double lo, double hi) {
    Random rng = new Random(seed);
    double[] x = new double[size];
    for (int i = 0; i < size; i++) {
      x[i] = lo + (hi - lo) * rng.nextDouble();
    }
    return x;
  }

  private static double[] randn(long seed, int size) {
    Random rng = new Random(seed);
    double[] x = new double[size];
    for (int i = 0; i < size; i++) {
      x[i] = rng.nextGaussian();
    }
    return x;
  }

  private static double[] scaled(double[] x, double factor) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = x[i] * factor;
    }
    return y;
  }

  private static double maxAbs(double[] x) {
    double m = 0.0;
    for (double value : x) {
      m = Math.max(m, Math.abs(value));
    }
    return m;
  }

  private static void assertClose(double[] actual, double[] expected, double tolerance) {
    assertThat(actual).usingTolerance(tolerance).containsExactly(expected).inOrder();
  }

  /** Relative-to-magnitude closeness for the larger randomized cross-checks. */
  private static void assertCloseRel(double[] actual, double[] expected, double rel) {
    assertThat(maxAbs(expected)).isGreaterThan(0.0);
    assertClose(actual, expected, rel * Math.max(1.0, maxAbs(expected)));
  }

  /** Repeats K/V head h / G into a [B,H,N,X] array so that mha can serve as a reference for GQA. */
  private static double[] repeatHeads(double[] x, int B, int H, int Hk, int N, int X) {
    int G = H / Hk;
    double[] y = new double[B * H * N * X];
    for (int b = 0; b < B; b++) {
      for (int h = 0; h < H; h++) {
        for (int n = 0; n < N; n++) {
          for (int i = 0; i < X; i++) {
            y[((b * H + h) * N + n) * X + i] = x[((b * Hk + h / G) * N + n) * X + i];
          }
        }
      }
    }
    return y;
  }

  // ------------------------------------------------------------------------------------------
  // mha / causal hand cases
  // ------------------------------------------------------------------------------------------

  @Test
  void mha_singleKey_returnsValue() {
    // M=N=1, D=E=1: softmax over one key is exactly 1, so O = V = 5 whatever q, k are.
    double[] o = ZooOracle.mha(new double[] {2}, new double[] {3}, new double[] {5}, 1, 1, 1, 1, 1, 1);
    assertClose(o, new double[] {5}, EXACT);
  }

  @Test
  void mha_twoByTwo_exact() {
    // D=1 so scale=1. Q=[1,1], K=[0, ln3], V=[4,8].
    // Both rows: s = [0, ln3] -> weights [1/4, 3/4] -> O = 1 + 6 = 7.
    double[] q = {1, 1};
    double[] k = {0, Math.log(3)};
    double[] v = {4, 8};
    assertClose(ZooOracle.mha(q, k, v, 1, 1, 2, 2, 1, 1), new double[] {7, 7}, EXACT);
  }

  @Test
  void mhaCausal_twoByTwo_exact() {
    // Same data as above, causal with M=N: row 0 sees only key 0 -> O0 = V0 = 4;
    // row 1 sees both keys -> weights [1/4, 3/4] -> O1 = 7.
    double[] q = {1, 1};
    double[] k = {0, Math.log(3)};
    double[] v = {4, 8};
    assertClose(ZooOracle.mhaCausal(q, k, v, 1, 1, 2, 2, 1, 1), new double[] {4, 7}, EXACT);
  }

  @Test
  void mha_scaleIsOneOverSqrtD() {
    // D=4 -> scale = 1/2. Q=[1,0,0,0], K0=0, K1=[2 ln3,0,0,0] -> s=[0, ln3] -> weights [1/4,3/4].
    // V=[4,8] -> 7.
    double[] q = {1, 0, 0, 0};
    double[] k = {0, 0, 0, 0, 2 * Math.log(3), 0, 0, 0};
    double[] v = {4, 8};
    assertClose(ZooOracle.mha(q, k, v, 1, 1, 1, 2, 4, 1), new double[] {7}, EXACT);
  }

  @Test
  void mhaCausal_moreQueriesThanKeys_earlyRowsAreZero() {
    // M=3, N=1: key 0 visible to m iff 0 <= m + (1 - 3) = m - 2, i.e. only m=2.
    // Rows 0 and 1 see nothing -> zeros; row 2 -> V0 = [3, -4].
    double[] q = {1, 2, 3};
    double[] k = {0.5};
    double[] v = {3, -4};
    double[] o = ZooOracle.mhaCausal(q, k, v, 1, 1, 3, 1, 1, 2);
    assertClose(o, new double[] {0, 0, 0, 0, 3, -4}, EXACT);
  }

  @Test
  void mhaCausal_fewerQueriesThanKeys_bottomRightAligned() {
    // M=2, N=3, D=1. Q=[1,1], K=[0,0,ln2], V=[1,2,3].
    // Row 0: visible n <= 0 + 1 -> keys 0,1 with equal scores -> (1+2)/2 = 1.5.
    // Row 1: visible n <= 2 -> weights [1,1,2]/4 -> (1 + 2 + 6)/4 = 2.25.
    double[] q = {1, 1};
    double[] k = {0, 0, Math.log(2)};
    double[] v = {1, 2, 3};
    assertClose(ZooOracle.mhaCausal(q, k, v, 1, 1, 2, 3, 1, 1), new double[] {1.5, 2.25}, EXACT);
  }

  @Test
  void mhaCausal_singleQuery_seesAllKeys_equalsMha() {
    // M=1, N=9: m + N - M = 8, so every key is visible.
    int B = 2, H = 3, M = 1, N = 9, D = 4, E = 3;
    double[] q = randn(1, B * H * M * D);
    double[] k = randn(2, B * H * N * D);
    double[] v = randn(3, B * H * N * E);
    assertClose(ZooOracle.mhaCausal(q, k, v, B, H, M, N, D, E),
        ZooOracle.mha(q, k, v, B, H, M, N, D, E), EXACT);
  }

  @Test
  void mha_largeScores_areStable() {
    // Scores of +-1000 would overflow exp without max subtraction. s = [1000, 1000 + ln3].
    double[] q = {1};
    double[] k = {1000, 1000 + Math.log(3)};
    double[] v = {4, 8};
    assertClose(ZooOracle.mha(q, k, v, 1, 1, 1, 2, 1, 1), new double[] {7}, 1e-9);
  }

  // ------------------------------------------------------------------------------------------
  // gqa
  // ------------------------------------------------------------------------------------------

  @Test
  void gqa_groupOne_equalsMhaCausal() {
    int B = 2, H = 3, M = 5, N = 7, D = 4, E = 3;
    double[] q = randn(10, B * H * M * D);
    double[] k = randn(11, B * H * N * D);
    double[] v = randn(12, B * H * N * E);
    assertClose(ZooOracle.gqa(q, k, v, B, H, H, M, N, D, E),
        ZooOracle.mhaCausal(q, k, v, B, H, M, N, D, E), EXACT);
  }

  @Test
  void gqa_groupOfTwo_equalsMhaCausalWithRepeatedHeads() {
    int B = 2, H = 4, Hk = 2, M = 6, N = 6, D = 3, E = 5;
    double[] q = randn(20, B * H * M * D);
    double[] k = randn(21, B * Hk * N * D);
    double[] v = randn(22, B * Hk * N * E);
    double[] kRep = repeatHeads(k, B, H, Hk, N, D);
    double[] vRep = repeatHeads(v, B, H, Hk, N, E);
    assertClose(ZooOracle.gqa(q, k, v, B, H, Hk, M, N, D, E),
        ZooOracle.mhaCausal(q, kRep, vRep, B, H, M, N, D, E), EXACT);
  }

  @Test
  void gqa_headMapping_exact() {
    // H=2, Hk=1, M=N=1, D=E=1: both query heads read the single K/V head -> O = [V, V].
    double[] o = ZooOracle.gqa(new double[] {1, -1}, new double[] {2}, new double[] {9},
        1, 2, 1, 1, 1, 1, 1);
    assertClose(o, new double[] {9, 9}, EXACT);
  }

  @Test
  void gqa_rejectsNonMultipleHeads() {
    assertThrows(IllegalArgumentException.class, () -> ZooOracle.gqa(
        new double[3], new double[2], new double[2], 1, 3, 2, 1, 1, 1, 1));
  }

  // ------------------------------------------------------------------------------------------
  // sliding window
  // ------------------------------------------------------------------------------------------

  @Test
  void slidingWindow_shortSequence_equalsCausal() {
    // N < 128: m + N - M - n <= N - 1 < 128 for every causal pair, so the window never bites.
    int B = 1, H = 2, M = 9, N = 40, D = 4, E = 3;
    double[] q = randn(30, B * H * M * D);
    double[] k = randn(31, B * H * N * D);
    double[] v = randn(32, B * H * N * E);
    assertClose(ZooOracle.slidingWindow(q, k, v, B, H, M, N, D, E),
        ZooOracle.mhaCausal(q, k, v, B, H, M, N, D, E), EXACT);
  }

  @Test
  void slidingWindow_decodeRow_averagesLast128Keys() {
    // M=1, N=200, Q=0 so all visible scores are equal. Visible: 199 - n < 128 -> n in [72, 199].
    // V[n] = n -> O = mean(72..199) = (72 + 199) / 2 = 135.5.
    int N = 200;
    double[] v = new double[N];
    for (int n = 0; n < N; n++) {
      v[n] = n;
    }
    double[] o = ZooOracle.slidingWindow(new double[1], new double[N], v, 1, 1, 1, N, 1, 1);
    assertClose(o, new double[] {135.5}, 1e-9);
  }

  @Test
  void slidingWindow_everyRow_averagesItsWindow() {
    // M=N=200, Q=0, V[n]=n. Row m sees n in [max(0, m-127), m] -> mean (lo + m) / 2.
    int T = 200;
    double[] v = new double[T];
    for (int n = 0; n < T; n++) {
      v[n] = n;
    }
    double[] expected = new double[T];
    for (int m = 0; m < T; m++) {
      int lo = Math.max(0, m - 127);
      expected[m] = (lo + m) / 2.0;
    }
    double[] o = ZooOracle.slidingWindow(new double[T], new double[T], v, 1, 1, T, T, 1, 1);
    assertClose(o, expected, 1e-9);
  }

  // ------------------------------------------------------------------------------------------
  // alibi
  // ------------------------------------------------------------------------------------------

  @Test
  void alibi_zeroSlopes_equalsMhaCausal() {
    int B = 2, H = 3, M = 4, N = 6, D = 5, E = 2;
    double[] q = randn(40, B * H * M * D);
    double[] k = randn(41, B * H * N * D);
    double[] v = randn(42, B * H * N * E);
    assertClose(ZooOracle.alibi(q, k, v, new double[H], B, H, M, N, D, E),
        ZooOracle.mhaCausal(q, k, v, B, H, M, N, D, E), EXACT);
  }

  @Test
  void alibi_square_exact() {
    // M=N=2, Q=0 so s=0, slope ln2. Row 0: only key 0 -> 3.
    // Row 1: bias(key0) = ln2 * (0 - 1) = -ln2, bias(key1) = 0 -> weights [1/2, 1] / (3/2) = [1/3, 2/3].
    // V=[3,6] -> 1 + 4 = 5.
    double[] o = ZooOracle.alibi(new double[2], new double[2], new double[] {3, 6},
        new double[] {Math.log(2)}, 1, 1, 2, 2, 1, 1);
    assertClose(o, new double[] {3, 5}, EXACT);
  }

  @Test
  void alibi_decodeRow_usesBottomRightPosition() {
    // M=1, N=2: the query sits at position m + N - M = 1. Same numbers as row 1 above -> 5.
    double[] o = ZooOracle.alibi(new double[1], new double[2], new double[] {3, 6},
        new double[] {Math.log(2)}, 1, 1, 1, 2, 1, 1);
    assertClose(o, new double[] {5}, EXACT);
  }

  @Test
  void alibi_slopeIsPerHead() {
    // H=2, M=1, N=2, Q=0. Head 0 slope 0 -> uniform -> (3+6)/2 = 4.5. Head 1 slope ln2 -> 5.
    double[] o = ZooOracle.alibi(new double[2], new double[4], new double[] {3, 6, 3, 6},
        new double[] {0, Math.log(2)}, 1, 2, 1, 2, 1, 1);
    assertClose(o, new double[] {4.5, 5}, EXACT);
  }

  // ------------------------------------------------------------------------------------------
  // softcap
  // ------------------------------------------------------------------------------------------

  @Test
  void softcap_tinyScores_matchCausal() {
    // |s| ~ 1e-4: 30 tanh(s/30) - s ~ s^3 / 2700 ~ 1e-15.
    int B = 1, H = 2, M = 5, N = 5, D = 4, E = 3;
    double[] q = scaled(randn(50, B * H * M * D), 1e-2);
    double[] k = scaled(randn(51, B * H * N * D), 1e-2);
    double[] v = randn(52, B * H * N * E);
    assertClose(ZooOracle.softcap(q, k, v, B, H, M, N, D, E),
        ZooOracle.mhaCausal(q, k, v, B, H, M, N, D, E), 1e-12);
  }

  @Test
  void softcap_capsScores_exact() {
    // M=1, N=2, D=1, q=1: pick k1 with 30 tanh(k1/30) = ln3, i.e. k1 = 30 atanh(ln3/30); k0 = 0.
    // Capped scores [0, ln3] -> weights [1/4, 3/4]; V=[4,8] -> 7.
    double k1 = 30 * 0.5 * Math.log((1 + Math.log(3) / 30) / (1 - Math.log(3) / 30));
    double[] o = ZooOracle.softcap(new double[] {1}, new double[] {0, k1}, new double[] {4, 8},
        1, 1, 1, 2, 1, 1);
    assertClose(o, new double[] {7}, 1e-12);
  }

  @Test
  void softcap_hugeScore_isBounded() {
    // s = [0, 1e6] caps to [0, ~30]: weight of key 0 is 1/(1+e^30), not 0.
    double[] o = ZooOracle.softcap(new double[] {1}, new double[] {0, 1e6}, new double[] {1, 0},
        1, 1, 1, 2, 1, 1);
    assertThat(o[0]).isWithin(1e-20).of(1.0 / (1.0 + Math.exp(30.0 * Math.tanh(1e6 / 30.0))));
    assertThat(o[0]).isGreaterThan(0.0);
  }

  // ------------------------------------------------------------------------------------------
  // sigmoid / relu
  // ------------------------------------------------------------------------------------------

  @Test
  void sigmoid_exact() {
    // M=1, N=2, Q=0 -> s=0 -> sigmoid(0 - ln2) = 1 / (1 + 2) = 1/3. V=[3,6] -> 1 + 2 = 3.
    double[] o = ZooOracle.sigmoid(new double[1], new double[2], new double[] {3, 6}, 1, 1, 1, 2, 1, 1);
    assertClose(o, new double[] {3}, EXACT);
  }

  @Test
  void sigmoid_isNotCausal_andNotNormalised() {
    // M=2, N=1, Q=0: ln N = 0 -> weight sigmoid(0) = 1/2 for both rows (row 0 is not masked).
    double[] o = ZooOracle.sigmoid(new double[2], new double[1], new double[] {8}, 1, 1, 2, 1, 1, 1);
    assertClose(o, new double[] {4, 4}, EXACT);
  }

  @Test
  void relu_exact() {
    // D=1, q=1, K=[-1, 2] -> s=[-1, 2] -> relu [0, 2]. V=[10, 3] -> 6.
    double[] o = ZooOracle.relu(new double[] {1}, new double[] {-1, 2}, new double[] {10, 3}, 1, 1, 1, 2, 1, 1);
    assertClose(o, new double[] {6}, EXACT);
  }

  // ------------------------------------------------------------------------------------------
  // diff
  // ------------------------------------------------------------------------------------------

  @Test
  void diff_relations() {
    int B = 1, H = 2, M = 4, N = 6, D = 3, E = 2;
    double[] q1 = randn(60, B * H * M * D);
    double[] k1 = randn(61, B * H * N * D);
    double[] q2 = randn(62, B * H * M * D);
    double[] k2 = randn(63, B * H * N * D);
    double[] v = randn(64, B * H * N * E);
    double[] causal1 = ZooOracle.mhaCausal(q1, k1, v, B, H, M, N, D, E);
    double[] causal2 = ZooOracle.mhaCausal(q2, k2, v, B, H, M, N, D, E);

    // lam = 0 -> plain causal attention on (q1, k1).
    assertClose(ZooOracle.diff(q1, k1, q2, k2, v, 0.0, B, H, M, N, D, E), causal1, EXACT);
    // Same maps and lam = 1 -> zero.
    assertClose(ZooOracle.diff(q1, k1, q1, k1, v, 1.0, B, H, M, N, D, E), new double[B * H * M * E], EXACT);
    // General lam -> elementwise combination.
    double[] expected = new double[causal1.length];
    for (int i = 0; i < expected.length; i++) {
      expected[i] = causal1[i] - 0.3 * causal2[i];
    }
    assertClose(ZooOracle.diff(q1, k1, q2, k2, v, 0.3, B, H, M, N, D, E), expected, EXACT);
  }

  @Test
  void diff_exact() {
    // M=N=2, D=E=1. Map 1: Q1=[1,1], K1=[0,ln3] -> causal rows [4, 7] (see mhaCausal_twoByTwo_exact).
    // Map 2: Q2=0 -> row 0: 4, row 1: uniform (4+8)/2 = 6. lam = 0.5 -> [4 - 2, 7 - 3] = [2, 4].
    double[] o = ZooOracle.diff(new double[] {1, 1}, new double[] {0, Math.log(3)},
        new double[2], new double[2], new double[] {4, 8}, 0.5, 1, 1, 2, 2, 1, 1);
    assertClose(o, new double[] {2, 4}, EXACT);
  }

  // ------------------------------------------------------------------------------------------
  // retnet
  // ------------------------------------------------------------------------------------------

  @Test
  void retnetParallel_exact() {
    // T=2, D=E=1 (scale 1), gamma=0.5. Q=[1,2], K=[3,1], V=[1,10].
    // r00 = 3; r10 = 2*3*0.5 = 3; r11 = 2*1 = 2.
    // O0 = 3*1 / max(3,1) = 1.  O1 = (3*1 + 2*10) / max(5,1) = 23/5 = 4.6.
    double[] o = ZooOracle.retnetParallel(new double[] {1, 2}, new double[] {3, 1}, new double[] {1, 10},
        new double[] {0.5}, 1, 1, 2, 1, 1);
    assertClose(o, new double[] {1, 4.6}, EXACT);
  }

  @Test
  void retnetParallel_smallAndNegativeRowSums() {
    // |sum r| < 1 -> denominator 1: r = 0.1*1 = 0.1 -> O = 0.1 * 5 = 0.5.
    assertClose(ZooOracle.retnetParallel(new double[] {0.1}, new double[] {1}, new double[] {5},
        new double[] {0.9}, 1, 1, 1, 1, 1), new double[] {0.5}, EXACT);
    // Negative sum -> absolute value: r = -2 -> O = -2*5 / 2 = -5.
    assertClose(ZooOracle.retnetParallel(new double[] {-2}, new double[] {1}, new double[] {5},
        new double[] {0.9}, 1, 1, 1, 1, 1), new double[] {-5}, EXACT);
  }

  @Test
  void retnetParallel_includesScale() {
    // D=4 -> scale 1/2. Q=[2,0,0,0], K=[2,0,0,0] -> r = 0.5*4 = 2 -> O = 2*V / 2 = V.
    // And Q=[1,0,0,0], K=[1,0,0,0] -> r = 0.5 -> denominator 1 -> O = 0.5 V.
    double[] v = {6};
    assertClose(ZooOracle.retnetParallel(new double[] {2, 0, 0, 0}, new double[] {2, 0, 0, 0}, v,
        new double[] {0.9}, 1, 1, 1, 4, 1), new double[] {6}, EXACT);
    assertClose(ZooOracle.retnetParallel(new double[] {1, 0, 0, 0}, new double[] {1, 0, 0, 0}, v,
        new double[] {0.9}, 1, 1, 1, 4, 1), new double[] {3}, EXACT);
  }

  @Test
  void retnetRecurrent_exact() {
    // T=2, D=E=1, gamma=0.5, Q=[1,2], K=[3,1], V=[1,10].
    // O0 = 1*3*1 = 3.  O1 = 0.5 * (2*3) * 1 + (2*1) * 10 = 3 + 20 = 23.
    double[] o = ZooOracle.retnetRecurrent(new double[] {1, 2}, new double[] {3, 1}, new double[] {1, 10},
        new double[] {0.5}, 1, 1, 2, 1, 1);
    assertClose(o, new double[] {3, 23}, EXACT);
  }

  @Test
  void retnetParallel_withUnitDenominators_equalsRecurrentOnRescaledQ() {
    // Multiply Q by sqrt(D) to undo the scale and make every |row sum| < 1 by using tiny Q:
    // then the parallel form reduces exactly to the recurrent sum.
    int B = 2, H = 3, T = 17, D = 4, E = 5;
    double[] q = scaled(randn(70, B * H * T * D), 1e-3);
    double[] k = randn(71, B * H * T * D);
    double[] v = randn(72, B * H * T * E);
    double[] gamma = {0.9, 0.5, 0.99};
    assertClose(ZooOracle.retnetParallel(scaled(q, Math.sqrt(D)), k, v, gamma, B, H, T, D, E),
        ZooOracle.retnetRecurrent(q, k, v, gamma, B, H, T, D, E), 1e-13);
  }

  @Test
  void retnetRecurrent_equalsMamba2WithConstantLogDecay() {
    // exp(sum_{r=u+1..t} ln gamma) = gamma^(t-u).
    int B = 2, H = 3, T = 33, D = 5, E = 7;
    double[] q = randn(80, B * H * T * D);
    double[] k = randn(81, B * H * T * D);
    double[] v = randn(82, B * H * T * E);
    double[] gamma = {0.9, 0.5, 0.99};
    double[] a = new double[B * H * T];
    for (int b = 0; b < B; b++) {
      for (int h = 0; h < H; h++) {
        for (int t = 0; t < T; t++) {
          a[(b * H + h) * T + t] = Math.log(gamma[h]);
        }
      }
    }
    double[] expected = ZooOracle.retnetRecurrent(q, k, v, gamma, B, H, T, D, E);
    assertCloseRel(ZooOracle.mamba2Ssd(q, k, v, a, B, H, T, D, E), expected, 1e-12);
  }

  // ------------------------------------------------------------------------------------------
  // mamba2 / gla
  // ------------------------------------------------------------------------------------------

  @Test
  void mamba2_exact() {
    // T=2, D=E=1, Q=K=V=1, a=[5, ln2]. a[0] is never used (empty sums at t=0, u=0 and t=1, u=1).
    // O0 = 1.  O1 = exp(a1) * 1 + 1 = 3.
    double[] a = {5, Math.log(2)};
    double[] ones = {1, 1};
    assertClose(ZooOracle.mamba2Ssd(ones, ones, ones, a, 1, 1, 2, 1, 1), new double[] {1, 3}, EXACT);
    assertClose(ZooOracle.mamba2SsdRecurrent(ones, ones, ones, a, 1, 1, 2, 1, 1), new double[] {1, 3}, EXACT);
  }

  @Test
  void mamba2_directSum_equalsRecurrence_awkwardSizes() {
    int B = 2, H = 3, T = 33, D = 5, E = 7;
    double[] q = randn(90, B * H * T * D);
    double[] k = randn(91, B * H * T * D);
    double[] v = randn(92, B * H * T * E);
    double[] a = random(93, B * H * T, -0.5, 0.05);
    assertCloseRel(ZooOracle.mamba2Ssd(q, k, v, a, B, H, T, D, E),
        ZooOracle.mamba2SsdRecurrent(q, k, v, a, B, H, T, D, E), 1e-12);
  }

  @Test
  void gla_exact() {
    // T=2, D=E=1, Q=K=1, V=[1,2], g=[7, ln3] (g[0] multiplies the zero initial state).
    // S0 = 1*1 = 1 -> O0 = 1.  S1 = 3*1 + 1*2 = 5 -> O1 = 5.
    double[] g = {7, Math.log(3)};
    double[] ones = {1, 1};
    double[] v = {1, 2};
    assertClose(ZooOracle.gla(ones, ones, v, g, 1, 1, 2, 1, 1), new double[] {1, 5}, EXACT);
    assertClose(ZooOracle.glaClosedForm(ones, ones, v, g, 1, 1, 2, 1, 1), new double[] {1, 5}, EXACT);
  }

  @Test
  void gla_perChannelDecay_exact() {
    // T=2, D=2, E=1. K=[[1,1],[0,0]], V=[1, 0], g[1]=[ln2, ln5]; Q1=[1,10].
    // S0 = [1,1]^T; S1 = [2*1, 5*1]^T + 0 = [2,5]^T -> O1 = 1*2 + 10*5 = 52.
    // O0 = Q0 . S0 with Q0 = [3, 4] -> 7.
    double[] q = {3, 4, 1, 10};
    double[] k = {1, 1, 0, 0};
    double[] v = {1, 0};
    double[] g = {0, 0, Math.log(2), Math.log(5)};
    assertClose(ZooOracle.gla(q, k, v, g, 1, 1, 2, 2, 1), new double[] {7, 52}, 1e-12);
    assertClose(ZooOracle.glaClosedForm(q, k, v, g, 1, 1, 2, 2, 1), new double[] {7, 52}, 1e-12);
  }

  @Test
  void gla_recurrence_equalsClosedForm_awkwardSizes() {
    int B = 2, H = 3, T = 33, D = 5, E = 7;
    double[] q = randn(100, B * H * T * D);
    double[] k = randn(101, B * H * T * D);
    double[] v = randn(102, B * H * T * E);
    double[] g = random(103, B * H * T * D, -0.5, 0.05);
    assertCloseRel(ZooOracle.gla(q, k, v, g, B, H, T, D, E),
        ZooOracle.glaClosedForm(q, k, v, g, B, H, T, D, E), 1e-12);
  }

  @Test
  void gla_channelConstantGate_equalsMamba2() {
    // If g[t,d] = a[t] for every d, GLA is exactly the Mamba-2 SSD recurrence.
    int B = 2, H = 3, T = 33, D = 5, E = 7;
    double[] q = randn(110, B * H * T * D);
    double[] k = randn(111, B * H * T * D);
    double[] v = randn(112, B * H * T * E);
    double[] a = random(113, B * H * T, -0.5, 0.05);
    double[] g = new double[B * H * T * D];
    for (int i = 0; i < B * H * T; i++) {
      for (int d = 0; d < D; d++) {
        g[i * D + d] = a[i];
      }
    }
    assertCloseRel(ZooOracle.gla(q, k, v, g, B, H, T, D, E),
        ZooOracle.mamba2Ssd(q, k, v, a, B, H, T, D, E), 1e-12);
  }

  // ------------------------------------------------------------------------------------------
  // MLA decode
  // ------------------------------------------------------------------------------------------

  @Test
  void mlaDecode_singleKey_returnsFirst512Channels() {
    double[] q = randn(120, 576);
    double[] c = randn(121, 576);
    double[] expected = new double[512];
    System.arraycopy(c, 0, expected, 0, 512);
    assertClose(ZooOracle.mlaDecode(q, c, 1, 1, 1, 1), expected, EXACT);
  }

  @Test
  void mlaDecode_scoreUsesAll576ChannelsAndScale192() {
    // N=2. Q has a single nonzero in channel 570 (a rope channel, beyond 512): q[570] = sqrt(192).
    // C0[570] = 0, C1[570] = ln3 -> s = [0, ln3] -> weights [1/4, 3/4].
    // Value channel 0: C0[0] = 4, C1[0] = 8 -> 7; other value channels are 0.
    double[] q = new double[576];
    q[570] = Math.sqrt(192);
    double[] c = new double[2 * 576];
    c[576 + 570] = Math.log(3);
    c[0] = 4;
    c[576] = 8;
    double[] o = ZooOracle.mlaDecode(q, c, 1, 1, 1, 2);
    double[] expected = new double[512];
    expected[0] = 7;
    assertClose(o, expected, 1e-12);
  }

  @Test
  void mlaDecode_equalsMhaOnExpandedLatent() {
    // mha uses 1/sqrt(576) = 1/24; sqrt(3)/24 = 1/sqrt(192), so feed mha with Q * sqrt(3).
    int B = 2, H = 3, M = 2, N = 5;
    double[] q = randn(130, B * H * M * 576);
    double[] c = randn(131, B * N * 576);
    double[] kRep = repeatHeads(c, B, H, 1, N, 576);
    double[] v = new double[B * N * 512];
    for (int row = 0; row < B * N; row++) {
      System.arraycopy(c, row * 576, v, row * 512, 512);
    }
    double[] vRep = repeatHeads(v, B, H, 1, N, 512);
    assertClose(ZooOracle.mlaDecode(q, c, B, H, M, N),
        ZooOracle.mha(scaled(q, Math.sqrt(3)), kRep, vRep, B, H, M, N, 576, 512), 1e-12);
  }

  // ------------------------------------------------------------------------------------------
  // block sparse
  // ------------------------------------------------------------------------------------------

  @Test
  void blockSparse_allOnes_equalsMha_raggedSizes() {
    // M=70, N=100 -> blocks [B,H,2,2].
    int B = 1, H = 2, M = 70, N = 100, D = 3, E = 2;
    double[] q = randn(140, B * H * M * D);
    double[] k = randn(141, B * H * N * D);
    double[] v = randn(142, B * H * N * E);
    double[] blocks = new double[B * H * 2 * 2];
    java.util.Arrays.fill(blocks, 1.0);
    assertClose(ZooOracle.blockSparse(q, k, v, blocks, B, H, M, N, D, E),
        ZooOracle.mha(q, k, v, B, H, M, N, D, E), EXACT);
  }

  @Test
  void blockSparse_lowerBlockPattern_exact() {
    // M=N=128, Q=0 (uniform weights), V[n]=n, blocks [[1,0],[1,1]].
    // Rows 0..63 see keys 0..63 -> 31.5; rows 64..127 see keys 0..127 -> 63.5.
    int T = 128;
    double[] v = new double[T];
    for (int n = 0; n < T; n++) {
      v[n] = n;
    }
    double[] blocks = {1, 0, 1, 1};
    double[] o = ZooOracle.blockSparse(new double[T], new double[T], v, blocks, 1, 1, T, T, 1, 1);
    double[] expected = new double[T];
    for (int m = 0; m < T; m++) {
      expected[m] = m < 64 ? 31.5 : 63.5;
    }
    assertClose(o, expected, 1e-9);
  }

  @Test
  void blockSparse_perHeadMask_zeroHeadGivesZeros() {
    // Head 0 all ones (== mha head 0), head 1 all zeros (every row fully masked -> zeros).
    int B = 1, H = 2, M = 65, N = 65, D = 2, E = 3;
    double[] q = randn(150, B * H * M * D);
    double[] k = randn(151, B * H * N * D);
    double[] v = randn(152, B * H * N * E);
    double[] blocks = {1, 1, 1, 1, 0, 0, 0, 0};
    double[] o = ZooOracle.blockSparse(q, k, v, blocks, B, H, M, N, D, E);
    double[] dense = ZooOracle.mha(q, k, v, B, H, M, N, D, E);
    int half = M * E;
    double[] expected = new double[2 * half];
    System.arraycopy(dense, 0, expected, 0, half);
    assertClose(o, expected, EXACT);
  }

  @Test
  void blockSparse_rejectsWrongBlockShape() {
    assertThrows(IllegalArgumentException.class, () -> ZooOracle.blockSparse(
        new double[65], new double[65], new double[65], new double[1], 1, 1, 65, 65, 1, 1));
  }

  // ------------------------------------------------------------------------------------------
  // gemm / gemv / gated MLP
  // ------------------------------------------------------------------------------------------

  @Test
  void gemm_exact() {
    // [[1,2,3],[4,5,6]] x [[7,8],[9,10],[11,12]] = [[58,64],[139,154]].
    double[] a = {1, 2, 3, 4, 5, 6};
    double[] b = {7, 8, 9, 10, 11, 12};
    assertClose(ZooOracle.gemm(a, b, 2, 3, 2), new double[] {58, 64, 139, 154}, EXACT);
  }

  @Test
  void gemv_exact() {
    // W = [[1,2,3],[4,5,6]], x = [1,0,-1] -> [1-3, 4-6] = [-2, -2].
    double[] w = {1, 2, 3, 4, 5, 6};
    assertClose(ZooOracle.gemv(w, new double[] {1, 0, -1}, 2, 3), new double[] {-2, -2}, EXACT);
  }

  @Test
  void gemv_equalsGemmWithTransposedWeight() {
    int N = 7, K = 11;
    double[] w = randn(160, N * K);
    double[] x = randn(161, K);
    double[] wT = new double[K * N];
    for (int n = 0; n < N; n++) {
      for (int p = 0; p < K; p++) {
        wT[p * N + n] = w[n * K + p];
      }
    }
    assertClose(ZooOracle.gemv(w, x, N, K), ZooOracle.gemm(x, wT, 1, K, N), EXACT);
  }

  @Test
  void gatedMlp_exact() {
    // T=Dm=F=1, x=1, w1=2, w3=3, w2=4: gate = 2, silu = 2/(1+e^-2), up = 3 -> Y = 24/(1+e^-2).
    double[] y = ZooOracle.gatedMlp(new double[] {1}, new double[] {2}, new double[] {3}, new double[] {4}, 1, 1, 1);
    assertClose(y, new double[] {24.0 / (1.0 + Math.exp(-2.0))}, EXACT);
  }

  @Test
  void gatedMlp_equalsComposedGemms() {
    int T = 3, Dm = 4, F = 6;
    double[] x = randn(170, T * Dm);
    double[] w1 = randn(171, Dm * F);
    double[] w3 = randn(172, Dm * F);
    double[] w2 = randn(173, F * Dm);
    double[] gate = ZooOracle.gemm(x, w1, T, Dm, F);
    double[] up = ZooOracle.gemm(x, w3, T, Dm, F);
    double[] hidden = new double[T * F];
    for (int i = 0; i < hidden.length; i++) {
      double z = gate[i];
      hidden[i] = z / (1.0 + Math.exp(-z)) * up[i];
    }
    assertClose(ZooOracle.gatedMlp(x, w1, w3, w2, T, Dm, F), ZooOracle.gemm(hidden, w2, T, F, Dm), EXACT);
  }
}
