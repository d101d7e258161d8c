package dev.tessera.mesh;

import dev.tessera.mesh.Instr.Mm;
import dev.tessera.mesh.Instr.NComb;
import dev.tessera.mesh.Instr.NScale;
import dev.tessera.mesh.Instr.NStep;
import dev.tessera.mesh.Instr.Recv;
import dev.tessera.mesh.Instr.Ref;
import dev.tessera.mesh.Instr.Scale;
import dev.tessera.mesh.Instr.Send;
import dev.tessera.mesh.Instr.Vec;
import dev.tessera.mesh.Instr.VecOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The text form of a {@link MeshProgram}; {@code parse(print(p)).equals(p)}. One item a line:
 * <pre>
 * mesh 4x4 normalizer softmax
 * program shift {
 *   buf a 36
 *   recv c0 a 36
 *   mm c a b 6 6 6
 * }
 * run 0..3,0..3 shift
 * route 0..2/2,0..3 c0 W &gt; R,E
 * </pre>
 */
public final class MeshText {
  private MeshText() {}

  public static String print(MeshProgram p) {
    StringBuilder sb = new StringBuilder();
    sb.append("mesh ").append(p.width()).append('x').append(p.height());
    if (!p.normalizer().isEmpty()) sb.append(" normalizer ").append(p.normalizer());
    sb.append('\n');
    for (Program prog : p.programs()) {
      sb.append("program ").append(prog.name()).append(" {\n");
      for (Program.Buffer b : prog.buffers()) sb.append("  buf ").append(b.name()).append(' ').append(b.words()).append('\n');
      for (Instr i : prog.code()) sb.append("  ").append(instr(i)).append('\n');
      sb.append("}\n");
    }
    for (MeshProgram.Assign a : p.assigns()) sb.append("run ").append(a.cores()).append(' ').append(a.program()).append('\n');
    for (Route r : p.routes()) {
      sb.append("route ").append(r.cores()).append(" c").append(r.colour()).append(' ').append(r.in()).append(" > ");
      sb.append(String.join(",", r.outs().stream().map(Dir::name).toList())).append('\n');
    }
    return sb.toString();
  }

  static String instr(Instr i) {
    return switch (i) {
      case Send s -> "send c" + s.colour() + " " + s.src() + " " + s.len();
      case Recv r -> "recv c" + r.colour() + " " + r.dst() + " " + r.len();
      case Vec v -> switch (v.op()) {
        case EXP, COPY -> name(v.op()) + " " + v.dst() + " " + v.a() + " " + v.len();
        case ZERO -> "zero " + v.dst() + " " + v.len();
        default -> name(v.op()) + " " + v.dst() + " " + v.a() + " " + v.b() + " " + v.len();
      };
      case Scale s -> "scale " + s.dst() + " " + s.value() + " " + s.len();
      case Instr.Fill f -> "fill " + f.dst() + " " + f.value() + " " + f.len();
      case Mm m -> (m.transB() ? "mmt " : "mm ") + m.c() + " " + m.a() + " " + m.b() + " " + m.m() + " " + m.k() + " " + m.n();
      case NStep n -> "nstep " + n.s() + " " + n.mask() + " " + n.st() + " " + n.rows() + " " + n.cols();
      case NComb n -> "ncomb " + n.st() + " " + n.other() + " " + n.rows();
      case NScale n -> "nscale " + n.s() + " " + n.st() + " " + n.g() + " " + n.rows() + " " + n.cols();
    };
  }

  private static String name(VecOp op) {
    return op.name().toLowerCase(Locale.ROOT);
  }

  /** Reads the text form; {@link MeshSyntaxException} names the line of the first error. */
  public static MeshProgram parse(String text) throws MeshSyntaxException {
    String[] lines = text.split("\n", -1);
    int width = 0;
    int height = 0;
    String normalizer = "";
    List<Program> programs = new ArrayList<>();
    List<MeshProgram.Assign> assigns = new ArrayList<>();
    List<Route> routes = new ArrayList<>();
    boolean header = false;
    for (int ln = 0; ln < lines.length; ln++) {
      String line = lines[ln].strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      String[] t = line.split("\\s+");
      try {
        switch (t[0]) {
          case "mesh" -> {
            String[] wh = t[1].split("x", -1);
            width = Integer.parseInt(wh[0]);
            height = Integer.parseInt(wh[1]);
            if (t.length == 4 && t[2].equals("normalizer")) normalizer = t[3];
            else if (t.length != 2) throw new IllegalArgumentException("expected 'mesh WxH [normalizer NAME]'");
            header = true;
          }
          case "program" -> {
            if (t.length != 3 || !t[2].equals("{")) throw new IllegalArgumentException("expected 'program NAME {'");
            List<Program.Buffer> bufs = new ArrayList<>();
            List<Instr> code = new ArrayList<>();
            int start = ln;
            while (true) {
              ln++;
              if (ln >= lines.length) throw new MeshSyntaxException(start + 1, "program " + t[1] + " is not closed with '}'");
              String body = lines[ln].strip();
              if (body.equals("}")) break;
              if (body.isEmpty() || body.startsWith("#")) continue;
              String[] b = body.split("\\s+");
              try {
                if (b[0].equals("buf")) bufs.add(new Program.Buffer(b[1], num(b, 2)));
                else code.add(parseInstr(b));
              } catch (RuntimeException e) {
                throw new MeshSyntaxException(ln + 1, message(e));
              }
            }
            programs.add(new Program(t[1], bufs, code));
          }
          case "run" -> {
            if (t.length != 3) throw new IllegalArgumentException("expected 'run CORES PROGRAM'");
            assigns.add(new MeshProgram.Assign(CoreSet.parse(t[1]), t[2]));
          }
          case "route" -> {
            if (t.length != 6 || !t[4].equals(">")) throw new IllegalArgumentException("expected 'route CORES cN IN > OUT,...'");
            List<Dir> outs = new ArrayList<>();
            for (String o : t[5].split(",", -1)) outs.add(Dir.valueOf(o));
            routes.add(new Route(CoreSet.parse(t[1]), colour(t[2]), Dir.valueOf(t[3]), outs));
          }
          default -> throw new IllegalArgumentException("unknown item '" + t[0] + "'");
        }
      } catch (MeshSyntaxException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new MeshSyntaxException(ln + 1, message(e));
      }
    }
    if (!header) throw new MeshSyntaxException(1, "expected 'mesh WxH' first");
    try {
      return new MeshProgram(width, height, normalizer, programs, assigns, routes);
    } catch (IllegalArgumentException e) {
      throw new MeshSyntaxException(lines.length, e.getMessage());
    }
  }

  private static String message(RuntimeException e) {
    return e instanceof ArrayIndexOutOfBoundsException ? "missing operand" : e.getMessage();
  }

  private static Instr parseInstr(String[] b) {
    Instr i = switch (b[0]) {
      case "send" -> new Send(colour(b[1]), ref(b[2]), num(b, 3));
      case "recv" -> new Recv(colour(b[1]), ref(b[2]), num(b, 3));
      case "exp", "copy" -> new Vec(VecOp.valueOf(b[0].toUpperCase(Locale.ROOT)), ref(b[1]), ref(b[2]), ref(b[2]), num(b, 3));
      case "zero" -> new Vec(VecOp.ZERO, ref(b[1]), ref(b[1]), ref(b[1]), num(b, 2));
      case "fmac", "add", "mul", "max", "sub", "div" -> new Vec(VecOp.valueOf(b[0].toUpperCase(Locale.ROOT)), ref(b[1]), ref(b[2]), ref(b[3]), num(b, 4));
      case "scale" -> new Scale(ref(b[1]), Double.parseDouble(b[2]), num(b, 3));
      case "fill" -> new Instr.Fill(ref(b[1]), Double.parseDouble(b[2]), num(b, 3));
      case "mm", "mmt" -> new Mm(ref(b[1]), ref(b[2]), ref(b[3]), num(b, 4), num(b, 5), num(b, 6), b[0].equals("mmt"));
      case "nstep" -> new NStep(ref(b[1]), ref(b[2]), ref(b[3]), num(b, 4), num(b, 5));
      case "ncomb" -> new NComb(ref(b[1]), ref(b[2]), num(b, 3));
      case "nscale" -> new NScale(ref(b[1]), ref(b[2]), ref(b[3]), num(b, 4), num(b, 5));
      default -> throw new IllegalArgumentException("unknown instruction '" + b[0] + "'");
    };
    int expected = instr(i).split(" ").length;
    if (b.length != expected) throw new IllegalArgumentException(b[0] + " takes " + (expected - 1) + " operands, not " + (b.length - 1));
    return i;
  }

  private static Ref ref(String s) {
    int plus = s.indexOf('+');
    if (plus < 0) return new Ref(s, 0);
    return new Ref(s.substring(0, plus), Integer.parseInt(s.substring(plus + 1)));
  }

  private static int colour(String s) {
    if (!s.startsWith("c")) throw new IllegalArgumentException("expected a colour cN, got '" + s + "'");
    return Integer.parseInt(s.substring(1));
  }

  private static int num(String[] b, int i) {
    return Integer.parseInt(b[i]);
  }
}
