# Cerebras WSE-2 (the CS-2's wafer), as a PLMR mesh (WaferLLM, OSDI 2025: Parallelism, non-uniform
# Latency, constrained Memory, limited Routing).
# Format: docs/profiles.md. Sources:
#   [1] Cerebras WSE-2 product page and Hot Chips talks (2020-2022): 850,000 cores (including spares), 40 GB of
#       on-chip SRAM, i.e. 48 KB per core; 32-bit fabric links moving one word per cycle each way.
#   [2] Cerebras SDK documentation: a CS-2's fabric is 757 x 996 processing elements; with memcpy,
#       programs use --fabric-offsets=4,1 and leave 7 columns and 2 rows to the I/O infrastructure,
#       so 750 x 994 are usable; 24 routable colours.
#   [3] WaferLLM (He et al., OSDI 2025), PLMR model: about 1 cycle per hop, about 2 cycles between a
#       router and its core each way; forwarding through a core's software costs far more than a hop.
kind = mesh
description = Cerebras WSE-2 (CS-2)
# Width (columns, x) by height (rows, y) of the usable rectangle [2].
grid = 750x994
sram_per_core_bytes = 49152
link_bits_per_cycle = 32
hop_cycles = 1
# β: not published. Estimate: router→core 2 + task activation and a one-wavelet send ~16 +
# core→router 2 cycles; to calibrate against the simulator or hardware.
forward_cycles = 20
router_core_cycles = 2
colours = 24
clock_mhz = 1100
