package dev.tessera.mesh;

import dev.tessera.mesh.Instr.Ref;
import dev.tessera.mesh.Instr.Vec;
import dev.tessera.mesh.Instr.VecOp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small builder for one program: buffers in declaration order, then instructions. */
final class Code {
  private final String name;
  private final Map<String, Integer> buffers = new LinkedHashMap<>();
  private final List<Instr> code = new ArrayList<>();

  Code(String name) {
    this.name = name;
  }

  Code buf(String b, int words) {
    buffers.put(b, words);
    return this;
  }

  static Ref r(String b) {
    return new Ref(b, 0);
  }

  Code send(int colour, String b, int len) {
    code.add(new Instr.Send(colour, r(b), len));
    return this;
  }

  Code recv(int colour, String b, int len) {
    code.add(new Instr.Recv(colour, r(b), len));
    return this;
  }

  Code add(String dst, String a, String b, int len) {
    code.add(new Vec(VecOp.ADD, r(dst), r(a), r(b), len));
    return this;
  }

  Code copy(String dst, String a, int len) {
    code.add(new Vec(VecOp.COPY, r(dst), r(a), r(a), len));
    return this;
  }

  Code mm(String c, String a, String b, int m, int k, int n, boolean transB) {
    code.add(new Instr.Mm(r(c), r(a), r(b), m, k, n, transB));
    return this;
  }

  Code add(Instr i) {
    code.add(i);
    return this;
  }

  Program build() {
    return new Program(name, buffers.entrySet().stream().map(e -> new Program.Buffer(e.getKey(), e.getValue())).toList(), code);
  }
}
