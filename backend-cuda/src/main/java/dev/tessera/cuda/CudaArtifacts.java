package dev.tessera.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the CUDA backend produced for one kernel: the CUDA C source and the launch manifest (JSON).
 * {@link #write} puts them in a directory and, where nvcc is installed, compiles PTX and a cubin.
 */
public record CudaArtifacts(String kernel, String arch, String source, String manifest, int launches) {

  /** The files {@link #write} produced, and whether nvcc was there to compile PTX and cubin. */
  public record Written(List<Path> files, boolean compiled) {}

  /**
   * Writes {@code KERNEL.cu} and {@code KERNEL.manifest.json} into {@code dir} (created if needed)
   * and, when nvcc is found, {@code KERNEL.ptx} and {@code KERNEL.cubin} for {@link #arch}.
   *
   * @throws IOException when a file cannot be written or nvcc rejects the source (its output is the message)
   */
  public Written write(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Path> files = new ArrayList<>();
    Path cu = dir.resolve(kernel + ".cu");
    Files.writeString(cu, source, StandardCharsets.UTF_8);
    files.add(cu);
    Path man = dir.resolve(kernel + ".manifest.json");
    Files.writeString(man, manifest, StandardCharsets.UTF_8);
    files.add(man);
    var nvcc = Nvcc.find();
    if (nvcc.isEmpty()) return new Written(files, false);
    for (String kind : List.of("ptx", "cubin")) {
      Path out = dir.resolve(kernel + "." + kind);
      Nvcc.Result r = Nvcc.run(nvcc.get(), dir, List.of("-arch=" + arch, "-" + kind, "-o", out.getFileName().toString(), cu.getFileName().toString()));
      if (r.exitCode() != 0) throw new IOException("nvcc failed on " + cu.getFileName() + " (" + kind + "):\n" + r.output().strip());
      files.add(out);
    }
    return new Written(files, true);
  }
}
