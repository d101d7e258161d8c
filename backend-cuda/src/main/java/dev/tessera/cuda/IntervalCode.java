package dev.tessera.cuda;

import dev.tessera.ir.CodeWriter;
import dev.tessera.ir.Expr;
import java.util.List;
import java.util.Map;

/**
 * Emits interval arithmetic over a mask: the range the condition takes over a tile's box of
 * index values, so a kernel can skip a tile where it is false everywhere and drop the per-element
 * test where it is true everywhere. Reads whose subscripts are points over the box (a block mask
 * read at {@code m / 64} on a 64-aligned tile) load the exact value; other reads are unknown.
 */
final class IntervalCode {
  private final Layout layout;
  private final Map<String, String> ranges;
  private final CudaExpr points;
  private final CodeWriter w;
  private int counter;

  /**
   * @param ranges C names of {@code tsr_iv} variables for the indices that vary over the box
   * @param points emitter for the indices fixed over the box (batch indices)
   */
  IntervalCode(Layout layout, Map<String, String> ranges, CudaExpr points, CodeWriter w) {
    this.layout = layout;
    this.ranges = ranges;
    this.points = points;
    this.w = w;
  }

  /** Writes the helpers every interval computation uses. */
  static void helpers(CodeWriter w) {
    w.line("// Intervals of index arithmetic over a tile, for classifying mask tiles (skip / full / partial).");
    w.line("struct tsr_iv { double lo, hi; };");
    w.line("__device__ __forceinline__ tsr_iv tsr_iv_pt(double v) { return tsr_iv{v, v}; }");
    w.line("__device__ __forceinline__ tsr_iv tsr_iv_any() { return tsr_iv{__longlong_as_double(0xfff0000000000000LL), __longlong_as_double(0x7ff0000000000000LL)}; }");
    w.line("__device__ __forceinline__ tsr_iv tsr_iv_add(tsr_iv a, tsr_iv b) { return tsr_iv{a.lo + b.lo, a.hi + b.hi}; }");
    w.line("__device__ __forceinline__ tsr_iv tsr_iv_sub(tsr_iv a, tsr_iv b) { return tsr_iv{a.lo - b.hi, a.hi - b.lo}; }");
    w.line("__device__ __forceinline__ tsr_iv tsr_iv_neg(tsr_iv a) { return tsr_iv{-a.hi, -a.lo}; }");
    w.open("__device__ __forceinline__ tsr_iv tsr_iv_mul(tsr_iv a, tsr_iv b) {");
    w.line("if ((a.lo == 0.0 && a.hi == 0.0) || (b.lo == 0.0 && b.hi == 0.0)) return tsr_iv_pt(0.0);");
    w.line("double p0 = a.lo * b.lo, p1 = a.lo * b.hi, p2 = a.hi * b.lo, p3 = a.hi * b.hi;");
    w.line("if (p0 != p0 || p1 != p1 || p2 != p2 || p3 != p3) return tsr_iv_any();");
    w.line("return tsr_iv{fmin(fmin(p0, p1), fmin(p2, p3)), fmax(fmax(p0, p1), fmax(p2, p3))};");
    w.close("}");
    w.line("// Floor division is monotone in the dividend for a positive constant divisor.");
    w.open("__device__ __forceinline__ tsr_iv tsr_iv_idiv(tsr_iv a, tsr_iv b) {");
    w.line("if (b.lo != b.hi || b.lo <= 0.0 || a.lo < -9.0e15 || a.hi > 9.0e15) return tsr_iv_any();");
    w.line("return tsr_iv{floor(a.lo / b.lo), floor(a.hi / b.lo)};");
    w.close("}");
    w.line("__device__ __forceinline__ bool tsr_iv_true(tsr_iv a) { return a.lo > 0.0 || a.hi < 0.0; }");
    w.line("__device__ __forceinline__ bool tsr_iv_false(tsr_iv a) { return a.lo == 0.0 && a.hi == 0.0; }");
    w.line("__device__ __forceinline__ tsr_iv tsr_iv_bool(bool surely, bool never) { return tsr_iv{surely ? 1.0 : 0.0, never ? 0.0 : 1.0}; }");
    w.line("__device__ __forceinline__ tsr_iv tsr_iv_lt(tsr_iv a, tsr_iv b) { return tsr_iv_bool(a.hi < b.lo, a.lo >= b.hi); }");
    w.line("__device__ __forceinline__ tsr_iv tsr_iv_le(tsr_iv a, tsr_iv b) { return tsr_iv_bool(a.hi <= b.lo, a.lo > b.hi); }");
    w.open("__device__ __forceinline__ tsr_iv tsr_iv_eq(tsr_iv a, tsr_iv b) {");
    w.line("return tsr_iv_bool(a.lo == a.hi && b.lo == b.hi && a.lo == b.lo, a.hi < b.lo || b.hi < a.lo);");
    w.close("}");
    w.line("__device__ __forceinline__ tsr_iv tsr_iv_not(tsr_iv a) { return tsr_iv_bool(tsr_iv_false(a), tsr_iv_true(a)); }");
    w.line("__device__ __forceinline__ tsr_iv tsr_iv_and(tsr_iv a, tsr_iv b) { return tsr_iv_bool(tsr_iv_true(a) && tsr_iv_true(b), tsr_iv_false(a) || tsr_iv_false(b)); }");
    w.line("__device__ __forceinline__ tsr_iv tsr_iv_or(tsr_iv a, tsr_iv b) { return tsr_iv_bool(tsr_iv_true(a) || tsr_iv_true(b), tsr_iv_false(a) && tsr_iv_false(b)); }");
    w.line("__device__ __forceinline__ tsr_iv tsr_iv_min(tsr_iv a, tsr_iv b) { return tsr_iv{fmin(a.lo, b.lo), fmin(a.hi, b.hi)}; }");
    w.line("__device__ __forceinline__ tsr_iv tsr_iv_max(tsr_iv a, tsr_iv b) { return tsr_iv{fmax(a.lo, b.lo), fmax(a.hi, b.hi)}; }");
    w.line("");
  }

  /** Emits statements computing {@code e}'s interval; returns the C variable holding it. */
  String emit(Expr e) {
    String v = "iv" + counter++;
    w.line("const tsr_iv " + v + " = " + value(e) + ";");
    return v;
  }

  private String value(Expr e) {
    return switch (e) {
      case Expr.Const c -> Double.isFinite(c.value()) ? "tsr_iv_pt(" + literal(c.value()) + ")" : "tsr_iv_any()";
      case Expr.Index i -> ranges.containsKey(i.name()) ? ranges.get(i.name()) : "tsr_iv_pt((double)" + points.emit(i).text() + ")";
      case Expr.Dim d -> "tsr_iv_pt(" + literal(layout.dims().get(d.name())) + ")";
      case Expr.Unary u -> (u.op() == Expr.UnOp.NEG ? "tsr_iv_neg(" : "tsr_iv_not(") + emit(u.operand()) + ")";
      case Expr.Binary b -> binary(b);
      case Expr.Call c -> call(c);
      case Expr.Read r -> read(r);
      default -> "tsr_iv_any()";
    };
  }

  private String binary(Expr.Binary b) {
    // Unknown results emit nothing for their operands, so no interval variable goes unused.
    if (b.op() == Expr.BinOp.DIV || b.op() == Expr.BinOp.MOD) return "tsr_iv_any()";
    String l = emit(b.left());
    String r = emit(b.right());
    return switch (b.op()) {
      case ADD -> "tsr_iv_add(" + l + ", " + r + ")";
      case SUB -> "tsr_iv_sub(" + l + ", " + r + ")";
      case MUL -> "tsr_iv_mul(" + l + ", " + r + ")";
      case IDIV -> "tsr_iv_idiv(" + l + ", " + r + ")";
      case LT -> "tsr_iv_lt(" + l + ", " + r + ")";
      case LE -> "tsr_iv_le(" + l + ", " + r + ")";
      case GT -> "tsr_iv_lt(" + r + ", " + l + ")";
      case GE -> "tsr_iv_le(" + r + ", " + l + ")";
      case EQ -> "tsr_iv_eq(" + l + ", " + r + ")";
      case NE -> "tsr_iv_not(tsr_iv_eq(" + l + ", " + r + "))";
      case AND -> "tsr_iv_and(" + l + ", " + r + ")";
      case OR -> "tsr_iv_or(" + l + ", " + r + ")";
      case DIV, MOD -> throw new IllegalStateException("handled above");
    };
  }

  private String call(Expr.Call c) {
    return switch (c.fn()) {
      case MIN -> "tsr_iv_min(" + emit(c.args().get(0)) + ", " + emit(c.args().get(1)) + ")";
      case MAX -> "tsr_iv_max(" + emit(c.args().get(0)) + ", " + emit(c.args().get(1)) + ")";
      default -> "tsr_iv_any()";
    };
  }

  /** A read is exact when every subscript is a single point over the box, else unknown. */
  private String read(Expr.Read r) {
    List<String> subs = r.indices().stream().map(this::emit).toList();
    if (subs.isEmpty()) return "tsr_iv_pt((double)" + points.emit(r).text() + ")";
    StringBuilder exact = new StringBuilder();
    StringBuilder offset = new StringBuilder();
    Layout.Buffer b = layout.buffer(r.tensor());
    for (int i = 0; i < subs.size(); i++) {
      String s = subs.get(i);
      exact.append(i > 0 ? " && " : "").append(s).append(".lo == ").append(s).append(".hi && ").append(s).append(".lo >= 0.0 && ")
          .append(s).append(".lo < ").append(literal(b.extents()[i]));
      offset.append(i > 0 ? " + " : "").append("(long long)").append(s).append(".lo * ").append(b.strides()[i]).append("LL");
    }
    return "(" + exact + ") ? tsr_iv_pt((double)" + b.type().load(Names.param(r.tensor()) + "[" + offset + "]") + ") : tsr_iv_any()";
  }

  private static String literal(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? (long) v + ".0" : Double.toString(v);
  }
}
