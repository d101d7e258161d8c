package dev.tessera.frontend.ast;

import dev.tessera.diag.Span;
import java.util.List;
import java.util.Optional;

/** The syntax tree of a source file, exactly as written, with a span on every node. */
public final class Ast {
  private Ast() {}

  /** A name as written. */
  public record Ident(Span span, String name) {}

  /** A whole source file. */
  public record File(String path, List<KernelDecl> kernels, List<NormalizerDecl> normalizers) {
    public File {
      kernels = List.copyOf(kernels);
      normalizers = List.copyOf(normalizers);
    }
  }

  /** {@code kernel name(params) -> (outs) with ... defaults(...) { stmts }}. */
  public record KernelDecl(Span span, Ident name, List<Param> inputs, List<Param> outputs,
      List<Relation> relations, List<DimDefault> defaults, List<Stmt> body) {
    public KernelDecl {
      inputs = List.copyOf(inputs);
      outputs = List.copyOf(outputs);
      relations = List.copyOf(relations);
      defaults = List.copyOf(defaults);
      body = List.copyOf(body);
    }
  }

  /** {@code name: type[dims] in (lo, hi)}; a missing shape means a 0-d scalar. */
  public record Param(Span span, Ident name, Ident type, List<DimRef> shape, Optional<Range> range) {
    public Param {
      shape = List.copyOf(shape);
    }
  }

  /** A dimension in a shape: a name or a literal size. */
  public record DimRef(Span span, String name, long size) {
    public boolean isLiteral() {
      return name == null;
    }
  }

  /** Bounds for generated values of an input. */
  public record Range(Span span, double low, double high) {}

  public record Relation(Span span, Ident dim, Expr value) {}

  public record DimDefault(Span span, Ident dim, long value) {}

  /** Statements of a kernel body. */
  public sealed interface Stmt {
    Span span();
  }

  /** {@code target = value where mask}. */
  public record Assign(Span span, Target target, Expr value, Optional<Expr> where) implements Stmt {}

  /** {@code scan t { state S[...] = init  S[...] = update  O[..t..] = ... }}. */
  public record Scan(Span span, Ident step, List<Assign> states, List<Assign> body) implements Stmt {
    public Scan {
      states = List.copyOf(states);
      body = List.copyOf(body);
    }
  }

  /** The left-hand side of an assignment: a tensor and its index variables. */
  public record Target(Span span, Ident tensor, List<Ident> indices) {
    public Target {
      indices = List.copyOf(indices);
    }
  }

  /** {@code normalizer name { state ... step { ... } finish = ... combine { ... } }}. */
  public record NormalizerDecl(Span span, Ident name, List<NormAssign> state, List<NormAssign> step,
      Optional<Expr> finish, List<NormAssign> combine, boolean hasCombine) {
    public NormalizerDecl {
      state = List.copyOf(state);
      step = List.copyOf(step);
      combine = List.copyOf(combine);
    }
  }

  /** An assignment inside a normalizer; {@code let} introduces a local. */
  public record NormAssign(Span span, Ident target, boolean let, Expr value) {}

  /** Expressions as written. */
  public sealed interface Expr {
    Span span();
  }

  public record Number(Span span, double value, boolean integral) implements Expr {}

  public record Name(Span span, String name) implements Expr {}

  public record FieldRef(Span span, String side, String name) implements Expr {}

  public record Read(Span span, Ident tensor, List<Expr> indices) implements Expr {
    public Read {
      indices = List.copyOf(indices);
    }
  }

  public record Call(Span span, Ident fn, List<Expr> args) implements Expr {
    public Call {
      args = List.copyOf(args);
    }
  }

  /** {@code softmax[n](S[b,h,m,n])}. */
  public record NormalizeCall(Span span, Ident normalizer, Ident axis, Expr input) implements Expr {}

  public record Unary(Span span, String op, Expr operand) implements Expr {}

  public record Binary(Span span, String op, Expr left, Expr right) implements Expr {}

  /** {@code sum[d, e] body}. */
  public record Reduce(Span span, String kind, List<Ident> over, Expr body) implements Expr {
    public Reduce {
      over = List.copyOf(over);
    }
  }
}
