package dev.tessera.mesh;

import java.util.List;

/**
 * A static route of one colour on the routers of a core set: a message of {@code colour} that
 * arrives on port {@code in} leaves on every port of {@code outs} (several ports: a multicast;
 * {@link Dir#R}: delivered to the router's core). Text: {@code route CORES c3 W > R,E}.
 */
public record Route(CoreSet cores, int colour, Dir in, List<Dir> outs) {
  public Route {
    outs = List.copyOf(outs);
    if (colour < 0) throw new IllegalArgumentException("colour " + colour);
    if (outs.isEmpty() || outs.contains(in) && in != Dir.R || outs.stream().distinct().count() != outs.size()) {
      throw new IllegalArgumentException("route " + in + " > " + outs);
    }
  }
}
