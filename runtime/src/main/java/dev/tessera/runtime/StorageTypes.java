package dev.tessera.runtime;

import dev.tessera.ir.ElemType;

/** Rounds values to what a storage type can hold, so the reference sees exactly the stored inputs. */
public final class StorageTypes {
  private StorageTypes() {}

  /** The nearest value of {@code type}; for i8 and bool the caller has checked the value fits. */
  public static double round(ElemType type, double v) {
    return switch (type) {
      case F32 -> (float) v;
      case F16 -> Float.float16ToFloat(Float.floatToFloat16((float) v));
      case BF16 -> bf16((float) v);
      case I8 -> v;
      case BOOL -> v != 0 ? 1 : 0;
    };
  }

  /** Rounds a float to bfloat16 (round to nearest, ties to even), returned widened. */
  public static float bf16(float f) {
    if (Float.isNaN(f)) return f;
    int bits = Float.floatToRawIntBits(f);
    int lsb = (bits >>> 16) & 1;
    int rounded = bits + 0x7FFF + lsb;
    return Float.intBitsToFloat(rounded & 0xFFFF0000);
  }

  /** Whether {@code v} can be stored in {@code type} without changing what it means. */
  public static boolean representable(ElemType type, double v) {
    return switch (type) {
      case I8 -> v == Math.rint(v) && v >= -128 && v <= 127;
      case BOOL, F32, F16, BF16 -> true;
    };
  }
}
