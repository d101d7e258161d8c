package dev.tessera.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.ir.ElemType;
import dev.tessera.ir.Expr;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.TensorDecl;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Expressions to CUDA C: types, floor semantics, literals and addressing. */
class CudaExprTest {
  private static final Layout LAYOUT = layout();

  private static Layout layout() {
    TensorDecl x = new TensorDecl("X", ElemType.F16, List.of(new Expr.Dim("M"), new Expr.Dim("N")), TensorDecl.Role.INPUT, Optional.empty());
    return new Layout(new Kernel("k", List.of(x), List.of(), List.of(), List.of()), Map.of("M", 3L, "N", 5L));
  }

  private static CudaExpr.Code emit(Expr e) {
    return new CudaExpr(LAYOUT, Map.of("m", "i_m", "n", "i_n"), null).emit(e);
  }

  private static Expr.Binary bin(Expr.BinOp op, Expr a, Expr b) {
    return new Expr.Binary(op, a, b);
  }

  @Test
  void integerDivisionFloorsLikeTheDsl() {
    CudaExpr.Code c = emit(bin(Expr.BinOp.IDIV, new Expr.Index("m"), Expr.Const.of(64)));
    assertTrue(c.integral());
    assertEquals("tsr_floordiv(i_m, 64LL)", c.text());
    assertEquals("tsr_floormod(i_m, 2LL)", emit(bin(Expr.BinOp.MOD, new Expr.Index("m"), Expr.Const.of(2))).text());
  }

  @Test
  void mixedArithmeticIsFloat() {
    Expr read = new Expr.Read("X", List.of(new Expr.Index("m"), new Expr.Index("n")));
    CudaExpr.Code c = emit(bin(Expr.BinOp.MUL, read, bin(Expr.BinOp.SUB, new Expr.Index("n"), new Expr.Index("m"))));
    assertFalse(c.integral());
    assertEquals("(__half2float(X[(i_m) * 5LL + (i_n)]) * (float)((i_n - i_m)))", c.text());
  }

  @Test
  void divisionIsAlwaysFloatingAndDimensionsAreLiterals() {
    CudaExpr.Code c = emit(bin(Expr.BinOp.DIV, Expr.Const.of(1), new Expr.Dim("N")));
    assertEquals("((float)(1LL) / (float)(5LL))", c.text());
  }

  @Test
  void comparisonsAndLogicAreZeroOrOne() {
    CudaExpr.Code c = emit(bin(Expr.BinOp.AND, bin(Expr.BinOp.LE, new Expr.Index("n"), new Expr.Index("m")), Expr.Const.of(1)));
    assertTrue(c.integral());
    assertEquals("(long long)(((long long)(i_n <= i_m)) != 0 && (1LL) != 0)", c.text());
  }

  @Test
  void infinitiesAndNegativeLiterals() {
    assertEquals("__int_as_float(0xff800000)", CudaExpr.floatLiteral(Double.NEGATIVE_INFINITY));
    assertEquals("(-0.5f)", CudaExpr.floatLiteral(-0.5));
    assertEquals("30.0f", CudaExpr.floatLiteral(30));
  }
}
