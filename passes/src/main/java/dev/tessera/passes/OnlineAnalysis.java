package dev.tessera.passes;

import dev.tessera.frontend.Frontend;
import dev.tessera.ir.NormalizerDef;
import dev.tessera.ir.NormalizerEval;
import java.util.SplittableRandom;

/**
 * Decides how many passes over the keys a normalizer needs (FuseMax's pass-count question):
 * <ul>
 *   <li>1: its step can run block by block with the running output rescaled (online);
 *   <li>2: its state can be folded block by block, but the weights need the final state, so a
 *       first pass computes the state and a second the output;
 *   <li>3: even the state needs the whole row; the row of scores is materialised.
 * </ul>
 * The normalizer's meaning is its step applied to the whole row at once. Each property is checked
 * by running the normalizer against that meaning in double precision on a fixed set of rows and
 * block splits (random, seeded, with large and tiny magnitudes, single-element blocks and rows):
 * a deterministic differential check, not a symbolic proof.
 */
public final class OnlineAnalysis {
  private static final double TOLERANCE = 1e-9;
  private static final int[] LENGTHS = {1, 2, 5, 17, 64, 130};
  private static final double[] SCALES = {0.01, 1, 8, 60};

  private OnlineAnalysis() {}

  /** The verdict: passes needed, whether partial states can be combined, and why. */
  public record Result(int passes, boolean combinable, String reason) {}

  private static final java.util.Map<NormalizerDef, Result> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

  private static final String ONLINE = "step with rescale reproduces the whole-row result block by block";
  private static final String STATELESS = "no state: an elementwise map of the scores";

  /**
   * The standard library's verdicts, worked out ahead for the library text whose hash is
   * {@link #STDLIB_FINGERPRINT}. The trials run interpreted in a fresh JVM; skipping them took the
   * median first compile of mha from 237 to 215 ms over 30
   * paired runs of {@code ./tessera run} (docs/benchmarks/cpu.md). Most zoo kernels use softmax or
   * retnorm.
   * OnlineAnalysisTest recomputes them and fails when they or the fingerprint are stale; a changed
   * library also simply stops matching, and its normalizers are analysed like a user's.
   */
  static final int STDLIB_FINGERPRINT = 106309300;
  static final java.util.Map<String, Result> STDLIB_VERDICTS = java.util.Map.of(
      "softmax", new Result(1, true, ONLINE),
      "retnorm", new Result(1, true, ONLINE),
      "identity", new Result(1, true, STATELESS));

  /** The verdict for {@code def}; normalizers are values, so each is analysed once per JVM. */
  public static Result analyse(NormalizerDef def) {
    return CACHE.computeIfAbsent(def, d -> precomputed(d).orElseGet(() -> compute(d)));
  }

  /** The ahead-of-time verdict when {@code def} is exactly one of the standard library's normalizers. */
  private static java.util.Optional<Result> precomputed(NormalizerDef def) {
    Result r = STDLIB_VERDICTS.get(def.name());
    if (r == null || Frontend.stdlibFingerprint() != STDLIB_FINGERPRINT || !Frontend.stdlibNormalizers().contains(def)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(r);
  }

  /** Runs the trials: what {@link #analyse} does for a normalizer without a precomputed verdict. */
  static Result compute(NormalizerDef def) {
    if (def.stateless()) return new Result(1, true, STATELESS);
    NormalizerEval eval = new NormalizerEval(def);
    SplittableRandom rnd = new SplittableRandom(20250611);
    boolean foldable = true;
    boolean online = true;
    boolean twoPass = true;
    boolean combinable = def.hasCombine();
    for (int len : LENGTHS) {
      for (double scale : SCALES) {
        double[] x = new double[len];
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
          x[i] = scale * rnd.nextGaussian();
          v[i] = rnd.nextGaussian();
        }
        int[] cuts = cuts(len, rnd);
        Trial t = new Trial(eval, x, v, cuts);
        foldable &= t.stateFolds();
        online &= t.onePass();
        twoPass &= t.twoPass();
        combinable &= def.hasCombine() && t.combines();
      }
    }
    if (!foldable) return new Result(3, false, "its state depends on how the row is split into blocks");
    if (online) return new Result(1, combinable, ONLINE);
    if (twoPass) return new Result(2, combinable, "the weights need the final state; without a valid rescale the output waits for it");
    return new Result(3, false, "the weights cannot be computed block by block even from the final state");
  }

  /** Block boundaries for a row: a random split, always including one-element blocks at the start. */
  private static int[] cuts(int len, SplittableRandom rnd) {
    java.util.TreeSet<Integer> set = new java.util.TreeSet<>();
    set.add(0);
    set.add(len);
    if (len > 1) set.add(1);
    for (int i = 0; i < len / 4; i++) set.add(1 + rnd.nextInt(len));
    set.removeIf(c -> c > len);
    return set.stream().mapToInt(Integer::intValue).toArray();
  }

  private static boolean close(double a, double b) {
    if (Double.isNaN(a) || Double.isNaN(b)) return Double.isNaN(a) && Double.isNaN(b);
    if (Double.isInfinite(a) || Double.isInfinite(b)) return a == b;
    return Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.max(Math.abs(a), Math.abs(b)));
  }

  private static boolean close(double[] a, double[] b) {
    for (int i = 0; i < a.length; i++) if (!close(a[i], b[i])) return false;
    return true;
  }

  /** One row, one value vector, one split into blocks. */
  private record Trial(NormalizerEval eval, double[] x, double[] v, int[] cuts) {
    double[] block(int i) {
      return java.util.Arrays.copyOfRange(x, cuts[i], cuts[i + 1]);
    }

    double reference() {
      double[] p = eval.apply(x);
      double out = 0;
      for (int i = 0; i < p.length; i++) out += p[i] * v[i];
      return out;
    }

    double[] wholeState() {
      return eval.step(eval.init(), x).state();
    }

    double[] foldedState(int from, int to) {
      double[] s = eval.init();
      for (int b = from; b < to; b++) s = eval.step(s, block(b)).state();
      return s;
    }

    boolean stateFolds() {
      return close(foldedState(0, cuts.length - 1), wholeState());
    }

    /** Accumulates blocks [from, to) online: acc = acc * rescale + p·v. */
    double[] online(int from, int to) {
      double[] s = eval.init();
      double acc = 0;
      for (int b = from; b < to; b++) {
        NormalizerEval.Step st = eval.step(s, block(b));
        acc = acc * st.rescale();
        for (int i = 0; i < st.p().length; i++) acc += st.p()[i] * v[cuts[b] + i];
        s = st.state();
      }
      double[] out = java.util.Arrays.copyOf(s, s.length + 1);
      out[s.length] = acc;
      return out;
    }

    boolean onePass() {
      double[] r = online(0, cuts.length - 1);
      double[] s = java.util.Arrays.copyOf(r, r.length - 1);
      return close(r[r.length - 1] * eval.finish(s), reference());
    }

    /** Pass 1 folds the state; pass 2 takes each block's weights from a step started at the final state. */
    boolean twoPass() {
      double[] fin = foldedState(0, cuts.length - 1);
      double acc = 0;
      for (int b = 0; b < cuts.length - 1; b++) {
        double[] p = eval.step(fin, block(b)).p();
        for (int i = 0; i < p.length; i++) acc += p[i] * v[cuts[b] + i];
      }
      return close(acc * eval.finish(wholeState()), reference());
    }

    /** Splits the blocks in two halves, runs each online, merges them with combine. */
    boolean combines() {
      int mid = (cuts.length - 1) / 2;
      if (mid == 0) return true;
      double[] a = online(0, mid);
      double[] b = online(mid, cuts.length - 1);
      int n = a.length - 1;
      NormalizerEval.Combined c = eval.combine(java.util.Arrays.copyOf(a, n), java.util.Arrays.copyOf(b, n));
      double acc = c.wa() * a[n] + c.wb() * b[n];
      return close(acc * eval.finish(c.state()), reference()) && close(c.state(), wholeState());
    }
  }
}
