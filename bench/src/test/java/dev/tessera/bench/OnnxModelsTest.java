package dev.tessera.bench;

import static com.google.common.truth.Truth.assertThat;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import org.junit.jupiter.api.Test;

/** The hand-written protobuf and the ONNX models built with it. */
class OnnxModelsTest {
  @Test
  void varintAndFixed32FollowTheWireFormat() {
    assertThat(new Proto().varint(1, 300).toByteArray()).isEqualTo(new byte[] {0x08, (byte) 0xac, 0x02});
    assertThat(new Proto().varint(2, -1).toByteArray()).hasLength(11);
    assertThat(new Proto().float32(2, 1.0f).toByteArray()).isEqualTo(new byte[] {0x15, 0, 0, (byte) 0x80, 0x3f});
    assertThat(new Proto().string(20, "ab").toByteArray()).isEqualTo(new byte[] {(byte) 0xa2, 0x01, 2, 'a', 'b'});
  }

  @Test
  void attentionModelLoadsWithDeclaredShapes() throws Exception {
    Problem p = Problem.mha(2, 8, 16, 48, 32).withKvHeads(2);
    try (OrtSession s = OrtEnvironment.getEnvironment().createSession(OnnxModels.attention(p, null), new OrtSession.SessionOptions())) {
      assertThat(s.getInputNames()).containsExactly("q", "k", "v").inOrder();
      assertThat(shape(s, "q", true)).isEqualTo(new long[] {2, 8, 16, 32});
      assertThat(shape(s, "k", true)).isEqualTo(new long[] {2, 2, 48, 32});
      assertThat(shape(s, "y", false)).isEqualTo(new long[] {2, 8, 16, 32});
      assertThat(s.getMetadata().getProducerName()).isEqualTo(OnnxModels.PRODUCER);
    }
  }

  @Test
  void masksAreBuiltOnlyWhenTheyMatter() {
    assertThat(OnnxModels.additiveMask(Problem.mha(1, 2, 8, 8, 4), null, true)).isNull();
    assertThat(OnnxModels.additiveMask(Problem.mha(1, 2, 1, 8, 4).withCausal(true), null, true)).isNull();
    assertThat(OnnxModels.additiveMask(Problem.mha(1, 2, 8, 8, 4).withCausal(true), null, false)).isNull();
    // Bottom-right: query 0 sees keys 0..1, query 1 sees all three.
    assertThat(OnnxModels.additiveMask(Problem.mha(1, 2, 2, 3, 4).withCausal(true), null, true)).usingExactEquality()
        .containsExactly(0f, 0f, Float.NEGATIVE_INFINITY, 0f, 0f, 0f).inOrder();
  }

  @Test
  void alibiBiasUsesTheGivenSlopesPerHead() {
    float[] mask = OnnxModels.additiveMask(Problem.mha(1, 2, 2, 2, 4).withCausal(true).withAlibi(), new float[] {0.5f, 0.25f}, true);
    // [head][query][key]: slopes[h]·(n − m) where visible, −∞ above the diagonal.
    assertThat(mask).usingExactEquality()
        .containsExactly(0f, Float.NEGATIVE_INFINITY, -0.5f, 0f, 0f, Float.NEGATIVE_INFINITY, -0.25f, 0f).inOrder();
  }

  @Test
  void sigmoidAttentionHasNoOnnxModel() {
    Problem p = Problem.mha(1, 1, 4, 4, 4).withSigmoid();
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> OnnxModels.attention(p, null));
  }

  private static long[] shape(OrtSession s, String name, boolean input) throws Exception {
    var info = input ? s.getInputInfo().get(name) : s.getOutputInfo().get(name);
    return ((TensorInfo) info.getInfo()).getShape();
  }
}
