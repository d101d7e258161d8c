# Cerebras WSE-3 (the CS-3's wafer), as a PLMR mesh (WaferLLM, OSDI 2025).
# Format: docs/profiles.md. Sources:
#   [1] Cerebras WSE-3 announcement (March 2024): 900,000 cores, 44 GB of on-chip SRAM (48 KB per
#       core), same core and fabric design as WSE-2 on a 5 nm process.
#   [2] Cerebras SDK documentation: most CS-3s have a 762 x 1172 fabric; with the same memcpy border
#       as on WSE-2 (7 columns, 2 rows), 755 x 1170 are usable (our derivation, not a published
#       figure); 24 routable colours.
#   [3] WaferLLM (He et al., OSDI 2025), PLMR model: hop and router↔core latencies as on WSE-2.
kind = mesh
description = Cerebras WSE-3 (CS-3)
grid = 755x1170
sram_per_core_bytes = 49152
link_bits_per_cycle = 32
hop_cycles = 1
# β: not published; the WSE-2 estimate (see wse2.profile), to calibrate.
forward_cycles = 20
router_core_cycles = 2
colours = 24
# Not published for WSE-3; WSE-2's 1.1 GHz assumed.
clock_mhz = 1100
