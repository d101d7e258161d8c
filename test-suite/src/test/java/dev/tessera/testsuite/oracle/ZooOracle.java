package dev.tessera.testsuite.oracle;

import java.util.function.DoubleUnaryOperator;

/**
 * Independent, deliberately plain double-precision reference for the Tessera example kernels.
 *
 * <p>Layouts (all row-major / C order): Q[B,H,M,D], K[B,Hk,N,D], V[B,Hk,N,E], O[B,H,M,E].
 * s[b,h,m,n] = scale * sum_d Q[b,h,m,d] * K[b,hk,n,d], scale = 1/sqrt(D) unless stated.
 * Causal (bottom-right aligned): key n visible to query m iff n <= m + (N - M).
 * Softmax runs over visible keys only, max-subtracted; a row with no visible key yields zeros.
 *
 * <p>Everything is written as nested loops on purpose: this class is a test oracle and must be
 * obviously correct rather than fast.
 */
public final class ZooOracle {

  /** MLA total channels per latent row (512 value channels + 64 rope channels). */
  public static final int MLA_QK_DIM = 576;
  /** MLA value channels (the first 512 of the 576). */
  public static final int MLA_V_DIM = 512;
  /** MLA softmax scale is 1/sqrt(192). */
  public static final int MLA_SCALE_DIM = 192;
  /** Block size of the block-sparse mask, in both the query and key dimension. */
  public static final int SPARSE_BLOCK = 64;
  /** Sliding window width: visible iff m + (N - M) - n < WINDOW. */
  public static final int WINDOW = 128;
  /** Softcap constant: s -> CAP * tanh(s / CAP). */
  public static final double CAP = 30.0;

  private ZooOracle() {}

  // ------------------------------------------------------------------------------------------
  // Softmax attention family
  // ------------------------------------------------------------------------------------------

  /** O = softmax_n(s) . V, all keys visible, H = Hk. */
  public static double[] mha(double[] q, double[] k, double[] v,
               int B, int H, int M, int N, int D, int E) {
    return softmaxAttention(q, k, v, B, H, H, M, N, D, E, 1.0 / Math.sqrt(D),
        (b, h, m, n) -> true,
        (b, h, m, n, s) -> s);
  }

  /** O = softmax_n(s) . V over keys with n <= m + (N - M), H = Hk. */
  public static double[] mhaCausal(double[] q, double[] k, double[] v,
                  int B, int H, int M, int N, int D, int E) {
    return softmaxAttention(q, k, v, B, H, H, M, N, D, E, 1.0 / Math.sqrt(D),
        (b, h, m, n) -> isCausalVisible(m, n, M, N),
        (b, h, m, n, s) -> s);
  }

  /** Causal softmax attention; query head h reads K/V head h / (H / Hk). */
  public static double[] gqa(double[] q, double[] k, double[] v,
               int B, int H, int Hk, int M, int N, int D, int E) {
    return softmaxAttention(q, k, v, B, H, Hk, M, N, D, E, 1.0 / Math.sqrt(D),
        (b, h, m, n) -> isCausalVisible(m, n, M, N),
        (b, h, m, n, s) -> s);
  }

  /** Causal softmax attention restricted to m + (N - M) - n < 128, H = Hk. */
  public static double[] slidingWindow(double[] q, double[] k, double[] v,
                    int B, int H, int M, int N, int D, int E) {
    return softmaxAttention(q, k, v, B, H, H, M, N, D, E, 1.0 / Math.sqrt(D),
        (b, h, m, n) -> isCausalVisible(m, n, M, N) && (m + (N - M) - n) < WINDOW,
        (b, h, m, n, s) -> s);
  }

  /** Causal softmax of s + slopes[h] * (n - (m + N - M)), H = Hk. */
  public static double[] alibi(double[] q, double[] k, double[] v, double[] slopes,
                int B, int H, int M, int N, int D, int E) {
    checkLength("slopes", slopes, H);
    return softmaxAttention(q, k, v, B, H, H, M, N, D, E, 1.0 / Math.sqrt(D),
        (b, h, m, n) -> isCausalVisible(m, n, M, N),
        (b, h, m, n, s) -> s + slopes[h] * (double) (n - (m + N - M)));
  }

  /** Causal softmax of 30 * tanh(s / 30), H = Hk. */
  public static double[] softcap(double[] q, double[] k, double[] v,
                 int B, int H, int M, int N, int D, int E) {
    return softmaxAttention(q, k, v, B, H, H, M, N, D, E, 1.0 / Math.sqrt(D),
        (b, h, m, n) -> isCausalVisible(m, n, M, N),
        (b, h, m, n, s) -> CAP * Math.tanh(s / CAP));
  }

  /** O = softmax(s1) . V - lam * softmax(s2) . V, both causal, H = Hk. */
  public static double[] diff(double[] q1, double[] k1, double[] q2, double[] k2, double[] v,
                double lam, int B, int H, int M, int N, int D, int E) {
    double[] o1 = mhaCausal(q1, k1, v, B, H, M, N, D, E);
    double[] o2 = mhaCausal(q2, k2, v, B, H, M, N, D, E);
    double[] o = new double[o1.length];
    for (int i = 0; i < o.length; i++) {
      o[i] = o1[i] - lam * o2[i];
    }
    return o;
  }

  /** O = softmax(s) . C[..., :512] with s = (1/sqrt(192)) Q . C^T over all 576 channels; q[B,H,M,576], c[B,1,N,576]. */
  public static double[] mlaDecode(double[] q, double[] c, int B, int H, int M, int N) {
    int Dqk = MLA_QK_DIM;
    int Ev = MLA_V_DIM;
    checkLength("q", q, (long) B * H * M * Dqk);
    checkLength("c", c, (long) B * N * Dqk);
    double scale = 1.0 / Math.sqrt(MLA_SCALE_DIM);
    double[] o = new double[B * H * M * Ev];
    for (int b = 0; b < B; b++) {
      for (int h = 0; h < H; h++) {
        for (int m = 0; m < M; m++) {
          double[] s = new double[N];
          for (int n = 0; n < N; n++) {
            double dot = 0.0;
            for (int d = 0; d < Dqk; d++) {
              dot += q[((b * H + h) * M + m) * Dqk + d] * c[(b * N + n) * Dqk + d];
            }
            s[n] = scale * dot;
          }
          if (N == 0) {
            continue;
          }
          double max = Double.NEGATIVE_INFINITY;
          for (int n = 0; n < N; n++) {
            max = Math.max(max, s[n]);
          }
          double sum = 0.0;
          double[] w = new double[N];
          for (int n = 0; n < N; n++) {
            w[n] = Math.exp(s[n] - max);
            sum += w[n];
          }
          for (int e = 0; e < Ev; e++) {
            double acc = 0.0;
            for (int n = 0; n < N; n++) {
              acc += w[n] * c[(b * N + n) * Dqk + e];
            }
            o[((b * H + h) * M + m) * Ev + e] = acc / sum;
          }
        }
      }
    }
    return o;
  }

  /** Softmax attention where n is visible to m iff blocks[b,h,m/64,n/64] != 0; blocks is [B,H,ceil(M/64),ceil(N/64)], H = Hk. */
  public static double[] blockSparse(double[] q, double[] k, double[] v, double[] blocks,
                   int B, int H, int M, int N, int D, int E) {
    int mBlocks = ceilDiv(M, SPARSE_BLOCK);
    int nBlocks = ceilDiv(N, SPARSE_BLOCK);
    checkLength("blocks", blocks, (long) B * H * mBlocks * nBlocks);
    return softmaxAttention(q, k, v, B, H, H, M, N, D, E, 1.0 / Math.sqrt(D),
        (b, h, m, n) ->
            blocks[((b * H + h) * mBlocks + m / SPARSE_BLOCK) * nBlocks + n / SPARSE_BLOCK] != 0.0,
        (b, h, m, n, s) -> s);
  }

  // ------------------------------------------------------------------------------------------
  // Pointwise (unnormalised) attention
  // ------------------------------------------------------------------------------------------

  /** O = sum_n sigmoid(s - ln N) * V[n], all keys visible, no normalisation, H = Hk. */
  public static double[] sigmoid(double[] q, double[] k, double[] v,
                 int B, int H, int M, int N, int D, int E) {
    double logN = Math.log(N);
    return pointwiseAttention(q, k, v, B, H, M, N, D, E, 1.0 / Math.sqrt(D),
        s -> 1.0 / (1.0 + Math.exp(-(s - logN))));
  }

  /** O = sum_n max(s, 0) * V[n], all keys visible, no normalisation, H = Hk. */
  public static double[] relu(double[] q, double[] k, double[] v,
                int B, int H, int M, int N, int D, int E) {
    return pointwiseAttention(q, k, v, B, H, M, N, D, E, 1.0 / Math.sqrt(D),
        s -> Math.max(s, 0.0));
  }

  // ------------------------------------------------------------------------------------------
  // Linear-attention / state-space family (M = N = T, H = Hk)
  // ------------------------------------------------------------------------------------------

  /** O[m] = sum_{n<=m} r[m,n] V[n] / max(|sum_{n<=m} r[m,n]|, 1) with r[m,n] = (Q[m].K[n]/sqrt(D)) * gamma[h]^(m-n). */
  public static double[] retnetParallel(double[] q, double[] k, double[] v, double[] gamma,
                     int B, int H, int T, int D, int E) {
    checkQkv(q, k, v, B, H, H, T, T, D, E);
    checkLength("gamma", gamma, H);
    double scale = 1.0 / Math.sqrt(D);
    double[] o = new double[B * H * T * E];
    for (int b = 0; b < B; b++) {
      for (int h = 0; h < H; h++) {
        for (int m = 0; m < T; m++) {
          double[] r = new double[T];
          double rowSum = 0.0;
          for (int n = 0; n <= m; n++) {
            double dot = 0.0;
            for (int d = 0; d < D; d++) {
              dot += q[((b * H + h) * T + m) * D + d] * k[((b * H + h) * T + n) * D + d];
            }
            r[n] = scale * dot * Math.pow(gamma[h], m - n);
            rowSum += r[n];
          }
          double denom = Math.max(Math.abs(rowSum), 1.0);
          for (int e = 0; e < E; e++) {
            double acc = 0.0;
            for (int n = 0; n <= m; n++) {
              acc += r[n] * v[((b * H + h) * T + n) * E + e];
            }
            o[((b * H + h) * T + m) * E + e] = acc / denom;
          }
        }
      }
    }
    return o;
  }

  /** O[t] = sum_{u<=t} gamma[h]^(t-u) (Q[t].K[u]) V[u]; no scale, no normalisation. */
  public static double[] retnetRecurrent(double[] q, double[] k, double[] v, double[] gamma,
                     int B, int H, int T, int D, int E) {
    checkQkv(q, k, v, B, H, H, T, T, D, E);
    checkLength("gamma", gamma, H);
    double[] o = new double[B * H * T * E];
    for (int b = 0; b < B; b++) {
      for (int h = 0; h < H; h++) {
        for (int t = 0; t < T; t++) {
          for (int u = 0; u <= t; u++) {
            double dot = 0.0;
            for (int d = 0; d < D; d++) {
              dot += q[((b * H + h) * T + t) * D + d] * k[((b * H + h) * T + u) * D + d];
            }
            double w = Math.pow(gamma[h], t - u) * dot;
            for (int e = 0; e < E; e++) {
              o[((b * H + h) * T + t) * E + e] += w * v[((b * H + h) * T + u) * E + e];
            }
          }
        }
      }
    }
    return o;
  }

  /** O[t] = sum_{u<=t} exp(sum_{r=u+1..t} a[r]) (Q[t].K[u]) V[u]; a is [B,H,T]; no scale. */
  public static double[] mamba2Ssd(double[] q, double[] k, double[] v, double[] a,
                  int B, int H, int T, int D, int E) {
    checkQkv(q, k, v, B, H, H, T, T, D, E);
    checkLength("a", a, (long) B * H * T);
    double[] o = new double[B * H * T * E];
    for (int b = 0; b < B; b++) {
      for (int h = 0; h < H; h++) {
        for (int t = 0; t < T; t++) {
          for (int u = 0; u <= t; u++) {
            double decaySum = 0.0;
            for (int r = u + 1; r <= t; r++) {
              decaySum += a[(b * H + h) * T + r];
            }
            double dot = 0.0;
            for (int d = 0; d < D; d++) {
              dot += q[((b * H + h) * T + t) * D + d] * k[((b * H + h) * T + u) * D + d];
            }
            double w = Math.exp(decaySum) * dot;
            for (int e = 0; e < E; e++) {
              o[((b * H + h) * T + t) * E + e] += w * v[((b * H + h) * T + u) * E + e];
            }
          }
        }
      }
    }
    return o;
  }

  /** Second form of mamba2Ssd: S_t = exp(a[t]) S_{t-1} + K[t] V[t]^T, S_{-1} = 0, O[t] = Q[t]^T S_t. */
  public static double[] mamba2SsdRecurrent(double[] q, double[] k, double[] v, double[] a,
                       int B, int H, int T, int D, int E) {
    checkQkv(q, k, v, B, H, H, T, T, D, E);
    checkLength("a", a, (long) B * H * T);
    double[] o = new double[B * H * T * E];
    for (int b = 0; b < B; b++) {
      for (int h = 0; h < H; h++) {
        double[][] state = new double[D][E];
        for (int t = 0; t < T; t++) {
          double decay = Math.exp(a[(b * H + h) * T + t]);
          for (int d = 0; d < D; d++) {
            for (int e = 0; e < E; e++) {
              state[d][e] = decay * state[d][e]
                  + k[((b * H + h) * T + t) * D + d] * v[((b * H + h) * T + t) * E + e];
            }
          }
          for (int e = 0; e < E; e++) {
            double acc = 0.0;
            for (int d = 0; d < D; d++) {
              acc += q[((b * H + h) * T + t) * D + d] * state[d][e];
            }
            o[((b * H + h) * T + t) * E + e] = acc;
          }
        }
      }
    }
    return o;
  }

  /** S_t[d,e] = exp(g[t,d]) S_{t-1}[d,e] + K[t,d] V[t,e], S_{-1} = 0; O[t,e] = sum_d Q[t,d] S_t[d,e]; g is [B,H,T,D]. */
  public static double[] gla(double[] q, double[] k, double[] v, double[] g,
               int B, int H, int T, int D, int E) {
    checkQkv(q, k, v, B, H, H, T, T, D, E);
    checkLength("g", g, (long) B * H * T * D);
    double[] o = new double[B * H * T * E];
    for (int b = 0; b < B; b++) {
      for (int h = 0; h < H; h++) {
        double[][] state = new double[D][E];
        for (int t = 0; t < T; t++) {
          for (int d = 0; d < D; d++) {
            double decay = Math.exp(g[((b * H + h) * T + t) * D + d]);
            for (int e = 0; e < E; e++) {
              state[d][e] = decay * state[d][e]
                  + k[((b * H + h) * T + t) * D + d] * v[((b * H + h) * T + t) * E + e];
            }
          }
          for (int e = 0; e < E; e++) {
            double acc = 0.0;
            for (int d = 0; d < D; d++) {
              acc += q[((b * H + h) * T + t) * D + d] * state[d][e];
            }
            o[((b * H + h) * T + t) * E + e] = acc;
          }
        }
      }
    }
    return o;
  }

  /** Second form of gla: O[t,e] = sum_{u<=t} sum_d Q[t,d] K[u,d] exp(G[t,d] - G[u,d]) V[u,e], G[t,d] = sum_{r<=t} g[r,d]. */
  public static double[] glaClosedForm(double[] q, double[] k, double[] v, double[] g,
                    int B, int H, int T, int D, int E) {
    checkQkv(q, k, v, B, H, H, T, T, D, E);
    checkLength("g", g, (long) B * H * T * D);
    double[] o = new double[B * H * T * E];
    for (int b = 0; b < B; b++) {
      for (int h = 0; h < H; h++) {
        // Inclusive cumulative sum over time: cum[t][d] = g[0,d] + ... + g[t,d].
        double[][] cum = new double[T][D];
        for (int d = 0; d < D; d++) {
          double running = 0.0;
          for (int t = 0; t < T; t++) {
            running += g[((b * H + h) * T + t) * D + d];
            cum[t][d] = running;
          }
        }
        for (int t = 0; t < T; t++) {
          for (int u = 0; u <= t; u++) {
            double w = 0.0;
            for (int d = 0; d < D; d++) {
              w += q[((b * H + h) * T + t) * D + d]
                  * k[((b * H + h) * T + u) * D + d]
                  * Math.exp(cum[t][d] - cum[u][d]);
            }
            for (int e = 0; e < E; e++) {
              o[((b * H + h) * T + t) * E + e] += w * v[((b * H + h) * T + u) * E + e];
            }
          }
        }
      }
    }
    return o;
  }

  // ------------------------------------------------------------------------------------------
  // Dense linear algebra
  // ------------------------------------------------------------------------------------------

  /** C[i,j] = sum_p A[i,p] B[p,j]; a is [M,K], b is [K,N], result [M,N]. */
  public static double[] gemm(double[] a, double[] b, int M, int K, int N) {
    checkLength("a", a, (long) M * K);
    checkLength("b", b, (long) K * N);
    double[] c = new double[M * N];
    for (int i = 0; i < M; i++) {
      for (int j = 0; j < N; j++) {
        double acc = 0.0;
        for (int p = 0; p < K; p++) {
          acc += a[i * K + p] * b[p * N + j];
        }
        c[i * N + j] = acc;
      }
    }
    return c;
  }

  /** y[n] = sum_k W[n,k] x[k]; w is [N,K], x is [K], result [N]. */
  public static double[] gemv(double[] w, double[] x, int N, int K) {
    checkLength("w", w, (long) N * K);
    checkLength("x", x, K);
    double[] y = new double[N];
    for (int n = 0; n < N; n++) {
      double acc = 0.0;
      for (int p = 0; p < K; p++) {
        acc += w[n * K + p] * x[p];
      }
      y[n] = acc;
    }
    return y;
  }

  /** Y = (silu(X W1) * (X W3)) W2 with silu(z) = z * sigmoid(z); x [T,Dm], w1/w3 [Dm,F], w2 [F,Dm], result [T,Dm]. */
  public static double[] gatedMlp(double[] x, double[] w1, double[] w3, double[] w2,
                  int T, int Dm, int F) {
    checkLength("x", x, (long) T * Dm);
    checkLength("w1", w1, (long) Dm * F);
    checkLength("w3", w3, (long) Dm * F);
    checkLength("w2", w2, (long) F * Dm);
    double[] y = new double[T * Dm];
    for (int t = 0; t < T; t++) {
      double[] hidden = new double[F];
      for (int f = 0; f < F; f++) {
        double gate = 0.0;
        double up = 0.0;
        for (int i = 0; i < Dm; i++) {
          gate += x[t * Dm + i] * w1[i * F + f];
          up += x[t * Dm + i] * w3[i * F + f];
        }
        double silu = gate * (1.0 / (1.0 + Math.exp(-gate)));
        hidden[f] = silu * up;
      }
      for (int j = 0; j < Dm; j++) {
        double acc = 0.0;
        for (int f = 0; f < F; f++) {
          acc += hidden[f] * w2[f * Dm + j];
        }
        y[t * Dm + j] = acc;
      }
    }
    return y;
  }

  // ------------------------------------------------------------------------------------------
  // Shared plain cores
  // ------------------------------------------------------------------------------------------

  /** Which (b, h, m, n) pairs take part in the softmax. */
  @FunctionalInterface
  private interface Visibility {
    boolean visible(int b, int h, int m, int n);
  }

  /** Rewrites an already-scaled score before the softmax. */
  @FunctionalInterface
  private interface ScoreMod {
    double apply(int b, int h, int m, int n, double s);
  }

  /** Causal, bottom-right aligned: key n is visible to query m iff n <= m + (N - M). */
  private static boolean isCausalVisible(int m, int n, int M, int N) {
    return n <= m + (N - M);
  }

  /** O[b,h,m,:] = sum over visible n of softmax(mod(scale * Q.K)) * V[n,:]; zeros if nothing visible; hk = h / (H / Hk). */
  private static double[] softmaxAttention(double[] q, double[] k, double[] v,
                      int B, int H, int Hk, int M, int N, int D, int E,
                      double scale, Visibility visibility, ScoreMod mod) {
    checkQkv(q, k, v, B, H, Hk, M, N, D, E);
    int G = H / Hk;
    double[] o = new double[B * H * M * E];
    for (int b = 0; b < B; b++) {
      for (int h = 0; h < H; h++) {
        int hk = h / G;
        for (int m = 0; m < M; m++) {
          boolean[] visible = new boolean[N];
          double[] s = new double[N];
          boolean anyVisible = false;
          for (int n = 0; n < N; n++) {
            visible[n] = visibility.visible(b, h, m, n);
            if (!visible[n]) {
              continue;
            }
            anyVisible = true;
            double dot = 0.0;
            for (int d = 0; d < D; d++) {
              dot += q[((b * H + h) * M + m) * D + d] * k[((b * Hk + hk) * N + n) * D + d];
            }
            s[n] = mod.apply(b, h, m, n, scale * dot);
          }
          if (!anyVisible) {
            continue; // output row stays zero
          }
          double max = Double.NEGATIVE_INFINITY;
          for (int n = 0; n < N; n++) {
            if (visible[n]) {
              max = Math.max(max, s[n]);
            }
          }
          double[] w = new double[N];
          double sum = 0.0;
          for (int n = 0; n < N; n++) {
            if (visible[n]) {
              w[n] = Math.exp(s[n] - max);
              sum += w[n];
            }
          }
          for (int e = 0; e < E; e++) {
            double acc = 0.0;
            for (int n = 0; n < N; n++) {
              if (visible[n]) {
                acc += w[n] * v[((b * Hk + hk) * N + n) * E + e];
              }
            }
            o[((b * H + h) * M + m) * E + e] = acc / sum;
          }
        }
      }
    }
    return o;
  }

  /** O[b,h,m,:] = sum_n f(scale * Q.K) * V[n,:], all keys visible, H = Hk. */
  private static double[] pointwiseAttention(double[] q, double[] k, double[] v,
                       int B, int H, int M, int N, int D, int E,
                       double scale, DoubleUnaryOperator f) {
    checkQkv(q, k, v, B, H, H, M, N, D, E);
    double[] o = new double[B * H * M * E];
    for (int b = 0; b < B; b++) {
      for (int h = 0; h < H; h++) {
        for (int m = 0; m < M; m++) {
          for (int n = 0; n < N; n++) {
            double dot = 0.0;
            for (int d = 0; d < D; d++) {
              dot += q[((b * H + h) * M + m) * D + d] * k[((b * H + h) * N + n) * D + d];
            }
            double w = f.applyAsDouble(scale * dot);
            for (int e = 0; e < E; e++) {
              o[((b * H + h) * M + m) * E + e] += w * v[((b * H + h) * N + n) * E + e];
            }
          }
        }
      }
    }
    return o;
  }

  private static void checkQkv(double[] q, double[] k, double[] v,
                int B, int H, int Hk, int M, int N, int D, int E) {
    if (B < 0 || H <= 0 || Hk <= 0 || M < 0 || N < 0 || D <= 0 || E < 0) {
      throw new IllegalArgumentException("bad dims B=" + B + " H=" + H + " Hk=" + Hk
          + " M=" + M + " N=" + N + " D=" + D + " E=" + E);
    }
    if (H % Hk != 0) {
      throw new IllegalArgumentException("H=" + H + " is not a multiple of Hk=" + Hk);
    }
    checkLength("q", q, (long) B * H * M * D);
    checkLength("k", k, (long) B * Hk * N * D);
    checkLength("v", v, (long) B * Hk * N * E);
  }

  private static void checkLength(String name, double[] array, long expected) {
    if (array.length != expected) {
      throw new IllegalArgumentException(
          name + " has length " + array.length + ", expected " + expected);
    }
  }

  private static int ceilDiv(int x, int y) {
    return (x + y - 1) / y;
  }
}
