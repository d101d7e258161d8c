package dev.tessera.passes;

import dev.tessera.ir.IrPrinter;
import dev.tessera.ir.Module;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The whole middle end in one ordered list. The verifier runs after every pass; an observer can
 * see the IR after each (that is how {@code tessera ir --after PASS} works).
 */
public final class Pipeline {
  private static final List<Pass> PASSES = List.of(
      new FoldConstants(),
      new EliminateCommonSubexpressions(),
      new EliminateDeadCode(),
      new RecogniseAttention(),
      new RecogniseRecurrence(),
      new RecogniseContraction(),
      new OnlineRewrite());

  private Pipeline() {}

  public static List<Pass> passes() {
    return PASSES;
  }

  public static Optional<Pass> pass(String name) {
    return PASSES.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** Runs every pass. */
  public static Module run(Module m) {
    return run(m, PASSES.get(PASSES.size() - 1).name(), (p, after) -> { });
  }

  /** Runs the passes up to and including {@code last}, telling {@code observer} the IR after each. */
  public static Module run(Module m, String last, BiConsumer<Pass, Module> observer) {
    verify(m, "the front end");
    for (Pass p : PASSES) {
      m = p.run(m);
      verify(m, p.name());
      observer.accept(p, m);
      if (p.name().equals(last)) return m;
    }
    throw new IllegalArgumentException("no pass named " + last);
  }

  private static void verify(Module m, String after) {
    List<String> problems = Verifier.check(m);
    if (!problems.isEmpty()) {
      throw new IllegalStateException("IR verifier failed after " + after + ": " + String.join("; ", problems)
          + "\n" + IrPrinter.print(m));
    }
  }
}
