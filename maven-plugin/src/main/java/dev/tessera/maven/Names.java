package dev.tessera.maven;

import java.util.Locale;
import java.util.Set;

/** Java names for DSL names: class names from kernel names, parameters from tensor and dimension names. */
final class Names {
  private Names() {}

  private static final Set<String> KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case", "catch", "char",
      "class", "const", "continue", "default", "do", "double", "else", "enum", "extends", "final", "finally", "float", "for", "goto",
      "if", "implements", "import", "instanceof", "int", "interface", "long", "native", "new", "package", "private", "protected",
      "public", "return", "short", "static", "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient",
      "try", "void", "volatile", "while", "true", "false", "null", "var", "yield", "record", "sealed", "permits", "_");

  /** {@code mha_causal} becomes {@code MhaCausalKernel}. */
  static String className(String kernel) {
    StringBuilder sb = new StringBuilder();
    for (String part : kernel.split("_+")) {
      if (part.isEmpty()) continue;
      sb.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
    }
    if (sb.isEmpty() || !Character.isJavaIdentifierStart(sb.charAt(0))) sb.insert(0, 'K');
    return sb.append("Kernel").toString();
  }

  /** The name itself unless Java reserves it; then with a trailing underscore. */
  static String identifier(String name) {
    return KEYWORDS.contains(name) ? name + "_" : name;
  }

  static boolean isPackageName(String p) {
    if (p.isEmpty()) return false;
    for (String part : p.split("\\.", -1)) {
      if (part.isEmpty() || KEYWORDS.contains(part) || !Character.isJavaIdentifierStart(part.charAt(0))) return false;
      for (int i = 1; i < part.length(); i++) if (!Character.isJavaIdentifierPart(part.charAt(i))) return false;
    }
    return true;
  }

  /** A Java string literal. */
  static String literal(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        default -> sb.append(c < 0x20 ? String.format(Locale.ROOT, "\\u%04x", (int) c) : String.valueOf(c));
      }
    }
    return sb.append('"').toString();
  }

  /** Text safe inside a Javadoc comment: no comment end, no HTML or tag starts. */
  static String javadoc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("*/", "*&#47;").replace("@", "&#64;");
  }
}
