# NVIDIA H100 SXM5 80 GB (GH100, compute capability 9.0).
# Format: docs/profiles.md. Sources:
#   [1] NVIDIA H100 Tensor Core GPU datasheet: peak TFLOP/s (dense figures are half the "with
#       sparsity" ones), 80 GB HBM3 at 3.35 TB/s.
#   [2] NVIDIA Hopper tuning guide and CUDA C++ Programming Guide, table "Technical Specifications
#       per Compute Capability" (9.0): 228 KB shared memory per SM, 227 KB per block, 64 K 32-bit
#       registers per SM, 255 per thread, 2048 threads per SM, 1024 per block.
#   [3] NVIDIA H100 whitepaper (Hopper architecture): 132 SMs on SXM5, 50 MB L2.
#   [4] PTX ISA, mma.sync shapes: m16n8k16 for f16/bf16, m16n8k8 for tf32, m16n8k32 for e4m3/e5m2.
kind = gpu
description = NVIDIA H100 SXM5 80 GB
sm_count = 132
# Maximum boost clock [1].
clock_mhz = 1980
warp_size = 32
max_threads_per_block = 1024
max_threads_per_sm = 2048
registers_per_sm = 65536
max_registers_per_thread = 255
smem_per_sm_bytes = 233472
smem_per_block_bytes = 232448
mma_shape.f16 = 16x8x16
mma_shape.bf16 = 16x8x16
mma_shape.tf32 = 16x8x8
mma_shape.f8 = 16x8x32
# Dense peaks [1]; f32 is the CUDA-core (non-tensor) rate.
peak_tflops.f32 = 66.9
peak_tflops.tf32 = 494.7
peak_tflops.f16 = 989.4
peak_tflops.bf16 = 989.4
peak_tflops.f8 = 1978.9
memory_gib = 80
memory_gb_per_s = 3350
l2_bytes = 52428800
# Not on a spec sheet: the A100 whitepaper's 5120 bytes/clock of L2 bandwidth at this boost clock,
# an assumption to calibrate against measurement.
l2_gb_per_s = 10138
