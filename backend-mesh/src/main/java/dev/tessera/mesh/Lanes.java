package dev.tessera.mesh;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Routes of one colour along one axis (a row when {@code horizontal}, else a column), the same on
 * every lane the routes are emitted for. Paths are traced router by router; two paths that need
 * different outputs for the same colour and input port on a router are a conflict, reported as an
 * {@link IllegalStateException} (the kernel generator must use another colour).
 */
final class Lanes {
  private final boolean horizontal;
  private final int length;
  private final List<Map<Dir, EnumSet<Dir>>> table = new ArrayList<>();

  Lanes(boolean horizontal, int length) {
    this.horizontal = horizontal;
    this.length = length;
    for (int i = 0; i < length; i++) table.add(new TreeMap<>());
  }

  /** A message from position {@code src} to {@code dst} (straight along the axis). */
  Lanes unicast(int src, int dst) {
    if (src == dst) throw new IllegalArgumentException("unicast to itself at " + src);
    Dir d = dst > src ? forward() : backward();
    Dir in = Dir.R;
    for (int pos = src; pos != dst; pos += dst > src ? 1 : -1) {
      put(pos, in, EnumSet.of(d));
      in = d.opposite();
    }
    put(dst, in, EnumSet.of(Dir.R));
    return this;
  }

  /** A multicast from {@code src} to every position of the lane, the source included when {@code self}. */
  Lanes broadcast(int src, boolean self) {
    EnumSet<Dir> first = self ? EnumSet.of(Dir.R) : EnumSet.noneOf(Dir.class);
    if (src > 0) first.add(backward());
    if (src < length - 1) first.add(forward());
    put(src, Dir.R, first);
    for (int pos = src - 1; pos >= 0; pos--) put(pos, forward(), pos > 0 ? EnumSet.of(Dir.R, backward()) : EnumSet.of(Dir.R));
    for (int pos = src + 1; pos < length; pos++) put(pos, backward(), pos < length - 1 ? EnumSet.of(Dir.R, forward()) : EnumSet.of(Dir.R));
    return this;
  }

  private Dir forward() {
    return horizontal ? Dir.E : Dir.S;
  }

  private Dir backward() {
    return horizontal ? Dir.W : Dir.N;
  }

  private void put(int pos, Dir in, EnumSet<Dir> outs) {
    EnumSet<Dir> old = table.get(pos).get(in);
    if (old != null && !old.equals(outs)) {
      throw new IllegalStateException("route conflict at " + pos + " from " + in + ": " + old + " and " + outs);
    }
    table.get(pos).put(in, outs);
  }

  /** The routes as rules for {@code colour} on lanes {@code lo..hi} of the other axis, in a fixed order. */
  List<Route> emit(int colour, int lo, int hi) {
    Map<String, List<Integer>> positions = new TreeMap<>();
    Map<String, Dir> ins = new TreeMap<>();
    Map<String, EnumSet<Dir>> outs = new TreeMap<>();
    for (int pos = 0; pos < length; pos++) {
      for (Map.Entry<Dir, EnumSet<Dir>> e : table.get(pos).entrySet()) {
        String key = e.getKey().ordinal() + ":" + e.getValue();
        positions.computeIfAbsent(key, k -> new ArrayList<>()).add(pos);
        ins.put(key, e.getKey());
        outs.put(key, e.getValue());
      }
    }
    List<Route> out = new ArrayList<>();
    for (Map.Entry<String, List<Integer>> g : positions.entrySet()) {
      for (int[] run : Progressions.of(g.getValue())) {
        CoreSet cs = horizontal ? new CoreSet(run[0], run[1], run[2], lo, hi, 1) : new CoreSet(lo, hi, 1, run[0], run[1], run[2]);
        out.add(new Route(cs, colour, ins.get(g.getKey()), List.copyOf(outs.get(g.getKey()))));
      }
    }
    return out;
  }
}
