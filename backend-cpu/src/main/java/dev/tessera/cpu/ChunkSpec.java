package dev.tessera.cpu;

import dev.tessera.ir.Expr;
import dev.tessera.ir.Op;
import java.util.List;

/**
 * A recurrent template run in chunked form: the state {@code S[d, e]} per batch tuple, the step
 * index {@code t}, the decay values precomputed into {@code decay} (per step, or per step and key
 * channel), and Q, K, V and O addressed as matrices over (t, d) or (t, e).
 */
record ChunkSpec(
    Op.DecayKind kind,
    String decay,
    List<String> batch,
    List<Expr> batchExtents,
    String t,
    Expr tExtent,
    Expr dExtent,
    Expr eExtent,
    FlashSpec.Access q,
    FlashSpec.Access k,
    FlashSpec.Access v,
    FlashSpec.Access out,
    int chunk) {}
