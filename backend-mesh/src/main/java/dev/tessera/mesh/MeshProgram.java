package dev.tessera.mesh;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A mesh program: the layout of a {@code width×height} core grid — which program each core runs
 * ({@link Assign} rules; the last one naming a core wins, cores no rule names stay idle) and the
 * static colour routes of its routers — plus the programs. {@code normalizer} names the user
 * normalizer that {@code nstep}/{@code ncomb}/{@code nscale} run (empty when none is used).
 */
public record MeshProgram(int width, int height, String normalizer, List<Program> programs, List<Assign> assigns,
    List<Route> routes) {
  /** Cores of {@code cores} run {@code program}. */
  public record Assign(CoreSet cores, String program) {}

  public MeshProgram {
    programs = List.copyOf(programs);
    assigns = List.copyOf(assigns);
    routes = List.copyOf(routes);
    if (width < 1 || height < 1) throw new IllegalArgumentException("grid " + width + "x" + height);
    for (Assign a : assigns) {
      if (programs.stream().noneMatch(p -> p.name().equals(a.program()))) throw new IllegalArgumentException("no program " + a.program());
    }
  }

  public Optional<Program> programAt(int x, int y) {
    for (int i = assigns.size() - 1; i >= 0; i--) {
      Assign a = assigns.get(i);
      if (a.cores().contains(x, y)) return program(a.program());
    }
    return Optional.empty();
  }

  public Optional<Program> program(String name) {
    return programs.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** The ports a message of {@code colour} arriving on {@code in} at router (x, y) leaves on; empty: dropped. */
  public List<Dir> outs(int x, int y, int colour, Dir in) {
    for (int i = routes.size() - 1; i >= 0; i--) {
      Route r = routes.get(i);
      if (r.colour() == colour && r.in() == in && r.cores().contains(x, y)) return r.outs();
    }
    return List.of();
  }

  /** The colours the routes use, ascending. */
  public List<Integer> colours() {
    List<Integer> cs = new ArrayList<>(routes.stream().map(Route::colour).distinct().sorted().toList());
    return cs;
  }
}
