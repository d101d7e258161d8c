# NVIDIA A100 SXM4 80 GB (GA100, compute capability 8.0).
# Format: docs/profiles.md. Sources:
#   [1] NVIDIA A100 Tensor Core GPU datasheet: peak TFLOP/s (dense), 80 GB HBM2e at 2039 GB/s.
#   [2] NVIDIA A100 Tensor Core GPU Architecture whitepaper: 108 SMs, 1410 MHz boost, 40 MB L2,
#       L2 read bandwidth 5120 bytes/clock.
#   [3] CUDA C++ Programming Guide, "Technical Specifications per Compute Capability" (8.0):
#       164 KB shared memory per SM, 163 KB per block, 64 K registers per SM, 255 per thread,
#       2048 threads per SM, 1024 per block.
#   [4] PTX ISA, mma.sync shapes: m16n8k16 for f16/bf16, m16n8k8 for tf32.
kind = gpu
description = NVIDIA A100 SXM4 80 GB
sm_count = 108
clock_mhz = 1410
warp_size = 32
max_threads_per_block = 1024
max_threads_per_sm = 2048
registers_per_sm = 65536
max_registers_per_thread = 255
smem_per_sm_bytes = 167936
smem_per_block_bytes = 166912
mma_shape.f16 = 16x8x16
mma_shape.bf16 = 16x8x16
mma_shape.tf32 = 16x8x8
# Dense peaks [1]; f32 is the CUDA-core (non-tensor) rate.
peak_tflops.f32 = 19.5
peak_tflops.tf32 = 156
peak_tflops.f16 = 312
peak_tflops.bf16 = 312
memory_gib = 80
memory_gb_per_s = 2039
l2_bytes = 41943040
# 5120 bytes/clock × 1410 MHz [2]; a theoretical figure, to calibrate against measurement.
l2_gb_per_s = 7219
