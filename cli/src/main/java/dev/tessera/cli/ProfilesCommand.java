package dev.tessera.cli;

import dev.tessera.scheduler.profile.CpuProfile;
import dev.tessera.scheduler.profile.GpuProfile;
import dev.tessera.scheduler.profile.HardwareProfile;
import dev.tessera.scheduler.profile.Host;
import dev.tessera.scheduler.profile.MeshProfile;
import dev.tessera.scheduler.profile.ProfileException;
import dev.tessera.scheduler.profile.Profiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tessera profiles}: lists the hardware profiles with their key figures. */
@Command(name = "profiles", mixinStandardHelpOptions = true,
    description = "List the hardware profiles: the built-ins, this machine (host, measured once and cached) and those in --profile-dir.")
final class ProfilesCommand implements Callable<Integer> {
  private static final List<String> HEADER = List.of("NAME", "KIND", "COMPUTE", "MEMORY", "PEAK", "DESCRIPTION");

  @Option(names = "--profile-dir", paramLabel = "DIR", description = "more profiles: DIR/NAME.profile files (one named like a built-in replaces it)")
  Path profileDir;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      Host host = Host.standard(note -> err.println("tessera: " + note));
      Profiles profiles = Profiles.load(Optional.ofNullable(profileDir), host, w -> err.println("tessera: warning: " + w));
      List<List<String>> rows = new ArrayList<>();
      rows.add(HEADER);
      for (HardwareProfile p : profiles.all()) rows.add(row(p));
      printTable(out, rows);
      return 0;
    } catch (ProfileException e) {
      err.println("tessera: " + e.getMessage());
      return Main.INPUT_ERROR;
    }
  }

  private static List<String> row(HardwareProfile p) {
    return switch (p) {
      case GpuProfile g -> {
        String dtype = g.peakTflops().containsKey("f16") ? "f16" : "f32";
        yield List.of(g.name(), g.kind(), g.smCount() + " SMs, " + g.clockMhz() + " MHz",
            number(g.memoryGib()) + " GiB at " + number(g.memoryGbPerS()) + " GB/s; L2 " + bytes(g.l2Bytes()),
            number(g.peakTflops().get(dtype)) + " TFLOP/s " + dtype, g.description());
      }
      case MeshProfile m -> List.of(m.name(), m.kind(), m.gridWidth() + "x" + m.gridHeight() + " cores, " + m.clockMhz() + " MHz",
          bytes(m.sramPerCoreBytes()) + " SRAM per core (" + bytes(m.sramPerCoreBytes() * m.cores()) + ")",
          "-", m.description());
      case CpuProfile c -> List.of(c.name(), c.kind(), c.cores() + " cores, " + c.vectorLanesF32() + " f32 lanes",
          number(c.memoryGbPerS()) + " GB/s; L2 " + bytes(c.l2Bytes()) + ", L3 " + bytes(c.l3Bytes()),
          number(c.fmaGflopsAllThreads()) + " GFLOP/s f32 (" + number(c.fmaGflopsOneThread()) + " on one thread)", c.description());
    };
  }

  private static void printTable(PrintWriter out, List<List<String>> rows) {
    int[] width = new int[HEADER.size()];
    for (List<String> r : rows) for (int i = 0; i < r.size(); i++) width[i] = Math.max(width[i], r.get(i).length());
    for (List<String> r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.size(); i++) {
        line.append(r.get(i));
        if (i < r.size() - 1) line.append(" ".repeat(width[i] - r.get(i).length() + 2));
      }
      out.println(line);
    }
  }

  /** {@code 80.0} → {@code 80}, {@code 989.4} → {@code 989.4}. */
  private static String number(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String bytes(long b) {
    String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    double v = b;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return number(v) + " " + units[u];
  }
}
