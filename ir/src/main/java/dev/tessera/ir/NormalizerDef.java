package dev.tessera.ir;

import java.util.List;

/**
 * A user normalizer in online form (after AttentionEngine): per-row state with initial values; a
 * step over a block of scores {@code x} that sets {@code p} (the transformed scores), {@code rescale}
 * (the factor for the running output) and the new state; a finish factor applied to the output;
 * and an optional combine of two partial states {@code a} and {@code b} that sets the weights
 * {@code wa} and {@code wb} of their outputs. A normalizer without state is a plain elementwise map.
 */
public record NormalizerDef(String name, List<StateVar> state, List<Assign> step, Expr finish,
    List<Assign> combine) {

  /** A per-row state variable and its initial value. */
  public record StateVar(String name, Expr init) {}

  /** {@code target = value}, or {@code let target = value} for a local. */
  public record Assign(String target, boolean local, Expr value) {}

  public NormalizerDef {
    state = List.copyOf(state);
    step = List.copyOf(step);
    combine = List.copyOf(combine);
  }

  public boolean stateless() {
    return state.isEmpty();
  }

  public boolean hasCombine() {
    return !combine.isEmpty();
  }
}
