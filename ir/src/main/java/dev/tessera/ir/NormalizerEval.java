package dev.tessera.ir;

import dev.tessera.ir.Expr.Binary;
import dev.tessera.ir.Expr.Call;
import dev.tessera.ir.Expr.Const;
import dev.tessera.ir.Expr.Field;
import dev.tessera.ir.Expr.RowReduce;
import dev.tessera.ir.Expr.Unary;
import dev.tessera.ir.Expr.Var;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a normalizer's step, finish and combine in double precision. Values are arrays: a
 * per-row scalar has length 1 and broadcasts against the block vector.
 */
public final class NormalizerEval {
  /** The outcome of one step: the block's weights, the output rescale factor and the new state. */
  public record Step(double[] p, double rescale, double[] state) {}

  /** The outcome of combining two partial states. */
  public record Combined(double wa, double wb, double[] state) {}

  private final NormalizerDef def;

  public NormalizerEval(NormalizerDef def) {
    this.def = def;
  }

  public NormalizerDef def() {
    return def;
  }

  public double[] init() {
    double[] s = new double[def.state().size()];
    for (int i = 0; i < s.length; i++) s[i] = eval(def.state().get(i).init(), new HashMap<>())[0];
    return s;
  }

  /** Runs the step on block {@code x}; an undeclared rescale is reported as 1. */
  public Step step(double[] state, double[] x) {
    Map<String, double[]> env = stateEnv(state);
    env.put("x", x);
    env.put("rescale", new double[] {1});
    run(def.step(), env);
    double[] p = broadcast(env.get("p"), x.length);
    return new Step(p, env.get("rescale")[0], stateOf(env));
  }

  public double finish(double[] state) {
    return eval(def.finish(), stateEnv(state))[0];
  }

  public Combined combine(double[] a, double[] b) {
    Map<String, double[]> env = new HashMap<>();
    for (int i = 0; i < a.length; i++) {
      env.put("a." + def.state().get(i).name(), new double[] {a[i]});
      env.put("b." + def.state().get(i).name(), new double[] {b[i]});
    }
    run(def.combine(), env);
    return new Combined(env.get("wa")[0], env.get("wb")[0], stateOf(env));
  }

  /** The reference meaning on a whole row of visible scores: one step, then finish. */
  public double[] apply(double[] x) {
    Step s = step(init(), x);
    double f = finish(s.state());
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) out[i] = s.p()[i] * f;
    return out;
  }

  private Map<String, double[]> stateEnv(double[] state) {
    Map<String, double[]> env = new HashMap<>();
    for (int i = 0; i < state.length; i++) env.put(def.state().get(i).name(), new double[] {state[i]});
    return env;
  }

  private double[] stateOf(Map<String, double[]> env) {
    double[] s = new double[def.state().size()];
    for (int i = 0; i < s.length; i++) s[i] = env.get(def.state().get(i).name())[0];
    return s;
  }

  private void run(List<NormalizerDef.Assign> body, Map<String, double[]> env) {
    for (NormalizerDef.Assign a : body) env.put(a.target(), eval(a.value(), env));
  }

  private static double[] eval(Expr e, Map<String, double[]> env) {
    return switch (e) {
      case Const c -> new double[] {c.value()};
      case Var v -> env.get(v.name());
      case Field f -> env.get(f.side() + "." + f.name());
      case Unary u -> map(eval(u.operand(), env), null, (a, b) -> Semantics.unary(u.op(), a));
      case Binary b -> map(eval(b.left(), env), eval(b.right(), env), (x, y) -> Semantics.binary(b.op(), x, y));
      case RowReduce r -> new double[] {reduce(r.kind(), eval(r.body(), env))};
      case Call c when c.fn() == Expr.Fn.SELECT -> select(c, env);
      case Call c -> map(eval(c.args().get(0), env), c.args().size() > 1 ? eval(c.args().get(1), env) : null,
          (x, y) -> Semantics.call(c.fn(), x, y));
      case Expr.Index i -> throw new IllegalArgumentException("index in a normalizer");
      case Expr.Dim d -> throw new IllegalArgumentException("dimension in a normalizer");
      case Expr.Read r -> throw new IllegalArgumentException("read in a normalizer");
    };
  }

  private static double[] select(Call c, Map<String, double[]> env) {
    double[] cond = eval(c.args().get(0), env);
    double[] a = eval(c.args().get(1), env);
    double[] b = eval(c.args().get(2), env);
    int n = Math.max(cond.length, Math.max(a.length, b.length));
    double[] out = new double[n];
    for (int i = 0; i < n; i++) out[i] = at(cond, i) != 0 ? at(a, i) : at(b, i);
    return out;
  }

  private static double reduce(ReduceKind kind, double[] v) {
    double acc = kind.identity();
    for (double x : v) acc = kind.combine(acc, x);
    return acc;
  }

  private interface Op2 {
    double apply(double a, double b);
  }

  private static double[] map(double[] a, double[] b, Op2 f) {
    int n = b == null ? a.length : Math.max(a.length, b.length);
    double[] out = new double[n];
    for (int i = 0; i < n; i++) out[i] = f.apply(at(a, i), b == null ? 0 : at(b, i));
    return out;
  }

  private static double at(double[] v, int i) {
    return v.length == 1 ? v[0] : v[i];
  }

  private static double[] broadcast(double[] v, int n) {
    if (v.length == n) return v;
    double[] out = new double[n];
    java.util.Arrays.fill(out, v[0]);
    return out;
  }
}
