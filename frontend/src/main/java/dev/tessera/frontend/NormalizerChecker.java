package dev.tessera.frontend;

import dev.tessera.frontend.Ty.Typed;
import dev.tessera.frontend.ast.Ast;
import dev.tessera.ir.Expr;
import dev.tessera.ir.NormalizerDef;
import dev.tessera.ir.ReduceKind;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a normalizer declaration and lowers it to a {@link NormalizerDef}. Inside {@code step},
 * {@code x} is the block of visible scores of one row (a vector); state variables are per-row
 * scalars; {@code rowmax/rowsum/rowmin} reduce a vector to a scalar.
 */
final class NormalizerChecker extends ExprChecker {
  private enum Block { INIT, STEP, FINISH, COMBINE }

  private static final Set<String> RESERVED = Set.of("x", "p", "rescale", "wa", "wb", "a", "b");

  private final Set<String> stateNames = new LinkedHashSet<>();
  private final Set<String> locals = new LinkedHashSet<>();
  private final Set<String> vectors = new LinkedHashSet<>();
  private final Set<String> assignedOutputs = new LinkedHashSet<>();
  private Block block = Block.INIT;

  NormalizerChecker(Diagnostics diags) {
    super(diags);
  }

  NormalizerDef check(Ast.NormalizerDecl n) {
    List<NormalizerDef.StateVar> state = new ArrayList<>();
    for (Ast.NormAssign s : n.state()) {
      String name = s.target().name();
      if (RESERVED.contains(name)) {
        throw diags.error(Codes.BAD_NORM_TARGET, s.target().span(), "'" + name + "' is reserved and cannot name a state variable");
      }
      if (!stateNames.add(name)) throw diags.error(Codes.DUPLICATE, s.target().span(), "state variable '" + name + "' is declared twice");
      state.add(new NormalizerDef.StateVar(name, expect(s.value(), Ty.FLOAT, "the initial value of " + name)));
    }
    block = Block.STEP;
    vectors.add("x");
    List<NormalizerDef.Assign> step = assignments(n.step(), Set.of("p", "rescale"));
    if (step.stream().noneMatch(a -> a.target().equals("p"))) {
      throw diags.error(Codes.NO_P, n.name().span(), "the step of normalizer '" + n.name().name() + "' never sets p",
          "set p to the transformed scores, e.g. p = exp(x - m)");
    }
    block = Block.FINISH;
    // finish runs once per row after the last step: the step's locals, p and rescale are gone
    locals.clear();
    assignedOutputs.clear();
    Expr finish = n.finish().map(f -> scalar(f, "finish")).orElse(Expr.Const.of(1));
    block = Block.COMBINE;
    List<NormalizerDef.Assign> combine = assignments(n.combine(), Set.of("wa", "wb"));
    if (n.hasCombine()) requireCombineOutputs(n, combine);
    return new NormalizerDef(n.name().name(), state, step, finish, combine);
  }

  private List<NormalizerDef.Assign> assignments(List<Ast.NormAssign> stmts, Set<String> outputs) {
    locals.clear();
    assignedOutputs.clear();
    vectors.retainAll(Set.of("x"));
    List<NormalizerDef.Assign> out = new ArrayList<>();
    for (Ast.NormAssign s : stmts) {
      String target = s.target().name();
      Typed t = check(s.value());
      if (!t.ty().numeric()) {
        throw diags.error(Codes.TYPE_MISMATCH, s.value().span(), target + " must be a number, but this is a condition");
      }
      boolean vector = isVector(t.expr());
      if (s.let()) {
        if (locals.contains(target) || stateNames.contains(target) || RESERVED.contains(target)) {
          throw diags.error(Codes.DUPLICATE, s.target().span(), "'" + target + "' is already defined");
        }
        locals.add(target);
        if (vector) vectors.add(target);
      } else if (target.equals("p")) {
        vectors.add("p");
      } else if (!outputs.contains(target) && !stateNames.contains(target)) {
        throw diags.error(Codes.BAD_NORM_TARGET, s.target().span(), "cannot assign '" + target + "' here",
            "assign " + String.join(", ", outputs) + " or a state variable; introduce locals with 'let'");
      } else if (vector) {
        throw diags.error(Codes.VECTOR_AS_SCALAR, s.value().span(), target + " is one value per row, but this expression varies along the row",
            "reduce it with rowsum, rowmax or rowmin");
      }
      if (outputs.contains(target)) assignedOutputs.add(target);
      out.add(new NormalizerDef.Assign(target, s.let(), t.expr()));
    }
    return out;
  }

  private void requireCombineOutputs(Ast.NormalizerDecl n, List<NormalizerDef.Assign> combine) {
    List<String> needed = new ArrayList<>(List.of("wa", "wb"));
    needed.addAll(stateNames);
    for (String need : needed) {
      if (combine.stream().noneMatch(a -> !a.local() && a.target().equals(need))) {
        throw diags.error(Codes.NO_P, n.name().span(), "the combine of normalizer '" + n.name().name() + "' never sets " + need,
            "combine must set wa and wb (the weights of the two partial outputs) and every state variable");
      }
    }
  }

  private Expr scalar(Ast.Expr e, String what) {
    Expr x = expect(e, Ty.FLOAT, what);
    if (isVector(x)) {
      throw diags.error(Codes.VECTOR_AS_SCALAR, e.span(), what + " must be one value per row, but it varies along the row");
    }
    return x;
  }

  private boolean isVector(Expr e) {
    return switch (e) {
      case Expr.Var v -> vectors.contains(v.name());
      case Expr.RowReduce r -> false;
      default -> dev.tessera.ir.Exprs.children(e).stream().anyMatch(this::isVector);
    };
  }

  @Override
  Typed name(Ast.Name n) {
    String name = n.name();
    if (block == Block.INIT) {
      if (name.equals("inf")) return new Typed(Expr.Const.of(Double.POSITIVE_INFINITY), Ty.FLOAT);
      throw diags.error(Codes.NON_CONSTANT_INIT, n.span(), "the initial value of a state variable must be a constant");
    }
    boolean known = locals.contains(name) || assignedOutputs.contains(name)
        || (block != Block.COMBINE && stateNames.contains(name)) || (block == Block.STEP && name.equals("x"));
    if (!known) {
      String hint = block == Block.COMBINE && stateNames.contains(name)
          ? "in combine, write a." + name + " or b." + name : Diagnostics.didYouMean(name, visibleNames());
      throw diags.error(Codes.UNKNOWN_NAME, n.span(), "unknown name '" + name + "'", hint);
    }
    return new Typed(new Expr.Var(name), Ty.FLOAT);
  }

  private List<String> visibleNames() {
    List<String> all = new ArrayList<>(stateNames);
    all.addAll(locals);
    if (block == Block.STEP) all.add("x");
    return all;
  }

  @Override
  Typed field(Ast.FieldRef f) {
    if (block != Block.COMBINE || !(f.side().equals("a") || f.side().equals("b")) || !stateNames.contains(f.name())) {
      throw diags.error(Codes.UNKNOWN_NAME, f.span(), "unknown name '" + f.side() + "." + f.name() + "'",
          "a.S and b.S name state variable S of the two partial states, inside combine only");
    }
    return new Typed(new Expr.Field(f.side(), f.name()), Ty.FLOAT);
  }

  @Override
  Typed read(Ast.Read r) {
    throw diags.error(Codes.MISPLACED, r.span(), "a normalizer cannot read tensors", "pass extra inputs through a score modifier in the kernel");
  }

  @Override
  Typed reduce(Ast.Reduce r) {
    throw diags.error(Codes.MISPLACED, r.span(), "'" + r.kind() + "[...]' reductions belong to kernels", "inside a normalizer use row" + r.kind() + "(...)");
  }

  @Override
  Typed normalizeCall(Ast.NormalizeCall n) {
    throw diags.error(Codes.MISPLACED, n.span(), "a normalizer cannot apply another normalizer");
  }

  @Override
  Typed extraCall(Ast.Call c) {
    ReduceKind kind = switch (c.fn().name()) {
      case "rowmax" -> ReduceKind.MAX;
      case "rowsum" -> ReduceKind.SUM;
      case "rowmin" -> ReduceKind.MIN;
      default -> null;
    };
    if (kind == null) return null;
    if (block != Block.STEP) {
      throw diags.error(Codes.MISPLACED, c.span(), c.fn().name() + " is only meaningful inside step", "");
    }
    if (c.args().size() != 1) throw diags.error(Codes.ARITY, c.span(), c.fn().name() + " takes 1 argument, not " + c.args().size());
    Expr body = expect(c.args().get(0), Ty.FLOAT, "the argument of " + c.fn().name());
    return new Typed(new Expr.RowReduce(kind, body), Ty.FLOAT);
  }

  @Override
  List<String> extraCallNames() {
    return List.of("rowmax", "rowsum", "rowmin");
  }
}
