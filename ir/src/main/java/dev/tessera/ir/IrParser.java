package dev.tessera.ir;

import dev.tessera.diag.CompileException;
import dev.tessera.ir.Expr.Dim;
import dev.tessera.ir.Expr.Index;
import dev.tessera.ir.IrExprParser.Scope;
import dev.tessera.ir.IrLexer.Kind;
import dev.tessera.ir.IrLexer.Token;
import dev.tessera.ir.Op.Compute;
import dev.tessera.ir.Op.Contract;
import dev.tessera.ir.Op.DecayKind;
import dev.tessera.ir.Op.Normalize;
import dev.tessera.ir.Op.Scan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads the IR text form written by {@link IrPrinter} back into {@link Module}s and {@link Kernel}s,
 * so that {@code IrParser.parse(IrPrinter.print(m), f).equals(m)}.
 *
 * <p>A hand-written lexer ({@link IrLexer}) feeds a recursive-descent parser; expressions are read
 * by {@link IrExprParser}. The printer writes index variables and dimensions as bare names, so the
 * parser resolves them by scope: inside an op, names bound by its index list, its reduction list, an
 * enclosing {@code scan} step or (for a scan state) the state's own indices are {@link Expr.Index};
 * other bare names in kernels are {@link Expr.Dim}; inside normalizers they are {@link Expr.Var}.
 * A keyword is only a keyword when no {@code [} follows it, so tensors may bear keyword names.
 *
 * <p>Every error in the text is reported as a {@link CompileException} holding one diagnostic with
 * code {@code E150} and the 1-based line and column of the offending token.
 */
public final class IrParser {
  private static final String ITEM_HINT = "a kernel holds in/out/tmp declarations, 'with' relations, "
      + "'default' values and ops: OUT[...] = ..., scan, attention, recurrent, einsum";

  private static final String ELEM_TYPES =
      Arrays.stream(ElemType.values()).map(ElemType::text).collect(Collectors.joining(", "));

  private final IrExprParser c;

  private IrParser(String text, String fileName) throws CompileException {
    this.c = new IrExprParser(IrLexer.lex(Objects.requireNonNull(text, "text"), fileName), fileName);
  }

  /** Parses a whole module: normalizer and kernel blocks, as {@link IrPrinter#print(Module)} writes them. */
  public static Module parse(String text, String fileName) throws CompileException {
    IrParser p = new IrParser(text, fileName);
    return p.guarded(p::module);
  }

  /** Parses text holding exactly one {@code kernel} block, as {@link IrPrinter#print(Kernel)} writes it. */
  public static Kernel parseKernel(String text, String fileName) throws CompileException {
    IrParser p = new IrParser(text, fileName);
    return p.guarded(() -> {
      Kernel k = p.kernel();
      p.endOfInput();
      return k;
    });
  }

  private interface Rule<T> {
    T run() throws CompileException;
  }

  /** The IR records validate themselves; should one still refuse a value, it is a syntax error here too. */
  private <T> T guarded(Rule<T> rule) throws CompileException {
    try {
      return rule.run();
    } catch (IllegalArgumentException e) {
      throw c.error(c.peek(), "invalid IR: " + e.getMessage(), "");
    }
  }

  private void endOfInput() throws CompileException {
    if (c.peek().kind() != Kind.EOF) throw c.expected("end of input");
  }

  private Module module() throws CompileException {
    List<NormalizerDef> normalizers = new ArrayList<>();
    List<Kernel> kernels = new ArrayList<>();
    while (c.peek().kind() != Kind.EOF) {
      if (c.at("normalizer")) {
        normalizers.add(normalizer());
      } else if (c.at("kernel")) {
        kernels.add(kernel());
      } else {
        throw c.expected("'kernel' or 'normalizer'");
      }
    }
    return new Module(normalizers, kernels);
  }

  // ---- normalizers ----

  private NormalizerDef normalizer() throws CompileException {
    c.expectKeyword("normalizer");
    String name = c.name("a normalizer name").text();
    Token open = c.expect("{");
    List<NormalizerDef.StateVar> state = new ArrayList<>();
    while (c.atKeyword("state")) {
      c.next();
      String v = c.name("a state variable").text();
      c.expect("=");
      state.add(new NormalizerDef.StateVar(v, c.expr(Scope.NORMALIZER)));
    }
    c.expectKeyword("step");
    List<NormalizerDef.Assign> step = assignments();
    c.expectKeyword("finish");
    c.expect("=");
    Expr finish = c.expr(Scope.NORMALIZER);
    List<NormalizerDef.Assign> combine = List.of();
    if (c.atKeyword("combine")) {
      c.next();
      combine = assignments();
    }
    close(open);
    return new NormalizerDef(name, state, step, finish, combine);
  }

  private List<NormalizerDef.Assign> assignments() throws CompileException {
    Token open = c.expect("{");
    List<NormalizerDef.Assign> out = new ArrayList<>();
    while (!c.closes(open)) {
      boolean local = c.atKeyword("let") && c.peek(1).kind() == Kind.NAME;
      if (local) c.next();
      String target = c.name("an assignment target").text();
      c.expect("=");
      out.add(new NormalizerDef.Assign(target, local, c.expr(Scope.NORMALIZER)));
    }
    return out;
  }

  // ---- kernels ----

  private Kernel kernel() throws CompileException {
    c.expectKeyword("kernel");
    String name = c.name("a kernel name").text();
    Token open = c.expect("{");
    List<TensorDecl> tensors = new ArrayList<>();
    List<Kernel.Relation> relations = new ArrayList<>();
    List<Kernel.DimDefault> defaults = new ArrayList<>();
    List<Op> ops = new ArrayList<>();
    while (!c.closes(open)) {
      if (c.atKeyword("in") || c.atKeyword("out") || c.atKeyword("tmp")) {
        tensors.add(decl());
      } else if (c.atKeyword("with")) {
        relations.add(relation());
      } else if (c.atKeyword("default")) {
        defaults.add(dimDefault());
      } else {
        ops.add(op(Set.of()));
      }
    }
    return new Kernel(name, tensors, relations, defaults, ops);
  }

  private TensorDecl decl() throws CompileException {
    TensorDecl.Role role = switch (c.next().text()) {
      case "in" -> TensorDecl.Role.INPUT;
      case "out" -> TensorDecl.Role.OUTPUT;
      default -> TensorDecl.Role.TEMP;
    };
    String name = c.name("a tensor name").text();
    c.expect(":");
    Token type = c.name("an element type");
    ElemType elem = ElemType.parse(type.text())
        .orElseThrow(() -> c.error(type, "unknown element type '" + type.text() + "'", "element types are " + ELEM_TYPES));
    List<Expr> shape = c.list("]", c.expect("["), Scope.DIMS);
    return new TensorDecl(name, elem, shape, role, range());
  }

  private Optional<TensorDecl.ValueRange> range() throws CompileException {
    if (!c.atKeyword("range")) return Optional.empty();
    c.next();
    Token open = c.expect("(");
    Token lowAt = c.peek();
    double low = c.signedNumber();
    c.expect(",");
    double high = c.signedNumber();
    c.closing(")", open);
    if (!(low <= high)) throw c.error(lowAt, "empty range: " + low + " is not at most " + high, "");
    return Optional.of(new TensorDecl.ValueRange(low, high));
  }

  private Kernel.Relation relation() throws CompileException {
    c.next();
    String dim = c.name("a dimension name").text();
    c.expect("=");
    return new Kernel.Relation(dim, c.expr(Scope.DIMS));
  }

  private Kernel.DimDefault dimDefault() throws CompileException {
    c.next();
    String dim = c.name("a dimension name").text();
    c.expect("=");
    boolean negative = c.accept("-");
    return new Kernel.DimDefault(dim, c.integer(negative));
  }

  // ---- ops ----

  /** One op; {@code steps} are the step variables of the enclosing scans. */
  private Op op(Set<String> steps) throws CompileException {
    if (c.atKeyword("scan")) return scan(steps);
    if (c.atKeyword("attention")) return attention(steps);
    if (c.atKeyword("recurrent")) return recurrent(steps);
    if (c.atKeyword("einsum")) {
      c.next();
      return new Op.Einsum(contract(target(), steps));
    }
    if (c.peek().kind() == Kind.NAME && c.peek(1).is("[")) {
      Target t = target();
      if (atReduction()) return contract(t, steps);
      if (atNormalize()) return normalize(t, steps);
      return compute(t, steps);
    }
    if (c.peek().kind() == Kind.NAME) {
      throw c.error(c.peek(), "unknown keyword '" + c.peek().text() + "'", ITEM_HINT);
    }
    throw c.error(c.peek(), "expected a declaration or an op, found " + c.peek().describe(), ITEM_HINT);
  }

  /** The left-hand side {@code NAME[i:EXT, ...] =} of an op. */
  private record Target(String name, List<IndexVar> indices) {
    Set<String> names() {
      return IrParser.names(indices);
    }
  }

  private Target target() throws CompileException {
    String name = c.name("a tensor name").text();
    List<IndexVar> indices = indexList();
    c.expect("=");
    return new Target(name, indices);
  }

  private List<IndexVar> indexList() throws CompileException {
    Token open = c.expect("[");
    List<IndexVar> out = new ArrayList<>();
    if (c.accept("]")) return out;
    do {
      out.add(indexVar());
    } while (c.accept(","));
    c.closing("]", open);
    return out;
  }

  /** Extents are printed as atoms (anything else in parentheses) and hold only dimensions. */
  private IndexVar indexVar() throws CompileException {
    String name = c.name("an index variable").text();
    c.expect(":");
    return new IndexVar(name, c.primary(Scope.DIMS));
  }

  private static Set<String> names(List<IndexVar> vs) {
    Set<String> out = new HashSet<>();
    for (IndexVar v : vs) out.add(v.name());
    return out;
  }

  private boolean atReduction() {
    Token k = c.peek();
    boolean kind = k.kind() == Kind.NAME && (k.is("sum") || k.is("max") || k.is("min"));
    return kind && c.peek(1).is("[") && c.peek(2).kind() == Kind.NAME && c.peek(3).is(":");
  }

  private boolean atNormalize() {
    return c.peek().kind() == Kind.NAME && c.peek(1).is("[") && c.peek(2).kind() == Kind.NAME
        && c.peek(3).is("]") && c.peek(4).is("(");
  }

  private Contract contract(Target t, Set<String> steps) throws CompileException {
    if (!atReduction()) throw c.expected("a reduction sum[...], max[...] or min[...]");
    ReduceKind kind = ReduceKind.valueOf(c.next().text().toUpperCase(Locale.ROOT));
    List<IndexVar> reduce = indexList();
    Scope s = Scope.DIMS.bind(steps).bind(t.names()).bind(names(reduce));
    return new Contract(t.name(), t.indices(), kind, reduce, c.expr(s));
  }

  private Compute compute(Target t, Set<String> steps) throws CompileException {
    Scope s = Scope.DIMS.bind(steps).bind(t.names());
    Expr body = c.expr(s);
    return new Compute(t.name(), t.indices(), body, mask(s));
  }

  private Normalize normalize(Target t, Set<String> steps) throws CompileException {
    String normalizer = c.name("a normalizer name").text();
    c.expect("[");
    Token axis = c.name("an axis");
    c.expect("]");
    Token open = c.expect("(");
    Scope s = Scope.DIMS.bind(steps).bind(t.names());
    Expr input = c.expr(s);
    c.closing(")", open);
    if (!t.names().contains(axis.text())) {
      throw c.error(axis, "axis '" + axis.text() + "' is not an index of " + t.name(), "name one of the op's indices");
    }
    return new Normalize(t.name(), t.indices(), axis.text(), normalizer, input, mask(s));
  }

  private Optional<Expr> mask(Scope s) throws CompileException {
    if (!c.atKeyword("where")) return Optional.empty();
    c.next();
    return Optional.of(c.expr(s));
  }

  private Scan scan(Set<String> steps) throws CompileException {
    c.enter();
    c.expectKeyword("scan");
    IndexVar step = indexVar();
    Token open = c.expect("{");
    Set<String> inner = new HashSet<>(steps);
    inner.add(step.name());
    List<Op.StateDef> states = new ArrayList<>();
    while (c.atKeyword("state")) states.add(state(inner));
    List<Op> body = new ArrayList<>();
    while (!c.closes(open)) body.add(op(inner));
    c.leave();
    return new Scan(step, states, body);
  }

  private Op.StateDef state(Set<String> steps) throws CompileException {
    c.next();
    String name = c.name("a state name").text();
    List<IndexVar> indices = indexList();
    c.expect("=");
    Scope s = Scope.DIMS.bind(steps).bind(names(indices));
    Expr init = c.expr(s);
    c.expect("->");
    return new Op.StateDef(name, indices, init, c.expr(s));
  }

  private Op.ParallelAttention attention(Set<String> steps) throws CompileException {
    c.next();
    int passes = 0;
    if (c.atKeyword("passes")) {
      c.next();
      c.expect("=");
      Token n = c.peek();
      long p = c.integer(false);
      if (p > 3) throw c.error(n, "passes must be between 0 and 3, not " + n.text(), "");
      passes = (int) p;
    }
    Token open = c.expect("{");
    c.expectKeyword("score");
    Contract score = contract(target(), steps);
    List<Compute> modifiers = new ArrayList<>();
    while (c.atKeyword("modifier")) {
      c.next();
      modifiers.add(compute(target(), steps));
    }
    Optional<Normalize> normalize = Optional.empty();
    if (c.atKeyword("normalize")) {
      c.next();
      normalize = Optional.of(normalize(target(), steps));
    }
    c.expectKeyword("aggregate");
    Contract aggregate = contract(target(), steps);
    close(open);
    return new Op.ParallelAttention(score, modifiers, normalize, aggregate, passes);
  }

  /**
   * The decay is printed before the scan that binds its indices, so its names are read as
   * dimensions first and those bound by the scan are turned into indices afterwards.
   */
  private Op.RecurrentAttention recurrent(Set<String> steps) throws CompileException {
    c.next();
    Token kindAt = c.name("a decay kind (none, scalar or per_channel)");
    DecayKind kind = decayKind(kindAt);
    Token paren = c.expect("(");
    Expr decay = c.expr(Scope.DIMS.bind(steps));
    c.closing(")", paren);
    Token open = c.expect("{");
    if (!c.atKeyword("scan")) throw c.expected("'scan'");
    Scan scan = scan(steps);
    close(open);
    Set<String> bound = new HashSet<>();
    bound.add(scan.step().name());
    for (Op.StateDef st : scan.states()) bound.addAll(names(st.indices()));
    Expr resolved = Exprs.rewrite(decay, e -> e instanceof Dim d && bound.contains(d.name()) ? new Index(d.name()) : e);
    return new Op.RecurrentAttention(kind, resolved, scan);
  }

  private DecayKind decayKind(Token t) throws CompileException {
    for (DecayKind k : DecayKind.values()) if (t.is(k.name().toLowerCase(Locale.ROOT))) return k;
    throw c.error(t, "unknown decay kind '" + t.text() + "'", "decay kinds are none, scalar and per_channel");
  }

  private void close(Token open) throws CompileException {
    if (!c.closes(open)) throw c.expected("'}' to close '{' at " + IrExprParser.where(open));
  }
}
