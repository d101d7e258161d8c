package dev.tessera.cuda;

import dev.tessera.ir.ElemType;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.ir.TensorDecl;
import dev.tessera.scheduler.Legality;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.scheduler.Shapes;
import dev.tessera.scheduler.profile.GpuProfile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CUDA backend's entry: generates CUDA C and a launch manifest for one kernel of a module that
 * went through the pass pipeline, for one GPU profile, dimension binding and storage type.
 */
public final class CudaBackend {
  private CudaBackend() {}

  /** The schedule the backend uses when none is given. */
  public static Schedule defaultSchedule() {
    return Schedule.of("cuda").with("threads", 128).with("blockM", 64).with("blockN", 64).with("stages", 2);
  }

  /** The {@code sm_XX} architecture of a profile: sm_90 for Hopper, sm_89 for Ada, else sm_80. */
  public static String arch(GpuProfile profile) {
    return switch (profile.name()) {
      case "h100", "h200" -> "sm_90";
      case "rtx4090" -> "sm_89";
      default -> "sm_80";
    };
  }

  /**
   * Generates the artifacts.
   *
   * @param dims every dimension of the kernel, bound (defaults and relations already applied)
   * @param dtype storage type for the floating-point inputs and outputs, or null to keep the file's
   * @throws IllegalArgumentException when a dimension is unbound
   * @throws ScheduleException when the schedule breaks a limit of the profile, or is not a tiling the
   *     flash kernel has (for a kernel with attention)
   */
  public static CudaArtifacts generate(Module module, Kernel kernel, Schedule schedule, GpuProfile profile,
      Map<String, Long> dims, ElemType dtype) throws ScheduleException {
    Map<String, Long> bound = new LinkedHashMap<>();
    for (String d : kernel.dims()) {
      Long v = dims.get(d);
      if (v == null) throw new IllegalArgumentException("dimension " + d + " of kernel " + kernel.name() + " is not bound");
      bound.put(d, v);
    }
    Kernel k = dtype == null ? kernel : withStorage(kernel, dtype);
    Map<String, Long> all = new LinkedHashMap<>(bound);
    dims.forEach(all::putIfAbsent);
    Layout layout = new Layout(k, all);
    Legality.check(schedule, profile, new Shapes(1, 1, 1, 0, dtype == null ? ElemType.parse(storageOf(k)).orElseThrow() : dtype));
    // A schedule for attention is a flash tiling: one the flash kernel cannot take is an error, not a silent unfused fallback.
    if (k.ops().stream().anyMatch(op -> op instanceof dev.tessera.ir.Op.ParallelAttention)) FlashKernel.validate(schedule);
    String summary = "Profile " + profile.name() + " (" + arch(profile) + "), schedule " + schedule + ".";
    Generator g = new Generator(module, k, layout, schedule, profile).run(summary);
    String storage = dtype == null ? storageOf(k) : dtype.text();
    String manifest = Manifest.json(k.name(), profile.name(), arch(profile), storage, bound, used(layout, g.launches()), g.launches());
    return new CudaArtifacts(k.name(), arch(profile), g.source(), manifest, g.launches().size(),
        new CudaArtifacts.Limits(profile.name(), profile.maxRegistersPerThread(), profile.smemPerBlockBytes()));
  }

  /** Inputs and outputs, and the scratch buffers some launch uses (a fused template keeps its temporaries in registers). */
  private static List<Layout.Buffer> used(Layout layout, List<Launch> launches) {
    java.util.Set<String> names = new java.util.HashSet<>();
    for (Launch l : launches) for (Launch.Param p : l.params()) names.add(p.buffer());
    return layout.buffers().stream().filter(b -> b.role() != TensorDecl.Role.TEMP || names.contains(b.name())).toList();
  }

  private static Kernel withStorage(Kernel k, ElemType t) {
    return k.withTensors(k.tensors().stream()
        .map(d -> d.type().isFloat() && d.role() != TensorDecl.Role.TEMP ? d.withType(t) : d).toList());
  }

  /** The storage type of the first floating-point input, which names the artifact's precision. */
  private static String storageOf(Kernel k) {
    List<TensorDecl> floats = k.inputs().stream().filter(t -> t.type().isFloat()).toList();
    return floats.isEmpty() ? ElemType.F32.text() : floats.get(0).type().text();
  }
}
