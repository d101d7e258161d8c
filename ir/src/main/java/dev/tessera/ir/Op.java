package dev.tessera.ir;

import java.util.List;
import java.util.Optional;

/**
 * Operations of the tensor program. Each defines one tensor (or, for templates and scans, a group)
 * over an index space; index spaces name their variables so bodies can read any tensor with
 * index arithmetic. Templates keep the ops they were recognised from as their modular pieces.
 */
public sealed interface Op {

  /** The tensors this op writes. */
  List<String> outputs();

  /** Elementwise map: {@code out[indices] = mask ? body : 0}. */
  record Compute(String out, List<IndexVar> indices, Expr body, Optional<Expr> mask) implements Op {
    public Compute {
      indices = List.copyOf(indices);
      if (mask == null) mask = Optional.empty();
    }

    @Override
    public List<String> outputs() {
      return List.of(out);
    }
  }

  /** Reduction over extra indices: {@code out[indices] = kind over reduce of body} (an einsum when SUM of a product). */
  record Contract(String out, List<IndexVar> indices, ReduceKind kind, List<IndexVar> reduce, Expr body)
      implements Op {
    public Contract {
      indices = List.copyOf(indices);
      reduce = List.copyOf(reduce);
      if (reduce.isEmpty()) throw new IllegalArgumentException("contraction without reduction indices");
    }

    @Override
    public List<String> outputs() {
      return List.of(out);
    }
  }

  /**
   * A user normalizer applied along {@code axis} (one of {@code indices}); entries where the mask is
   * false are not visible to the normalizer and come out as zero.
   */
  record Normalize(String out, List<IndexVar> indices, String axis, String normalizer, Expr input,
      Optional<Expr> mask) implements Op {
    public Normalize {
      indices = List.copyOf(indices);
      if (mask == null) mask = Optional.empty();
      if (indices.stream().noneMatch(i -> i.name().equals(axis))) {
        throw new IllegalArgumentException("axis " + axis + " is not an index of " + out);
      }
    }

    @Override
    public List<String> outputs() {
      return List.of(out);
    }
  }

  /** A carried state of a scan: {@code init} at the first step, then {@code update} reading the previous value. */
  record StateDef(String name, List<IndexVar> indices, Expr init, Expr update) {
    public StateDef {
      indices = List.copyOf(indices);
    }
  }

  /** A recurrence over {@code step}: states are updated first, then the body ops run for that step. */
  record Scan(IndexVar step, List<StateDef> states, List<Op> body) implements Op {
    public Scan {
      states = List.copyOf(states);
      body = List.copyOf(body);
    }

    @Override
    public List<String> outputs() {
      return body.stream().flatMap(o -> o.outputs().stream()).toList();
    }
  }

  /**
   * Parallel attention template: score contraction, score modifiers and masks, optional
   * normalizer, and the aggregation over keys. {@code passes} is how many passes over the keys
   * the normalizer needs (1 when it runs online), or 0 before the online-rewrite analysis ran.
   */
  record ParallelAttention(Contract score, List<Compute> modifiers, Optional<Normalize> normalize,
      Contract aggregate, int passes) implements Op {
    public ParallelAttention {
      modifiers = List.copyOf(modifiers);
      if (normalize == null) normalize = Optional.empty();
      if (passes < 0 || passes > 3) throw new IllegalArgumentException("passes " + passes);
    }

    public ParallelAttention withPasses(int p) {
      return new ParallelAttention(score, modifiers, normalize, aggregate, p);
    }

    /** The pieces in evaluation order. */
    public List<Op> pieces() {
      java.util.ArrayList<Op> ps = new java.util.ArrayList<>();
      ps.add(score);
      ps.addAll(modifiers);
      normalize.ifPresent(ps::add);
      ps.add(aggregate);
      return ps;
    }

    @Override
    public List<String> outputs() {
      return List.of(aggregate.out());
    }
  }

  /** How a recurrent state decays per step. */
  enum DecayKind { NONE, SCALAR, PER_CHANNEL }

  /**
   * Recurrent (linear) attention template: a scan whose state is updated by {@code decay * S + k ⊗ v}
   * and read out by a contraction with the query.
   */
  record RecurrentAttention(DecayKind decayKind, Expr decay, Scan scan) implements Op {
    @Override
    public List<String> outputs() {
      return scan.outputs();
    }
  }

  /** Contraction template: a sum of a product of tensor reads (GEMM, GEMV, batched einsums). */
  record Einsum(Contract contraction) implements Op {
    @Override
    public List<String> outputs() {
      return contraction.outputs();
    }
  }
}
