package dev.tessera.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * One ONNX Runtime session for one {@link Problem}, with Q, K, V and the output bound to direct float buffers that
 * ORT reads and writes in place, so {@link #run} times only {@code session.run}. Session options: intra-op threads as
 * given, one inter-op thread, sequential execution, all graph optimisations, ORT's default arena and spinning. Close it
 * before timing anything else: ORT's spinning pool threads would otherwise take cores from it.
 */
final class OrtAttention implements AutoCloseable {
  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

  private final Problem p;
  private final OrtSession session;
  private final FloatBuffer outBuf;
  private final OnnxTensor[] tensors;
  private final Map<String, OnnxTensor> inputs;
  private final Map<String, OnnxTensor> outputs;

  private OrtAttention(Problem p, OrtSession session, float[] q, float[] k, float[] v) throws OrtException {
    this.p = p;
    this.session = session;
    outBuf = directFloats(p.outLength());
    OnnxTensor qt = OnnxTensor.createTensor(ENV, filled(q, p.qLength()), new long[] {p.b(), p.h(), p.m(), p.d()});
    OnnxTensor kt = OnnxTensor.createTensor(ENV, filled(k, p.kLength()), new long[] {p.b(), p.hk(), p.n(), p.d()});
    OnnxTensor vt = OnnxTensor.createTensor(ENV, filled(v, p.vLength()), new long[] {p.b(), p.hk(), p.n(), p.e()});
    OnnxTensor out = OnnxTensor.createTensor(ENV, outBuf, new long[] {p.b(), p.h(), p.m(), p.e()});
    tensors = new OnnxTensor[] {qt, kt, vt, out};
    inputs = Map.of("q", qt, "k", kt, "v", vt);
    outputs = Map.of("y", out);
  }

  /** A session for the problem on the zoo kernel's inputs (Q, K, V and, for ALiBi, slopes). */
  static OrtAttention create(Problem p, Map<String, float[]> in, int threads) {
    return create(p, OnnxModels.attention(p, in.get("slopes")), in.get("Q"), in.get("K"), in.get("V"), threads);
  }

  /** A session for an arbitrary model with inputs q, k, v and output y shaped as {@code p} says. */
  static OrtAttention create(Problem p, byte[] model, float[] q, float[] k, float[] v, int threads) {
    try (SessionOptions opts = new SessionOptions()) {
      opts.setIntraOpNumThreads(threads);
      opts.setInterOpNumThreads(1);
      opts.setExecutionMode(SessionOptions.ExecutionMode.SEQUENTIAL);
      opts.setOptimizationLevel(SessionOptions.OptLevel.ALL_OPT);
      opts.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
      return new OrtAttention(p, ENV.createSession(model, opts), q, k, v);
    } catch (OrtException ex) {
      throw new IllegalStateException("ONNX Runtime rejected the model for " + p + ": " + ex.getMessage(), ex);
    }
  }

  /** The ONNX Runtime version, as the native library reports it. */
  static String version() {
    return ENV.getVersion();
  }

  /** Runs the session once and returns a copy of the [B,H,M,E] output. */
  float[] run() {
    try {
      // The output is pinned to outBuf and owned here: closing the Result does not close it.
      session.run(inputs, outputs).close();
    } catch (OrtException ex) {
      throw new IllegalStateException("ONNX Runtime run failed for " + p + ": " + ex.getMessage(), ex);
    }
    float[] result = new float[p.outLength()];
    outBuf.get(0, result);
    return result;
  }

  @Override
  public void close() {
    for (OnnxTensor t : tensors) t.close();
    try {
      session.close();
    } catch (OrtException ex) {
      throw new IllegalStateException(ex);
    }
  }

  private static FloatBuffer filled(float[] data, int length) {
    if (data.length != length) throw new IllegalArgumentException("expected " + length + " values, got " + data.length);
    FloatBuffer b = directFloats(length);
    b.put(0, data);
    return b;
  }

  private static FloatBuffer directFloats(int n) {
    return ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
  }
}
