// Host emulation of the CUDA subset Tessera generates: compiles a generated .cu with g++ and runs
// its kernels on the CPU, one thread block at a time, each CUDA thread a fiber (tsr_emu.cpp).
//
// What it models: the thread hierarchy; __syncthreads and warp-collective operations as barriers
// (a thread that cannot pass one is reported as a deadlock, as are full-mask collectives after a
// lane exited); shared memory shared by the block; cp.async as copies deferred to the issuing
// thread's cp.async.wait_group; mma.sync m16n8k16 with the PTX fragment layouts; f16 and bf16 with
// round-to-nearest-even conversions. What it does not: timing, the memory model and races between
// threads that run between the same two barriers, tensor-core rounding beyond an exact product sum.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <utility>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __shared__ static
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))

struct tsr_emu_dim3 {
  unsigned x, y, z;
};
extern tsr_emu_dim3 threadIdx, blockIdx, blockDim, gridDim;

// The block's dynamic shared memory: the harness turns `extern __shared__` into `extern`, so the
// kernel's declaration names this array.
constexpr size_t TSR_EMU_SMEM_MAX = 232448;
extern unsigned char tsr_smem[TSR_EMU_SMEM_MAX];

[[noreturn]] void tsr_emu_fail(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void tsr_emu_syncthreads();
void tsr_emu_warp_barrier(unsigned mask, const char* what);
// Exchanges one 64-bit word per lane; returns the word of lane `src` (its own when src is out of range).
unsigned long long tsr_emu_exchange(unsigned mask, unsigned long long v, int src, const char* what);
int tsr_emu_lane();
void tsr_emu_cp_async(void* dst, const void* src, int src_bytes);
void tsr_emu_cp_commit();
void tsr_emu_cp_wait(int pending);
void tsr_emu_mma_16816(float* c, const unsigned* a, const unsigned* b, bool bf16);

inline void __syncthreads() { tsr_emu_syncthreads(); }
inline void __syncwarp(unsigned mask = 0xffffffffu) { tsr_emu_warp_barrier(mask, "__syncwarp"); }

template <class T>
inline T tsr_emu_shfl(unsigned mask, T v, int src, const char* what) {
  static_assert(sizeof(T) <= 8, "a shuffled value is one register or a pair");
  unsigned long long w = 0;
  std::memcpy(&w, &v, sizeof(T));
  w = tsr_emu_exchange(mask, w, src, what);
  T r;
  std::memcpy(&r, &w, sizeof(T));
  return r;
}
template <class T>
inline T __shfl_xor_sync(unsigned mask, T v, int lane_mask, int width = 32) {
  int lane = tsr_emu_lane();
  return tsr_emu_shfl(mask, v, (lane & ~(width - 1)) | ((lane ^ lane_mask) & (width - 1)), "__shfl_xor_sync");
}
template <class T>
inline T __shfl_sync(unsigned mask, T v, int src, int width = 32) {
  int lane = tsr_emu_lane();
  return tsr_emu_shfl(mask, v, (lane & ~(width - 1)) | (src & (width - 1)), "__shfl_sync");
}
template <class T>
inline T __shfl_down_sync(unsigned mask, T v, unsigned delta, int width = 32) {
  int lane = tsr_emu_lane();
  int src = (lane & (width - 1)) + (int)delta < width ? lane + (int)delta : lane;
  return tsr_emu_shfl(mask, v, src, "__shfl_down_sync");
}

// Bit casts and the device math the generated code calls that the host library lacks.
inline float __int_as_float(int v) {
  float f;
  std::memcpy(&f, &v, 4);
  return f;
}
inline int __float_as_int(float f) {
  int v;
  std::memcpy(&v, &f, 4);
  return v;
}
inline double __longlong_as_double(long long v) {
  double d;
  std::memcpy(&d, &v, 8);
  return d;
}
inline float rsqrtf(float x) { return 1.0f / sqrtf(x); }
inline float __expf(float x) { return expf(x); }
inline float __logf(float x) { return logf(x); }
inline float __fdividef(float a, float b) { return a / b; }

// 16-bit floating types: storage only, converted with round-to-nearest-even as the device does.
struct __half {
  unsigned short x;
};
struct __half2 {
  __half x, y;
};
struct __nv_bfloat16 {
  unsigned short x;
};
struct __nv_bfloat162 {
  __nv_bfloat16 x, y;
};

inline float __half2float(__half h) {
  unsigned s = (h.x & 0x8000u) << 16, e = (h.x >> 10) & 0x1f, m = h.x & 0x3ffu, bits;
  if (e == 0x1f) {
    bits = s | 0x7f800000u | (m << 13);
  } else if (e != 0) {
    bits = s | ((e + 112) << 23) | (m << 13);
  } else if (m == 0) {
    bits = s;
  } else {  // subnormal: normalise
    e = 113;
    while (!(m & 0x400u)) {
      m <<= 1;
      --e;
    }
    bits = s | (e << 23) | ((m & 0x3ffu) << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}
inline __half __float2half_rn(float f) {
  unsigned bits;
  std::memcpy(&bits, &f, 4);
  unsigned short s = (unsigned short)((bits >> 16) & 0x8000u);
  unsigned a = bits & 0x7fffffffu;
  if (a > 0x7f800000u) return __half{(unsigned short)(s | 0x7e00u)};
  if (a >= 0x477ff000u) return __half{(unsigned short)(s | 0x7c00u)};  // rounds to infinity
  if (a < 0x38800000u) {  // subnormal or zero in half: units of 2^-24
    float q = std::fabs(f) * 16777216.0f;  // exact scaling; nearbyint rounds half to even
    return __half{(unsigned short)(s | (unsigned short)std::nearbyint(q))};
  }
  unsigned r = a + 0xfffu + ((a >> 13) & 1u);
  return __half{(unsigned short)(s | ((r - 0x38000000u) >> 13))};
}
inline float __bfloat162float(__nv_bfloat16 h) {
  unsigned bits = (unsigned)h.x << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}
inline __nv_bfloat16 __float2bfloat16_rn(float f) {
  unsigned bits;
  std::memcpy(&bits, &f, 4);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return __nv_bfloat16{(unsigned short)((bits >> 16) | 0x40u)};
  return __nv_bfloat16{(unsigned short)((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16)};
}
inline __half2 __floats2half2_rn(float lo, float hi) { return __half2{__float2half_rn(lo), __float2half_rn(hi)}; }
inline __half2 __halves2half2(__half lo, __half hi) { return __half2{lo, hi}; }
inline __nv_bfloat162 __floats2bfloat162_rn(float lo, float hi) {
  return __nv_bfloat162{__float2bfloat16_rn(lo), __float2bfloat16_rn(hi)};
}
inline __nv_bfloat162 __halves2bfloat162(__nv_bfloat16 lo, __nv_bfloat16 hi) { return __nv_bfloat162{lo, hi}; }

// The PTX helpers of the flash prelude, which the generated file leaves out under TESSERA_HOST_EMULATION.
inline void tsr_cp_async16(void* dst, const void* src, int src_bytes) { tsr_emu_cp_async(dst, src, src_bytes); }
inline void tsr_cp_commit() { tsr_emu_cp_commit(); }
inline void tsr_cp_wait_1() { tsr_emu_cp_wait(1); }
inline void tsr_cp_wait_0() { tsr_emu_cp_wait(0); }
#ifndef TSR_EMU_BF16
#define TSR_EMU_BF16 0
#endif
inline void tsr_mma(float* c, unsigned a0, unsigned a1, unsigned a2, unsigned a3, unsigned b0, unsigned b1) {
  const unsigned a[4] = {a0, a1, a2, a3}, b[2] = {b0, b1};
  tsr_emu_mma_16816(c, a, b, TSR_EMU_BF16 != 0);
}

// A kernel entry the driver can launch: its parameters are device pointers, in manifest order.
struct tsr_emu_entry {
  const char* name;
  void (*call)(void* const* params);
  int params;
};
template <class... P>
constexpr int tsr_emu_arity(void (*)(P...)) {
  return (int)sizeof...(P);
}
template <class... P, size_t... I>
inline void tsr_emu_apply(void (*f)(P...), void* const* params, std::index_sequence<I...>) {
  f(static_cast<P>(params[I])...);
}
template <class... P>
inline void tsr_emu_invoke(void (*f)(P...), void* const* params) {
  tsr_emu_apply(f, params, std::index_sequence_for<P...>{});
}
template <auto F>
inline void tsr_emu_call(void* const* params) {
  tsr_emu_invoke(F, params);
}
