package dev.tessera.cpu;

import dev.tessera.ir.Expr;
import java.util.List;

/** What the executor runs, in order: generated ops, scans over them, and fused attention. */
sealed interface Plan {
  /** Generated op {@code id}, split across workers along an axis of extent {@code parallel} (null: not split). */
  record Run(int id, Expr parallel) implements Plan {}

  /** A scan: initialise states, then per step update them into their next buffers, swap, and run the body. */
  record Scan(Expr steps, List<Run> inits, List<Update> updates, List<Run> body) implements Plan {
    public Scan {
      inits = List.copyOf(inits);
      updates = List.copyOf(updates);
      body = List.copyOf(body);
    }
  }

  /** A fused attention template, run by the {@link FlashExecutor}. */
  record Flash(FlashSpec spec) implements Plan {}

  /** A recurrent template run in chunks by the {@link ChunkExecutor}. */
  record Chunked(ChunkSpec spec) implements Plan {}

  /** A contraction run as blocked matrix products, by the {@link GemmExecutor}. */
  record Gemm(GemmSpec spec) implements Plan {}

  /** A state update writing {@code next} from {@code state}; the executor swaps the two after every step. */
  record Update(Run run, String state, String next) {}
}
