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
public record CudaArtifacts(String kernel, String arch, String source, String manifest, int launches, Limits limits) {

  /** The profile's per-block limits the compiled code must respect. */
  public record Limits(String profile, int maxRegistersPerThread, long sharedBytesPerBlock) {}

  /**
   * The files {@link #write} produced, whether nvcc was there to compile PTX and cubin, and then
   * ptxas's figures for each entry (else an empty report).
   */
  public record Written(List<Path> files, boolean compiled, PtxasReport ptxas) {}

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
    if (nvcc.isEmpty()) return new Written(files, false, new PtxasReport(List.of()));
    PtxasReport report = null;
    for (String kind : List.of("ptx", "cubin")) {
      Path out = dir.resolve(kernel + "." + kind);
      List<String> args = new ArrayList<>(List.of("-arch=" + arch, "-" + kind, "-o", out.getFileName().toString(), cu.getFileName().toString()));
      if (kind.equals("cubin")) args.addAll(0, List.of("-Xptxas", "-v"));
      Nvcc.Result r = Nvcc.run(nvcc.get(), dir, args);
      if (r.exitCode() != 0) throw new IOException("nvcc failed on " + cu.getFileName() + " (" + kind + "):\n" + r.output().strip());
      files.add(out);
      if (kind.equals("cubin")) report = PtxasReport.parse(r.output());
    }
    String problem = check(report);
    if (problem != null) throw new IOException(problem);
    Path res = dir.resolve(kernel + ".ptxas.json");
    Files.writeString(res, json(report), StandardCharsets.UTF_8);
    files.add(res);
    return new Written(files, true, report);
  }

  /**
   * The compiled code against the profile: registers per thread and per block of each entry, and its
   * static shared memory plus the manifest's dynamic shared memory. Spills are reported, not refused.
   */
  private String check(PtxasReport report) {
    for (PtxasReport.Entry e : report.entries()) {
      if (e.registers() > limits.maxRegistersPerThread()) {
        return e.name() + " uses " + e.registers() + " registers per thread; " + limits.profile() + " allows " + limits.maxRegistersPerThread();
      }
      if (e.sharedBytes() > limits.sharedBytesPerBlock()) {
        return e.name() + " uses " + e.sharedBytes() + " bytes of static shared memory; " + limits.profile() + " allows "
            + limits.sharedBytesPerBlock() + " per block";
      }
    }
    return null;
  }

  private static String json(PtxasReport report) {
    StringBuilder sb = new StringBuilder("{\"entries\": [\n");
    for (int i = 0; i < report.entries().size(); i++) {
      PtxasReport.Entry e = report.entries().get(i);
      sb.append("  {\"entry\": \"").append(e.name()).append("\", \"arch\": \"").append(e.arch()).append("\", \"registers\": ")
          .append(e.registers()).append(", \"static_shared_bytes\": ").append(e.sharedBytes()).append(", \"spill_store_bytes\": ")
          .append(e.spillStores()).append(", \"spill_load_bytes\": ").append(e.spillLoads()).append("}")
          .append(i + 1 < report.entries().size() ? "," : "").append("\n");
    }
    return sb.append("]}\n").toString();
  }
}
