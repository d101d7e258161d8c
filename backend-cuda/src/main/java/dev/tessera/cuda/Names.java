package dev.tessera.cuda;

import java.util.Set;

/**
 * C names of generated things. Tensors keep their DSL names (prefixed only where they would clash
 * with a C or CUDA word); index variables and normalizer locals get prefixes so they never clash
 * with tensors.
 */
final class Names {
  private Names() {}

  private static final Set<String> RESERVED = Set.of("auto", "bool", "break", "case", "char", "const", "continue", "default",
      "do", "double", "else", "enum", "extern", "float", "for", "goto", "if", "int", "long", "register", "return", "short",
      "signed", "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void", "volatile", "while",
      "class", "new", "delete", "this", "template", "typename", "namespace", "private", "public", "protected", "friend",
      "operator", "virtual", "inline", "true", "false", "asm", "try", "catch", "throw", "dim3", "threadIdx", "blockIdx",
      "blockDim", "gridDim", "warpSize", "half", "min", "max", "main");

  /** The kernel parameter holding tensor {@code name}. */
  static String param(String name) {
    String n = name.startsWith("_") ? "tmp" + name : name;
    return RESERVED.contains(n) || n.startsWith("tsr_") || n.startsWith("__") ? "t_" + n : n;
  }

  static String index(String name) {
    return "i_" + name;
  }

  /** A C identifier made of the kernel name (DSL identifiers are already C identifiers). */
  static String entry(String kernel, int launch, String what) {
    return kernel + "_k" + launch + "_" + what;
  }
}
