package dev.tessera.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A minimal protobuf wire-format writer: only the field kinds the ONNX messages of {@link OnnxModels} use. */
final class Proto {
  private static final int VARINT = 0;
  private static final int FIXED32 = 5;
  private static final int LEN = 2;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  Proto varint(int field, long value) {
    tag(field, VARINT);
    rawVarint(value);
    return this;
  }

  Proto float32(int field, float value) {
    tag(field, FIXED32);
    int bits = Float.floatToRawIntBits(value);
    for (int i = 0; i < 4; i++) out.write((bits >>> (8 * i)) & 0xff);
    return this;
  }

  Proto bytes(int field, byte[] value) {
    tag(field, LEN);
    rawVarint(value.length);
    out.writeBytes(value);
    return this;
  }

  Proto string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  Proto message(int field, Proto value) {
    return bytes(field, value.toByteArray());
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }

  private void tag(int field, int wireType) {
    rawVarint(((long) field << 3) | wireType);
  }

  private void rawVarint(long value) {
    // Negative int64 values take the full 10-byte two's-complement form, as protobuf specifies.
    while ((value & ~0x7fL) != 0) {
      out.write((int) ((value & 0x7f) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }
}
