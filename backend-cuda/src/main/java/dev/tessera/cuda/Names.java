package dev.tessera.cuda;

import java.util.Set;

/**
 * C names of generated things. Tensors keep their DSL names, prefixed with {@code t_} only where
 * they could clash with a C or CUDA word or with a local of the generated kernels; index variables
 * and normalizer locals get prefixes so they never clash with tensors.
 */
final class Names {
  private Names() {}

  private static final Set<String> RESERVED = Set.of("auto", "bool", "break", "case", "char", "const", "continue", "default",
      "do", "double", "else", "enum", "extern", "float", "for", "goto", "if", "int", "long", "register", "return", "short",
      "signed", "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while",
      "class", "new", "delete", "this", "template", "typename", "namespace", "private", "public", "protected", "friend",
      "operator", "virtual", "inline", "true", "false", "asm", "try", "catch", "throw", "dim3", "threadIdx", "blockIdx",
      "blockDim", "gridDim", "warpSize", "half", "min", "max", "main");

  /**
   * Locals of the generated kernels with more than two letters and no numeric suffix (shorter ones,
   * numbered ones and indices are caught by their shape in {@link #local}).
   */
  private static final Set<String> LOCALS = Set.of("acc", "blk", "bpt", "cls", "cls_next", "col", "cur", "dec", "fin", "finish",
      "from", "inside", "krow", "kv0", "lane", "lanes", "last", "lin", "nxt", "ocol", "orow", "partial", "prow", "qrow", "row",
      "r_m", "r_n", "seen", "split", "src", "stage", "tid", "tile_hi", "tile_lo", "vcol", "visible", "warp", "Ss", "Qs", "Ks", "Vs",
      "As", "Bs", "Ls", "Gs", "Kt", "Vt", "Ps", "Pw");

  /**
   * The kernel parameter holding tensor {@code name}. Distinct tensors keep distinct names: a
   * renamed name starts with {@code t_} (temporaries' with {@code tmp_}), and a DSL name that
   * already starts with either is renamed itself.
   */
  static String param(String name) {
    if (name.startsWith("_")) return "tmp" + name;
    boolean clash = RESERVED.contains(name) || LOCALS.contains(name) || local(name) || name.startsWith("tsr_") || name.startsWith("__")
        || name.startsWith("t_") || name.startsWith("tmp_");
    return clash ? "t_" + name : name;
  }

  /**
   * Shapes of generated locals: one or two lowercase letters and a digit (s, o, kk, a0, t4), a
   * numeric suffix (seen_0, st_0_1), an index (i_m), a normalizer value (nv_x).
   */
  private static boolean local(String name) {
    return name.matches("[a-z]{1,2}[0-9]?") || name.matches(".*_[0-9]+") || name.startsWith("i_") || name.startsWith("nv_");
  }

  static String index(String name) {
    return "i_" + name;
  }

  /** A C identifier made of the kernel name (DSL identifiers are already C identifiers). */
  static String entry(String kernel, int launch, String what) {
    return kernel + "_k" + launch + "_" + what;
  }
}
