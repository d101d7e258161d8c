package dev.tessera.cuda;

import java.nio.file.Path;
import java.util.Map;

/** Writes every zoo kernel's artifacts under a directory; a developer's tool, run by hand. */
final class DumpZoo {
  private DumpZoo() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    for (Path f : Zoo.files()) {
      Zoo.Compiled c = Zoo.compile(f, Map.of());
      CudaArtifacts a = CudaBackend.generate(c.module(), c.kernel(), CudaBackend.defaultSchedule(), Zoo.profile("h100"), c.dims(),
          args.length > 1 ? dev.tessera.ir.ElemType.parse(args[1]).orElseThrow() : null);
      java.nio.file.Files.createDirectories(out);
      java.nio.file.Files.writeString(out.resolve(a.kernel() + ".cu"), a.source());
      java.nio.file.Files.writeString(out.resolve(a.kernel() + ".manifest.json"), a.manifest());
    }
  }
}
