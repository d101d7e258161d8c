package dev.tessera.mesh;

import java.util.function.Consumer;

/**
 * The two-level (K = 2) tree reduction along one lane of p cores toward position 0: groups of
 * {@link #groupSize} cores send to their leader over {@code l1}, the leaders to the root over
 * {@code l2}. {@code combine} emits the instruction that folds {@code tmp} into {@code acc}.
 */
final class TreeReduce {
  private TreeReduce() {}

  /** The group size: about √p, so both levels take about as many receives. */
  static int groupSize(int p) {
    return Math.max(1, (int) Math.ceil(Math.sqrt(p)));
  }

  /** A key that tells apart positions whose reduction code differs. */
  static String role(int pos, int p) {
    int g = groupSize(p);
    if (pos % g != 0) return "m";
    return (pos == 0 ? "r" : "l") + (Math.min(g, p - pos) - 1);
  }

  static void emit(Code c, int pos, int p, int l1Colour, int l2Colour, String acc, String tmp, int words, Consumer<Code> combine,
      Lanes l1, Lanes l2) {
    int g = groupSize(p);
    int leader = pos / g * g;
    if (pos != leader) {
      c.send(l1Colour, acc, words);
      if (l1 != null) l1.unicast(pos, leader);
      return;
    }
    for (int i = 0; i < Math.min(g, p - leader) - 1; i++) {
      c.recv(l1Colour, tmp, words);
      combine.accept(c);
    }
    if (pos != 0) {
      c.send(l2Colour, acc, words);
      if (l2 != null) l2.unicast(pos, 0);
      return;
    }
    for (int i = 1; i < (p + g - 1) / g; i++) {
      c.recv(l2Colour, tmp, words);
      combine.accept(c);
    }
  }

  /** Traces the tree's routes for every position of a lane of p cores into {@code l1} and {@code l2}. */
  static void routes(int p, Lanes l1, Lanes l2) {
    Code scratch = new Code("scratch");
    for (int i = 0; i < p; i++) emit(scratch, i, p, 0, 1, "a", "b", 1, code -> {}, l1, l2);
  }

  /** Whether the tree has a second level (more than one group). */
  static boolean twoLevels(int p) {
    return p > groupSize(p);
  }
}
