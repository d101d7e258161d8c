package dev.tessera.runtime.mesh;

import dev.tessera.mesh.CoreSet;
import dev.tessera.mesh.Dir;
import dev.tessera.mesh.MeshProgram;
import dev.tessera.mesh.Route;
import java.util.ArrayList;
import java.util.List;

/** The routes expanded to a table per router, colour and input port, and each sender's destinations. */
final class RouteTable {
  private static final List<Dir> NONE = List.of();
  private final int w;
  private final int h;
  private final int colours;
  private final List<List<Dir>> outs;
  private final List<List<Integer>> dests;

  RouteTable(MeshProgram p) {
    this.w = p.width();
    this.h = p.height();
    this.colours = p.colours().isEmpty() ? 1 : p.colours().get(p.colours().size() - 1) + 1;
    int n = w * h;
    this.outs = new ArrayList<>(java.util.Collections.nCopies(n * colours * 5, NONE));
    for (Route r : p.routes()) {
      CoreSet cs = r.cores();
      for (int y = cs.y0(); y <= Math.min(cs.y1(), h - 1); y += cs.ys()) {
        for (int x = cs.x0(); x <= Math.min(cs.x1(), w - 1); x += cs.xs()) {
          outs.set(index(y * w + x, r.colour(), r.in()), r.outs());
        }
      }
    }
    this.dests = new ArrayList<>(java.util.Collections.nCopies(n * colours, null));
  }

  int colours() {
    return colours;
  }

  private int index(int core, int colour, Dir in) {
    return (core * colours + colour) * 5 + in.ordinal();
  }

  List<Dir> outs(int core, int colour, Dir in) {
    return outs.get(index(core, colour, in));
  }

  /** The cores a message sent by {@code core} on {@code colour} reaches, in route order. */
  List<Integer> destinations(int core, int colour) {
    int k = core * colours + colour;
    if (dests.get(k) == null) {
      List<Integer> d = new ArrayList<>();
      walk(core, Dir.R, colour, d, 0);
      dests.set(k, List.copyOf(d));
    }
    return dests.get(k);
  }

  private void walk(int r, Dir in, int colour, List<Integer> d, int hops) {
    if (hops > 2 * w * h) throw new IllegalStateException("colour c" + colour + " routes in a loop through core (" + r % w + "," + r / w + ")");
    List<Dir> os = outs(r, colour, in);
    if (os.isEmpty()) {
      throw new IllegalStateException("a message on colour c" + colour + " reaches the router of core (" + r % w + "," + r / w + ") from "
          + in + ", which has no route for it");
    }
    for (Dir o : os) {
      if (o == Dir.R) {
        d.add(r);
        continue;
      }
      int x = r % w + o.dx;
      int y = r / w + o.dy;
      if (x < 0 || y < 0 || x >= w || y >= h) throw new IllegalStateException("colour c" + colour + " leaves the grid at core (" + r % w + "," + r / w + ")");
      walk(y * w + x, o.opposite(), colour, d, hops + 1);
    }
  }
}
