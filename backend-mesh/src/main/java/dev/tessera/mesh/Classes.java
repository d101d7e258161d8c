package dev.tessera.mesh;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Assigns programs to cores by a class per column and a class per row: one rule per pair of runs. */
final class Classes {
  private Classes() {}

  /** {@code name[cx][cy]} names the program of cores whose column class is cx and row class cy. */
  static List<MeshProgram.Assign> assign(int[] xClass, int[] yClass, String[][] name) {
    Map<Integer, List<Integer>> xs = group(xClass);
    Map<Integer, List<Integer>> ys = group(yClass);
    List<MeshProgram.Assign> out = new ArrayList<>();
    for (Map.Entry<Integer, List<Integer>> gx : xs.entrySet()) {
      for (Map.Entry<Integer, List<Integer>> gy : ys.entrySet()) {
        String prog = name[gx.getKey()][gy.getKey()];
        if (prog == null) continue;
        for (int[] rx : Progressions.of(gx.getValue())) {
          for (int[] ry : Progressions.of(gy.getValue())) {
            out.add(new MeshProgram.Assign(new CoreSet(rx[0], rx[1], rx[2], ry[0], ry[1], ry[2]), prog));
          }
        }
      }
    }
    return out;
  }

  private static Map<Integer, List<Integer>> group(int[] cls) {
    Map<Integer, List<Integer>> m = new TreeMap<>();
    for (int i = 0; i < cls.length; i++) m.computeIfAbsent(cls[i], k -> new ArrayList<>()).add(i);
    return m;
  }
}
