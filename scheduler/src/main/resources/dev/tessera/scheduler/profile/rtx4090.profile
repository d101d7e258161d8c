# NVIDIA GeForce RTX 4090 (AD102, compute capability 8.9).
# Format: docs/profiles.md. Sources:
#   [1] NVIDIA Ada Lovelace GPU Architecture whitepaper (RTX 4090 column): 128 SMs, 2520 MHz boost,
#       72 MB L2, 24 GB GDDR6X at 1008 GB/s, peak TFLOP/s (dense; tensor-core figures are the ones
#       "with FP32 accumulate", which GeForce parts run at half the FP16-accumulate rate).
#   [2] CUDA C++ Programming Guide, "Technical Specifications per Compute Capability" (8.9):
#       100 KB shared memory per SM, 99 KB per block, 64 K registers per SM, 255 per thread,
#       1536 threads per SM, 1024 per block.
#   [3] PTX ISA, mma.sync shapes: m16n8k16 for f16/bf16, m16n8k8 for tf32, m16n8k32 for e4m3/e5m2.
kind = gpu
description = NVIDIA GeForce RTX 4090 24 GB
sm_count = 128
clock_mhz = 2520
warp_size = 32
max_threads_per_block = 1024
max_threads_per_sm = 1536
registers_per_sm = 65536
max_registers_per_thread = 255
smem_per_sm_bytes = 102400
smem_per_block_bytes = 101376
mma_shape.f16 = 16x8x16
mma_shape.bf16 = 16x8x16
mma_shape.tf32 = 16x8x8
mma_shape.f8 = 16x8x32
# Dense peaks [1]; f32 is the CUDA-core (non-tensor) rate.
peak_tflops.f32 = 82.6
peak_tflops.tf32 = 82.6
peak_tflops.f16 = 165.2
peak_tflops.bf16 = 165.2
peak_tflops.f8 = 330.3
memory_gib = 24
memory_gb_per_s = 1008
l2_bytes = 75497472
# Not on a spec sheet: an estimate from published microbenchmarks (about 5 TB/s), to calibrate.
l2_gb_per_s = 5000
