package dev.tessera.runtime.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The launcher's host side everywhere; a real launch only where a CUDA driver and device exist (else skipped, with the reason). */
class CudaLauncherTest {
  private static final String MANIFEST = """
      {
        "format": "tessera-cuda-manifest/1",
        "kernel": "scale",
        "arch": "sm_80",
        "dtype": "f32",
        "buffers": [
          {"name": "X", "role": "input", "dtype": "float32", "shape": [3], "bytes": 12},
          {"name": "Y", "role": "output", "dtype": "float32", "shape": [3], "bytes": 12}
        ],
        "launches": [
          {"entry": "scale_k0", "what": "compute_Y", "grid": [1, 1, 1], "block": [32, 1, 1], "shared_bytes": 0, "params": [{"buffer": "X", "access": "read"}, {"buffer": "Y", "access": "write"}]}
        ]
      }
      """;

  /** Hand-written PTX for Y = 2 X over 3 elements, so the launch test needs no nvcc. */
  private static final String PTX = """
      .version 7.0
      .target sm_80
      .address_size 64
      .visible .entry scale_k0(.param .u64 x, .param .u64 y) {
        .reg .pred %p;
        .reg .b32 %r<3>;
        .reg .f32 %f<3>;
        .reg .b64 %rd<7>;
        ld.param.u64 %rd1, [x];
        ld.param.u64 %rd2, [y];
        mov.u32 %r1, %tid.x;
        setp.ge.u32 %p, %r1, 3;
        @%p bra DONE;
        cvta.to.global.u64 %rd3, %rd1;
        cvta.to.global.u64 %rd4, %rd2;
        mul.wide.u32 %rd5, %r1, 4;
        add.s64 %rd6, %rd3, %rd5;
        ld.global.f32 %f1, [%rd6];
        add.f32 %f2, %f1, %f1;
        add.s64 %rd6, %rd4, %rd5;
        st.global.f32 [%rd6], %f2;
      DONE:
        ret;
      }
      """;

  @Test
  void parsesTheManifest() {
    LaunchManifest m = LaunchManifest.parse(MANIFEST);
    assertEquals("scale", m.kernel());
    assertEquals(2, m.buffers().size());
    assertArrayEquals(new int[] {3}, m.buffers().get(0).shape());
    assertEquals(List.of("X", "Y"), m.launches().get(0).params());
    assertEquals(32, m.launches().get(0).block());
  }

  @Test
  void convertsHalfAndBfloat16() {
    double[] v = {1.0, -2.5, 65504.0, 1.0 / 3};
    assertArrayEquals(new double[] {1.0, -2.5, 65504.0, 0.333251953125}, HostConvert.decode(HostConvert.encode(v, "float16"), "float16"));
    assertArrayEquals(new double[] {1.0, -2.5, 65536.0, 0.333984375}, HostConvert.decode(HostConvert.encode(v, "bfloat16"), "bfloat16"));
  }

  @Test
  void ptxGetsATerminatingNul() {
    byte[] t = CudaLauncher.terminated("abc".getBytes(StandardCharsets.US_ASCII));
    assertEquals(4, t.length);
    assertEquals(0, t[3]);
  }

  @Test
  void withoutADriverTheReasonIsClear() {
    CudaLauncher.Availability a = CudaLauncher.probe();
    Assumptions.assumeFalse(a.available(), "a CUDA driver is present here; the no-driver path is not exercised");
    assertFalse(a.reason().isEmpty());
    assertTrue(a.reason().startsWith("no CUDA driver") || a.reason().startsWith("no usable CUDA device") || a.reason().startsWith("the CUDA driver"),
        a.reason());
  }

  @Test
  void runsAKernelOnTheGpu() throws Exception {
    CudaLauncher.Availability a = CudaLauncher.probe();
    Assumptions.assumeTrue(a.available(), "skipped: " + a.reason());
    try (CudaLauncher l = CudaLauncher.open()) {
      CudaLauncher.Result r = l.run(LaunchManifest.parse(MANIFEST), PTX.getBytes(StandardCharsets.US_ASCII), Map.of("X", new double[] {1, 2, -3}), 2);
      assertArrayEquals(new double[] {2, 4, -6}, r.outputs().get("Y"));
      assertEquals(2, r.millis().length);
    }
  }
}
