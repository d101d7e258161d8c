package dev.tessera.bench;

import java.util.Map;

/**
 * One softmax- or sigmoid-attention problem, with the zoo's semantics. Layouts are BNSH: Q [B,H,M,D], K [B,Hk,N,D],
 * V [B,Hk,N,E], O [B,H,M,E]; query head h reads key/value head h / (H / Hk). Query m sits at position
 * p(m) = m + N − M (causal masks are bottom-right aligned). Scores: s = q·k / √D; with a soft cap c,
 * s = c·tanh(s / c); with ALiBi, s += slopes[h]·(n − p(m)). Key n is visible iff (!causal || n ≤ p(m)) and
 * (window == 0 || p(m) − n < window). Softmax runs over visible keys; sigmoid attention uses sigmoid(s − ln N).
 */
record Problem(int b, int h, int hk, int m, int n, int d, int e, boolean causal, float softcap, boolean alibi, int window,
    boolean sigmoid) implements Workload {
  Problem {
    if (hk < 1 || h % hk != 0) throw new IllegalArgumentException("H must be a multiple of Hk: " + h + "/" + hk);
    if (m > n) throw new IllegalArgumentException("M > N would leave fully masked rows: " + m + " > " + n);
  }

  /** Plain multi-head attention, not causal. */
  static Problem mha(int b, int h, int m, int n, int d) {
    return new Problem(b, h, h, m, n, d, d, false, 0f, false, 0, false);
  }

  Problem withCausal(boolean c) {
    return new Problem(b, h, hk, m, n, d, e, c, softcap, alibi, window, sigmoid);
  }

  Problem withKvHeads(int k) {
    return new Problem(b, h, k, m, n, d, e, causal, softcap, alibi, window, sigmoid);
  }

  Problem withSoftcap(float c) {
    return new Problem(b, h, hk, m, n, d, e, causal, c, alibi, window, sigmoid);
  }

  Problem withAlibi() {
    return new Problem(b, h, hk, m, n, d, e, causal, softcap, true, window, sigmoid);
  }

  Problem withWindow(int w) {
    return new Problem(b, h, hk, m, n, d, e, causal, softcap, alibi, w, sigmoid);
  }

  Problem withSigmoid() {
    return new Problem(b, h, hk, m, n, d, e, causal, softcap, alibi, window, true);
  }

  float scale() {
    return (float) (1.0 / Math.sqrt(d));
  }

  int qLength() {
    return b * h * m * d;
  }

  int kLength() {
    return b * hk * n * d;
  }

  int vLength() {
    return b * hk * n * e;
  }

  int outLength() {
    return b * h * m * e;
  }

  boolean visible(int qi, int ki) {
    int pos = qi + n - m;
    return (!causal || ki <= pos) && (window == 0 || pos - ki < window);
  }

  /** True when some (query, key) pair is masked, i.e. a mask changes the result. */
  boolean hasMasking() {
    return (causal && m > 1) || (window > 0 && window < n);
  }

  /** ONNX Runtime's {@code Attention} op covers softmax attention; sigmoid attention has no ONNX form here. */
  boolean onnxSupported() {
    return !sigmoid;
  }

  @Override
  public double flops() {
    return Flops.attention(b, h, m, n, d, e, causal, window);
  }

  @Override
  public float[] unfused(Map<String, float[]> inputs) {
    return UnfusedAttention.forward(this, inputs.get("Q"), inputs.get("K"), inputs.get("V"), alibi ? inputs.get("slopes") : null);
  }
}
