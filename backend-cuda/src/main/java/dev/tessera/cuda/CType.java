package dev.tessera.cuda;

import dev.tessera.ir.ElemType;

/** How a storage type appears in CUDA C: its element type, its size, and the f32 load/store around it. */
enum CType {
  F32("float", 4), F16("__half", 2), BF16("__nv_bfloat16", 2), I8("signed char", 1), BOOL("unsigned char", 1);

  private final String c;
  private final int bytes;

  CType(String c, int bytes) {
    this.c = c;
    this.bytes = bytes;
  }

  static CType of(ElemType t) {
    return switch (t) {
      case F32 -> F32;
      case F16 -> F16;
      case BF16 -> BF16;
      case I8 -> I8;
      case BOOL -> BOOL;
    };
  }

  String c() {
    return c;
  }

  int bytes() {
    return bytes;
  }

  /** The manifest's name of the type, as NumPy spells it. */
  String numpy() {
    return switch (this) {
      case F32 -> "float32";
      case F16 -> "float16";
      case BF16 -> "bfloat16";
      case I8 -> "int8";
      case BOOL -> "bool";
    };
  }

  /** A load of {@code ref} as a float. */
  String load(String ref) {
    return switch (this) {
      case F32 -> ref;
      case F16 -> "__half2float(" + ref + ")";
      case BF16 -> "__bfloat162float(" + ref + ")";
      case I8, BOOL -> "(float)(" + ref + ")";
    };
  }

  /** The float {@code value} converted for a store. */
  String store(String value) {
    return switch (this) {
      case F32 -> value;
      case F16 -> "__float2half_rn(" + value + ")";
      case BF16 -> "__float2bfloat16_rn(" + value + ")";
      case I8 -> "(signed char)(" + value + ")";
      case BOOL -> "(unsigned char)((" + value + ") != 0.0f)";
    };
  }
}
