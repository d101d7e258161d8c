package dev.tessera.mesh;

import java.util.ArrayList;
import java.util.List;

/** Splits an ascending list of positions into arithmetic runs {@code {first, last, step}}, greedily. */
final class Progressions {
  private Progressions() {}

  static List<int[]> of(List<Integer> sorted) {
    List<int[]> runs = new ArrayList<>();
    int i = 0;
    while (i < sorted.size()) {
      int first = sorted.get(i);
      if (i + 1 == sorted.size()) {
        runs.add(new int[] {first, first, 1});
        break;
      }
      int step = sorted.get(i + 1) - first;
      int j = i + 1;
      while (j + 1 < sorted.size() && sorted.get(j + 1) - sorted.get(j) == step) j++;
      runs.add(new int[] {first, sorted.get(j), step});
      i = j + 1;
    }
    return runs;
  }
}
