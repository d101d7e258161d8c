package dev.tessera.cuda;

import dev.tessera.ir.CodeWriter;

/** Device helpers of the flash kernel: cp.async, 32-bit fragment loads, packing and the mma for one storage type. */
final class FlashPrelude {
  private FlashPrelude() {}

  static void write(CodeWriter w, CType type) {
    w.line("#ifndef TESSERA_HOST_EMULATION  // the host emulation (test-suite/src/test/emu) supplies the PTX helpers");
    w.line("// cp.async: 16 bytes global -> shared, zero-filled where src_bytes is 0 (rows past the end).");
    w.open("__device__ __forceinline__ void tsr_cp_async16(void* dst, const void* src, int src_bytes) {");
    w.line("const unsigned d = (unsigned)__cvta_generic_to_shared(dst);");
    w.line("asm volatile(\"cp.async.cg.shared.global [%0], [%1], 16, %2;\\n\" :: \"r\"(d), \"l\"(src), \"r\"(src_bytes));");
    w.close("}");
    w.line("__device__ __forceinline__ void tsr_cp_commit() { asm volatile(\"cp.async.commit_group;\\n\" ::); }");
    w.line("__device__ __forceinline__ void tsr_cp_wait_1() { asm volatile(\"cp.async.wait_group 1;\\n\" ::); }");
    w.line("__device__ __forceinline__ void tsr_cp_wait_0() { asm volatile(\"cp.async.wait_group 0;\\n\" ::); }");
    boolean sixteen = type == CType.F16 || type == CType.BF16;
    if (sixteen) {
      String ab = type == CType.F16 ? "f16" : "bf16";
      w.line("// D = A * B + D for a 16x8x16 tile: A row-major (4 regs), B column-major (2 regs), f32 accumulators.");
      w.open("__device__ __forceinline__ void tsr_mma(float* c, unsigned a0, unsigned a1, unsigned a2, unsigned a3, unsigned b0, unsigned b1) {");
      w.line("asm volatile(\"mma.sync.aligned.m16n8k16.row.col.f32." + ab + "." + ab + ".f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};\\n\"");
      w.line("    : \"+f\"(c[0]), \"+f\"(c[1]), \"+f\"(c[2]), \"+f\"(c[3])");
      w.line("    : \"r\"(a0), \"r\"(a1), \"r\"(a2), \"r\"(a3), \"r\"(b0), \"r\"(b1));");
      w.close("}");
    }
    w.line("#endif");
    if (sixteen) {
      String t = type.c();
      String two = type == CType.F16 ? "__half2" : "__nv_bfloat162";
      String fromFloats = type == CType.F16 ? "__floats2half2_rn" : "__floats2bfloat162_rn";
      String fromHalves = type == CType.F16 ? "__halves2half2" : "__halves2bfloat162";
      w.line("// Two consecutive 16-bit elements as one 32-bit mma fragment register.");
      w.line("__device__ __forceinline__ unsigned tsr_ld32(const " + t + "* p) { return *reinterpret_cast<const unsigned*>(p); }");
      w.open("__device__ __forceinline__ unsigned tsr_pack(float lo, float hi) {");
      w.line(two + " v = " + fromFloats + "(lo, hi);");
      w.line("return *reinterpret_cast<unsigned*>(&v);");
      w.close("}");
      w.open("__device__ __forceinline__ unsigned tsr_pack2(" + t + " lo, " + t + " hi) {");
      w.line(two + " v = " + fromHalves + "(lo, hi);");
      w.line("return *reinterpret_cast<unsigned*>(&v);");
      w.close("}");
    }
    w.line("");
    IntervalCode.helpers(w);
  }
}
