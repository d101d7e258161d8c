package dev.tessera.cuda;

import dev.tessera.ir.TensorDecl;
import java.util.List;
import java.util.Map;

/**
 * The launch manifest as JSON, written by hand so its bytes are fixed: keys in a documented order,
 * buffers in the kernel's declaration order, launches in execution order. Format: docs/cuda.md.
 */
final class Manifest {
  static final String FORMAT = "tessera-cuda-manifest/1";

  private Manifest() {}

  static String json(String kernel, String profile, String arch, String dtype, Map<String, Long> dims,
      List<Layout.Buffer> buffers, List<Launch> launches) {
    StringBuilder sb = new StringBuilder();
    sb.append("{\n");
    field(sb, 1, "format", str(FORMAT));
    field(sb, 1, "kernel", str(kernel));
    field(sb, 1, "profile", str(profile));
    field(sb, 1, "arch", str(arch));
    field(sb, 1, "dtype", str(dtype));
    field(sb, 1, "source", str(kernel + ".cu"));
    field(sb, 1, "ptx", str(kernel + ".ptx"));
    field(sb, 1, "cubin", str(kernel + ".cubin"));
    field(sb, 1, "dims_are_compile_time", "true");
    StringBuilder d = new StringBuilder("{");
    int i = 0;
    for (Map.Entry<String, Long> e : dims.entrySet()) d.append(i++ > 0 ? ", " : "").append(str(e.getKey())).append(": ").append(e.getValue());
    field(sb, 1, "dims", d.append("}").toString());
    sb.append("  \"buffers\": [\n");
    for (int b = 0; b < buffers.size(); b++) {
      Layout.Buffer buf = buffers.get(b);
      sb.append("    {\"name\": ").append(str(buf.name())).append(", \"role\": ").append(str(role(buf.role())))
          .append(", \"dtype\": ").append(str(buf.type().numpy())).append(", \"shape\": ").append(longs(buf.extents()))
          .append(", \"bytes\": ").append(buf.bytes())
          .append(buf.range().map(r -> ", \"range\": [" + r.low() + ", " + r.high() + "]").orElse("")).append("}").append(b + 1 < buffers.size() ? "," : "").append("\n");
    }
    sb.append("  ],\n");
    sb.append("  \"launches\": [\n");
    for (int l = 0; l < launches.size(); l++) {
      Launch x = launches.get(l);
      sb.append("    {\"entry\": ").append(str(x.entry())).append(", \"what\": ").append(str(x.what()))
          .append(", \"grid\": [").append(x.grid()).append(", 1, 1], \"block\": [").append(x.block()).append(", 1, 1]")
          .append(", \"shared_bytes\": ").append(x.sharedBytes()).append(", \"params\": [");
      for (int p = 0; p < x.params().size(); p++) {
        Launch.Param par = x.params().get(p);
        sb.append(p > 0 ? ", " : "").append("{\"buffer\": ").append(str(par.buffer())).append(", \"access\": ")
            .append(str(par.written() ? "write" : "read")).append("}");
      }
      sb.append("]}").append(l + 1 < launches.size() ? "," : "").append("\n");
    }
    sb.append("  ]\n}\n");
    return sb.toString();
  }

  /** Inputs and outputs are the caller's; temporaries are scratch the launcher allocates. */
  static String role(TensorDecl.Role r) {
    return switch (r) {
      case INPUT -> "input";
      case OUTPUT -> "output";
      case TEMP -> "scratch";
    };
  }

  private static void field(StringBuilder sb, int depth, String key, String value) {
    sb.append("  ".repeat(depth)).append(str(key)).append(": ").append(value).append(",\n");
  }

  private static String longs(long[] v) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) sb.append(i > 0 ? ", " : "").append(v[i]);
    return sb.append("]").toString();
  }

  static String str(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') sb.append('\\').append(c);
      else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
      else sb.append(c);
    }
    return sb.append('"').toString();
  }
}
