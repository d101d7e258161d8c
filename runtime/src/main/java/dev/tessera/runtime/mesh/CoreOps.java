package dev.tessera.runtime.mesh;

import dev.tessera.ir.NormalizerDef;
import dev.tessera.ir.NormalizerEval;
import dev.tessera.mesh.Instr;
import dev.tessera.mesh.Instr.Ref;

/** Executes a core's local instructions on its buffers in f32 and returns their cycles. */
final class CoreOps {
  private final NormalizerEval norm;

  CoreOps(NormalizerDef def) {
    this.norm = def == null ? null : new NormalizerEval(def);
  }

  double execute(Instr in, Memory mem, int core, SimParams p) {
    return switch (in) {
      case Instr.Vec v -> vec(v, mem, core, p);
      case Instr.Scale s -> {
        float[] d = mem.buffer(core, s.dst().buf());
        for (int i = 0; i < s.len(); i++) d[s.dst().off() + i] = (float) (d[s.dst().off() + i] * s.value());
        yield p.vec(s.len());
      }
      case Instr.Fill f -> {
        java.util.Arrays.fill(mem.buffer(core, f.dst().buf()), f.dst().off(), f.dst().off() + f.len(), (float) f.value());
        yield p.vec(f.len());
      }
      case Instr.Mm m -> mm(m, mem, core, p);
      case Instr.NStep s -> nstep(s, mem, core, p);
      case Instr.NComb c -> ncomb(c, mem, core, p);
      case Instr.NScale s -> nscale(s, mem, core, p);
      case Instr.Send s -> throw new IllegalArgumentException("send is not local");
      case Instr.Recv r -> throw new IllegalArgumentException("recv is not local");
    };
  }

  private static double vec(Instr.Vec v, Memory mem, int core, SimParams p) {
    float[] d = mem.buffer(core, v.dst().buf());
    float[] a = mem.buffer(core, v.a().buf());
    float[] b = mem.buffer(core, v.b().buf());
    int od = v.dst().off();
    int oa = v.a().off();
    int ob = v.b().off();
    for (int i = 0; i < v.len(); i++) {
      d[od + i] = switch (v.op()) {
        case FMAC -> d[od + i] + a[oa + i] * b[ob + i];
        case ADD -> a[oa + i] + b[ob + i];
        case MUL -> a[oa + i] * b[ob + i];
        case SUB -> a[oa + i] - b[ob + i];
        case DIV -> a[oa + i] / b[ob + i];
        case MAX -> Math.max(a[oa + i], b[ob + i]);
        case EXP -> (float) Math.exp(a[oa + i]);
        case COPY -> a[oa + i];
        case ZERO -> 0f;
      };
    }
    return p.vec(v.len());
  }

  /** m·k fmacs of length n (or m·n dot products of length k for {@code mmt}). */
  private static double mm(Instr.Mm m, Memory mem, int core, SimParams p) {
    float[] c = mem.buffer(core, m.c().buf());
    float[] a = mem.buffer(core, m.a().buf());
    float[] b = mem.buffer(core, m.b().buf());
    int oc = m.c().off();
    int oa = m.a().off();
    int ob = m.b().off();
    for (int i = 0; i < m.m(); i++) {
      for (int kk = 0; kk < m.k(); kk++) {
        float av = a[oa + i * m.k() + kk];
        for (int j = 0; j < m.n(); j++) {
          float bv = m.transB() ? b[ob + j * m.k() + kk] : b[ob + kk * m.n() + j];
          c[oc + i * m.n() + j] += av * bv;
        }
      }
    }
    return m.transB() ? (double) m.m() * m.n() * p.vec(m.k()) : (double) m.m() * m.k() * p.vec(m.n());
  }

  private NormalizerEval norm() {
    if (norm == null) throw new IllegalStateException("the program uses a normalizer but none was given");
    return norm;
  }

  private int stateWords() {
    return 1 + norm().def().state().size();
  }

  private double nstep(Instr.NStep s, Memory mem, int core, SimParams p) {
    float[] sc = mem.buffer(core, s.s().buf());
    float[] mask = mem.buffer(core, s.mask().buf());
    float[] st = mem.buffer(core, s.st().buf());
    int sw = stateWords();
    for (int i = 0; i < s.rows(); i++) {
      int base = s.s().off() + i * s.cols();
      int mbase = s.mask().off() + i * s.cols();
      int count = 0;
      for (int j = 0; j < s.cols(); j++) if (mask[mbase + j] != 0) count++;
      double[] x = new double[count];
      for (int j = 0, k = 0; j < s.cols(); j++) if (mask[mbase + j] != 0) x[k++] = sc[base + j];
      double[] state = norm().init();
      double[] pv = new double[0];
      if (count > 0) {
        NormalizerEval.Step r = norm().step(state, x);
        state = r.state();
        pv = r.p();
      }
      for (int j = 0, k = 0; j < s.cols(); j++) sc[base + j] = mask[mbase + j] != 0 ? (float) pv[k++] : 0f;
      int o = s.st().off() + i * sw;
      st[o] = count;
      for (int q = 0; q < sw - 1; q++) st[o + 1 + q] = (float) state[q];
    }
    return s.rows() * 3 * p.vec(s.cols());
  }

  private double[] state(float[] b, int off) {
    double[] s = new double[stateWords() - 1];
    for (int q = 0; q < s.length; q++) s[q] = b[off + 1 + q];
    return s;
  }

  private double ncomb(Instr.NComb c, Memory mem, int core, SimParams p) {
    float[] st = mem.buffer(core, c.st().buf());
    float[] other = mem.buffer(core, c.other().buf());
    int sw = stateWords();
    for (int i = 0; i < c.rows(); i++) {
      int a = c.st().off() + i * sw;
      int b = c.other().off() + i * sw;
      if (other[b] == 0) continue;
      if (st[a] == 0) {
        System.arraycopy(other, b, st, a, sw);
        continue;
      }
      double[] merged = norm().combine(state(st, a), state(other, b)).state();
      st[a] += other[b];
      for (int q = 0; q < merged.length; q++) st[a + 1 + q] = (float) merged[q];
    }
    return p.vec((long) c.rows() * sw) * 2;
  }

  private double nscale(Instr.NScale s, Memory mem, int core, SimParams p) {
    float[] sc = mem.buffer(core, s.s().buf());
    float[] st = mem.buffer(core, s.st().buf());
    float[] g = mem.buffer(core, s.g().buf());
    int sw = stateWords();
    for (int i = 0; i < s.rows(); i++) {
      int a = s.st().off() + i * sw;
      int b = s.g().off() + i * sw;
      double f = 0;
      if (st[a] != 0 && g[b] != 0) {
        double[] gs = state(g, b);
        f = norm().combine(state(st, a), gs).wa() * norm().finish(gs);
      }
      int base = s.s().off() + i * s.cols();
      for (int j = 0; j < s.cols(); j++) sc[base + j] = (float) (sc[base + j] * f);
    }
    return s.rows() * p.vec(s.cols()) + p.vec((long) s.rows() * sw);
  }
}
