package dev.tessera.runtime.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Host-side conversion between doubles and a buffer's storage bytes (little-endian, as the GPU stores them). */
final class HostConvert {
  private HostConvert() {}

  static int size(String dtype) {
    return switch (dtype) {
      case "float32" -> 4;
      case "float16", "bfloat16" -> 2;
      case "int8", "bool" -> 1;
      default -> throw new IllegalArgumentException("unknown buffer dtype " + dtype);
    };
  }

  static byte[] encode(double[] v, String dtype) {
    ByteBuffer b = ByteBuffer.allocate(v.length * size(dtype)).order(ByteOrder.LITTLE_ENDIAN);
    for (double x : v) {
      switch (dtype) {
        case "float32" -> b.putFloat((float) x);
        case "float16" -> b.putShort(Float.floatToFloat16((float) x));
        case "bfloat16" -> b.putShort(bf16((float) x));
        case "int8" -> b.put((byte) x);
        case "bool" -> b.put((byte) (x != 0 ? 1 : 0));
        default -> throw new IllegalArgumentException(dtype);
      }
    }
    return b.array();
  }

  static double[] decode(byte[] bytes, String dtype) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    double[] v = new double[bytes.length / size(dtype)];
    for (int i = 0; i < v.length; i++) {
      v[i] = switch (dtype) {
        case "float32" -> b.getFloat();
        case "float16" -> Float.float16ToFloat(b.getShort());
        case "bfloat16" -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
        case "int8" -> b.get();
        case "bool" -> b.get() != 0 ? 1 : 0;
        default -> throw new IllegalArgumentException(dtype);
      };
    }
    return v;
  }

  /** f32 to bf16, rounding to nearest even; NaN stays NaN. */
  static short bf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
    int rounded = bits + 0x7fff + ((bits >>> 16) & 1);
    return (short) (rounded >>> 16);
  }
}
