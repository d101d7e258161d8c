package dev.tessera.runtime.mesh;

import dev.tessera.mesh.MeshText;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a mesh run leaves on disk: {@code NAME.mesh}, the text form of every distinct program the
 * kernel ran (attention runs the same program per batch and head), and {@code NAME.mesh.tsv}, one
 * line per program run — op, algorithm, grid side, program index, simulated cycles.
 */
public final class MeshArtifacts {
  private MeshArtifacts() {}

  /** Writes the two files into {@code dir} (which must exist) and returns them. */
  public static List<Path> write(String name, MeshRun.Result r, Path dir) throws IOException {
    List<String> programs = new ArrayList<>();
    StringBuilder table = new StringBuilder("op\talgorithm\tgrid\tprogram\tcycles\n");
    for (MeshRun.Phase ph : r.phases()) {
      String text = MeshText.print(ph.kernel().program());
      int i = programs.indexOf(text);
      if (i < 0) {
        programs.add(text);
        i = programs.size() - 1;
      }
      table.append(ph.op()).append('\t').append(ph.algorithm()).append('\t').append(ph.grid()).append('\t').append(i).append('\t')
          .append((long) ph.sim().cycles()).append('\n');
    }
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < programs.size(); i++) all.append("# program ").append(i).append('\n').append(programs.get(i));
    Path mesh = dir.resolve(name + ".mesh");
    Path tsv = dir.resolve(name + ".mesh.tsv");
    Files.writeString(mesh, all, StandardCharsets.UTF_8);
    Files.writeString(tsv, table, StandardCharsets.UTF_8);
    return List.of(mesh, tsv);
  }
}
