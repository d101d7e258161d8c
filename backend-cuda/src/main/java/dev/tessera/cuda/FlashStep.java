package dev.tessera.cuda;

import dev.tessera.ir.CodeWriter;
import dev.tessera.ir.Expr;
import dev.tessera.ir.Exprs;
import dev.tessera.ir.NormalizerDef;
import dev.tessera.ir.ReduceKind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The user's normalizer step on one key tile, in registers, for one of the two query rows a
 * thread holds in the mma accumulator layout: the thread has 2 columns of each 8-column n-tile,
 * and the 4 threads of a quad together hold the row, so row reductions finish with two
 * {@code shfl_xor}. A row with no visible score in the tile keeps its state (the step is over the
 * visible scores only). Values are resolved symbolically, as in {@link RowNormalizer}.
 */
final class FlashStep {
  private final NormalizerDef def;
  private final int row;
  private final int nTiles;
  private final Map<String, Expr> env = new HashMap<>();
  private final List<Expr> reductionBodies = new ArrayList<>();
  private final List<ReduceKind> reductionKinds = new ArrayList<>();

  FlashStep(NormalizerDef def, int row, int nTiles) {
    this.def = def;
    this.row = row;
    this.nTiles = nTiles;
  }

  static String state(NormalizerDef def, String name, int row) {
    int i = 0;
    while (!def.state().get(i).name().equals(name)) i++;
    return "st_" + row + "_" + i;
  }

  /** Declares the row's state with its initial values (constants). */
  static void declare(CodeWriter w, NormalizerDef def, int row, CudaExpr ex) {
    for (int i = 0; i < def.state().size(); i++) {
      w.line("float st_" + row + "_" + i + " = " + ex.emit(def.state().get(i).init()).asFloat() + ";");
    }
  }

  /** The finish factor of the row from its final state. */
  static String finish(NormalizerDef def, int row, CudaExpr ex) {
    if (def.finish() == null) return "1.0f";
    Expr f = Exprs.rewrite(def.finish(), x -> x instanceof Expr.Var v ? new Expr.Var(state(def, v.name(), row)) : x);
    return ex.emit(f).asFloat();
  }

  /**
   * Emits the step for this row over the scores {@code s[j][2*row + c]} whose bits are set in
   * {@code vis}: the weights replace the scores, the output accumulators are rescaled.
   */
  void emit(CodeWriter w, CudaExpr ex, int eTiles) {
    for (NormalizerDef.StateVar s : def.state()) env.put(s.name(), new Expr.Var(state(def, s.name(), row)));
    env.put("x", new Expr.Var("nv_x"));
    env.put("p", new Expr.Var("nv_x"));
    env.put("rescale", Expr.Const.of(1));
    for (NormalizerDef.Assign a : def.step()) env.put(a.target(), resolve(a.value()));
    Expr p = env.get("p");
    Expr rescale = env.get("rescale");
    List<Expr> finals = new ArrayList<>(List.of(p, rescale));
    for (NormalizerDef.StateVar s : def.state()) finals.add(env.get(s.name()));
    Set<Integer> needed = new LinkedHashSet<>();
    for (Expr f : finals) need(f, needed);
    String bits = "vis_" + row;
    for (int k = 0; k < reductionBodies.size(); k++) {
      if (!needed.contains(k)) continue;
      String r = red(k);
      w.line("float " + r + " = " + CudaExpr.floatLiteral(reductionKinds.get(k).identity()) + ";");
      loop(w, "j", nTiles);
      loop(w, "c", 2);
      w.open("if ((" + bits + " >> (j * 2 + c)) & 1ULL) {");
      if (mentions(reductionBodies.get(k))) w.line("const float nv_x = s[j][" + (2 * row) + " + c];");
      w.line(OpBodies.combine(reductionKinds.get(k), r, ex.emit(reductionBodies.get(k)).asFloat()));
      w.close("}");
      w.close("}");
      w.close("}");
      String op = switch (reductionKinds.get(k)) {
        case SUM -> r + " += __shfl_xor_sync(0xffffffffu, " + r + ", %d);";
        case MAX -> r + " = fmaxf(" + r + ", __shfl_xor_sync(0xffffffffu, " + r + ", %d));";
        case MIN -> r + " = fminf(" + r + ", __shfl_xor_sync(0xffffffffu, " + r + ", %d));";
      };
      w.line(String.format(op, 1));
      w.line(String.format(op, 2));
    }
    String rv = "rv_" + row;
    w.line("int " + rv + " = " + bits + " != 0ULL;");
    w.line(rv + " |= __shfl_xor_sync(0xffffffffu, " + rv + ", 1);");
    w.line(rv + " |= __shfl_xor_sync(0xffffffffu, " + rv + ", 2);");
    w.line("seen_" + row + " |= " + rv + ";");
    w.line("const float resc_" + row + " = " + rv + " ? " + ex.emit(rescale).asFloat() + " : 1.0f;");
    loop(w, "j", nTiles);
    loop(w, "c", 2);
    if (mentions(p)) w.line("const float nv_x = s[j][" + (2 * row) + " + c];");
    w.line("s[j][" + (2 * row) + " + c] = (" + rv + " && ((" + bits + " >> (j * 2 + c)) & 1ULL)) ? " + ex.emit(p).asFloat() + " : 0.0f;");
    w.close("}");
    w.close("}");
    for (int i = 0; i < def.state().size(); i++) {
      String st = "st_" + row + "_" + i;
      w.line("const float n" + st + " = " + rv + " ? " + ex.emit(env.get(def.state().get(i).name())).asFloat() + " : " + st + ";");
    }
    for (int i = 0; i < def.state().size(); i++) w.line("st_" + row + "_" + i + " = nst_" + row + "_" + i + ";");
    loop(w, "j", eTiles);
    w.line("o[j][" + (2 * row) + "] *= resc_" + row + ";");
    w.line("o[j][" + (2 * row + 1) + "] *= resc_" + row + ";");
    w.close("}");
  }

  /** An unrolled loop over {@code [0, count)}; the caller closes it. */
  static void loop(CodeWriter w, String var, int count) {
    w.line("#pragma unroll");
    w.open("for (int " + var + " = 0; " + var + " < " + count + "; ++" + var + ") {");
  }

  private String red(int k) {
    return "nr_" + row + "_" + k;
  }

  private Expr resolve(Expr e) {
    return Exprs.rewrite(e, x -> switch (x) {
      case Expr.Var v when v.name().startsWith("nv_") || v.name().startsWith("nr_") || v.name().startsWith("st_") -> v;
      case Expr.Var v -> {
        Expr value = env.get(v.name());
        if (value == null) throw new IllegalStateException("normalizer " + def.name() + ": " + v.name() + " has no value");
        yield value;
      }
      case Expr.RowReduce r -> {
        reductionBodies.add(r.body());
        reductionKinds.add(r.kind());
        yield new Expr.Var(red(reductionBodies.size() - 1));
      }
      default -> x;
    });
  }

  private void need(Expr e, Set<Integer> needed) {
    for (Expr n : Exprs.nodes(e)) {
      if (n instanceof Expr.Var v && v.name().startsWith("nr_" + row + "_")) {
        int k = Integer.parseInt(v.name().substring(("nr_" + row + "_").length()));
        if (needed.add(k)) need(reductionBodies.get(k), needed);
      }
    }
  }

  private static boolean mentions(Expr e) {
    return Exprs.nodes(e).stream().anyMatch(n -> n instanceof Expr.Var v && v.name().equals("nv_x"));
  }
}
