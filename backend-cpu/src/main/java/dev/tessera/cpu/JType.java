package dev.tessera.cpu;

/** JVM value kinds of generated expressions: int (indices), float (values), bool (0 or 1 as int). */
enum JType {
  INT, FLOAT, BOOL;

  static JType join(JType a, JType b) {
    if (a == FLOAT || b == FLOAT) return FLOAT;
    if (a == BOOL && b == BOOL) return BOOL;
    return INT;
  }
}
