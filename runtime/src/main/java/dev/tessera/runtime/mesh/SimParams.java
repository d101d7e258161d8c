package dev.tessera.runtime.mesh;

import dev.tessera.scheduler.profile.MeshProfile;

/**
 * The simulator's cost parameters: the profile's PLMR figures (α per hop, β per software forward,
 * router↔core latency, one 32-bit word per cycle per link) plus the core's vector unit, which the
 * profile does not carry: {@code vectorWidth} f32 words per cycle and a fixed {@code opOverhead} per
 * vector instruction, and the depth of each colour's input FIFO in messages.
 */
public record SimParams(double hop, double forward, double routerCore, double opOverhead, double vectorWidth, int fifoDepth) {
  /** Assumed vector unit: one f32 FMAC per cycle, 4 cycles to start an instruction; FIFOs of 2 messages. */
  public static SimParams of(MeshProfile p) {
    return new SimParams(p.hopCycles(), p.forwardCycles(), p.routerCoreCycles(), 4, 1, 2);
  }

  /** Cycles of a vector instruction over {@code len} words. */
  double vec(long len) {
    return opOverhead + Math.ceil(len / vectorWidth);
  }

  /** Cycles to activate the task a received message triggers: β less the two router↔core crossings. */
  double activation() {
    return Math.max(0, forward - 2 * routerCore);
  }
}
