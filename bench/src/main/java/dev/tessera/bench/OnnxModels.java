package dev.tessera.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds ONNX model bytes in protobuf wire format (no protobuf dependency). Field numbers are those of onnx.proto
 * (ModelProto, GraphProto, NodeProto, AttributeProto, ValueInfoProto, TypeProto, TensorProto, OperatorSetIdProto).
 */
final class OnnxModels {
  private OnnxModels() {}

  /** IR version 10 (ONNX 1.16) is enough for opset 23 and accepted by every ORT 1.2x build. */
  static final long IR_VERSION = 10;
  /** The first opset with the standard {@code Attention} op (ORT's CPU kernel is registered for 23 and 24). */
  static final int ATTENTION_OPSET = 23;
  static final String PRODUCER = "tessera-bench";

  private static final int FLOAT = 1; // TensorProto.DataType.FLOAT
  private static final int ATTR_FLOAT = 1; // AttributeProto.AttributeType
  private static final int ATTR_INT = 2;

  /**
   * One {@code Attention} node for the problem: graph inputs "q", "k", "v" (BNSH, head counts taken from the 4-D
   * shapes, so GQA needs no attribute), output "y" [B,H,M,E]. ORT's {@code is_causal} is top-left aligned (key n
   * visible iff n ≤ m) when there is no past key, so it is used only when M == N; otherwise the causal part goes into
   * the additive {@code attn_mask} initializer with the window and the ALiBi bias. The soft cap is applied before the
   * mask, so masked keys stay at −∞.
   */
  static byte[] attention(Problem p, float[] slopes) {
    if (!p.onnxSupported()) throw new IllegalArgumentException("no ONNX Attention form for " + p);
    boolean isCausal = p.causal() && p.m() == p.n();
    return attention(p, isCausal, additiveMask(p, slopes, !isCausal));
  }

  /** The {@code Attention} node with an explicit {@code is_causal} and an optional [1, H or 1, M, N] mask. */
  static byte[] attention(Problem p, boolean isCausal, float[] mask) {
    List<Proto> attrs = new ArrayList<>();
    attrs.add(attrFloat("scale", p.scale()));
    if (isCausal) attrs.add(attrInt("is_causal", 1));
    if (p.softcap() > 0) attrs.add(attrFloat("softcap", p.softcap()));
    List<String> inputs = new ArrayList<>(List.of("q", "k", "v"));
    List<Proto> inits = new ArrayList<>();
    if (mask != null) {
      inputs.add("attn_mask");
      long maskHeads = mask.length / ((long) p.m() * p.n());
      inits.add(floatInitializer("attn_mask", mask, 1, maskHeads, p.m(), p.n()));
    }
    Proto node = node("Attention", inputs, List.of("y"), attrs);
    Proto g = graph("attention", List.of(node), inits,
        List.of(floatTensorInfo("q", p.b(), p.h(), p.m(), p.d()), floatTensorInfo("k", p.b(), p.hk(), p.n(), p.d()),
            floatTensorInfo("v", p.b(), p.hk(), p.n(), p.e())),
        List.of(floatTensorInfo("y", p.b(), p.h(), p.m(), p.e())));
    return model(g);
  }

  /**
   * The additive mask [1, H or 1, M, N]: the ALiBi bias slopes[h]·(n − p(m)) (per head) plus −∞ where a key is not
   * visible; null when it would be all zeros. With {@code includeCausal} false the causal part is left to the op's
   * {@code is_causal} (the window part is always included).
   */
  static float[] additiveMask(Problem p, float[] slopes, boolean includeCausal) {
    Problem masked = includeCausal ? p : p.withCausal(false);
    if (!p.alibi() && !masked.hasMasking()) return null;
    int heads = p.alibi() ? p.h() : 1;
    float[] mask = new float[heads * p.m() * p.n()];
    for (int hh = 0; hh < heads; hh++) {
      for (int i = 0; i < p.m(); i++) {
        int pos = i + p.n() - p.m();
        for (int j = 0; j < p.n(); j++) {
          float bias = p.alibi() ? slopes[hh] * (j - pos) : 0f;
          mask[(hh * p.m() + i) * p.n() + j] = masked.visible(i, j) ? bias : Float.NEGATIVE_INFINITY;
        }
      }
    }
    return mask;
  }

  static Proto attrInt(String name, long value) {
    return new Proto().string(1, name).varint(20, ATTR_INT).varint(3, value);
  }

  static Proto attrFloat(String name, float value) {
    return new Proto().string(1, name).varint(20, ATTR_FLOAT).float32(2, value);
  }

  /** A NodeProto in the default domain. */
  static Proto node(String opType, List<String> inputs, List<String> outputs, List<Proto> attributes) {
    Proto p = new Proto();
    inputs.forEach(i -> p.string(1, i));
    outputs.forEach(o -> p.string(2, o));
    p.string(3, opType.toLowerCase(java.util.Locale.ROOT) + "0");
    p.string(4, opType);
    attributes.forEach(a -> p.message(5, a));
    return p;
  }

  /** A ValueInfoProto of a float tensor with static dimensions. */
  static Proto floatTensorInfo(String name, long... dims) {
    Proto shape = new Proto();
    for (long dim : dims) shape.message(1, new Proto().varint(1, dim)); // TensorShapeProto.dim { dim_value }
    Proto tensorType = new Proto().varint(1, FLOAT).message(2, shape);
    Proto type = new Proto().message(1, tensorType); // TypeProto.tensor_type
    return new Proto().string(1, name).message(2, type);
  }

  /** A TensorProto holding little-endian raw_data. */
  static Proto floatInitializer(String name, float[] data, long... dims) {
    Proto p = new Proto();
    for (long dim : dims) p.varint(1, dim);
    ByteBuffer raw = ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(data);
    return p.varint(2, FLOAT).string(8, name).bytes(9, raw.array());
  }

  static Proto graph(String name, List<Proto> nodes, List<Proto> initializers, List<Proto> inputs, List<Proto> outputs) {
    Proto g = new Proto();
    nodes.forEach(n -> g.message(1, n));
    g.string(2, name);
    initializers.forEach(t -> g.message(5, t));
    inputs.forEach(i -> g.message(11, i));
    outputs.forEach(o -> g.message(12, o));
    return g;
  }

  static byte[] model(Proto graph) {
    Proto opsetId = new Proto().string(1, "").varint(2, ATTENTION_OPSET);
    return new Proto().varint(1, IR_VERSION).string(2, PRODUCER).message(7, graph).message(8, opsetId).toByteArray();
  }
}
