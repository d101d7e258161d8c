package dev.tessera.scheduler.profile;

import java.util.List;

/**
 * A target machine's figures, read from a profile file: a GPU, a wafer-scale mesh or a CPU. The
 * name is the file's name without {@code .profile}.
 */
public sealed interface HardwareProfile permits GpuProfile, MeshProfile, CpuProfile {
  /** The values the {@code kind} field may take, one per record. */
  List<String> KINDS = List.of("gpu", "mesh", "cpu");

  String name();

  /** What the machine is, in words (e.g. "NVIDIA H100 SXM5 80 GB"). */
  String description();

  /** {@code gpu}, {@code mesh} or {@code cpu}. */
  String kind();

  /**
   * Reads a profile's text.
   *
   * @param name the profile's name
   * @param file how errors name the file, e.g. {@code h100.profile} or the path the user gave
   */
  static HardwareProfile parse(String name, String file, String text) throws ProfileException {
    ProfileText t = ProfileText.parse(file, text, KINDS);
    return switch (t.kind()) {
      case "gpu" -> GpuProfile.read(name, t);
      case "mesh" -> MeshProfile.read(name, t);
      case "cpu" -> CpuProfile.read(name, t);
      default -> throw new IllegalStateException("kind " + t.kind() + " passed ProfileText.parse");
    };
  }
}
