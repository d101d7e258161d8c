package dev.tessera.cli;

import dev.tessera.cuda.CudaArtifacts;
import dev.tessera.cuda.CudaBackend;
import dev.tessera.cuda.PtxasReport;
import dev.tessera.ir.ElemType;
import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.scheduler.Knobs;
import dev.tessera.scheduler.Legality;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import dev.tessera.scheduler.Scheduler;
import dev.tessera.scheduler.Shapes;
import dev.tessera.scheduler.cost.GpuCostModel;
import dev.tessera.scheduler.cost.KernelInfo;
import dev.tessera.scheduler.profile.GpuProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * {@code tessera schedule --target cuda --ptxas N}: the cost model's top N schedules generated and
 * compiled by nvcc for the profile's architecture; each one's real register count (the most of any
 * entry, from {@code ptxas -v}) replaces the model's estimate — the {@code registers} knob, which
 * sets the occupancy the model predicts with — and a schedule that spills or that the real count
 * makes illegal drops out. The rest are ranked again.
 */
final class PtxasCheck {
  private PtxasCheck() {}

  /** One compiled candidate: ptxas's figures and, unless it dropped out, its new ranking entry. */
  record Checked(Schedule schedule, int registers, long spilledBytes, Scheduler.Ranked ranked, String dropped) {}

  /** Each of {@code top} compiled; {@code model} (the one that ranked them) predicts again with the real register counts. */
  static List<Checked> check(Module module, Kernel kernel, Map<String, Long> dims, ElemType dtype, GpuCostModel model, KernelInfo info,
      GpuProfile profile, List<Scheduler.Ranked> top, Path nvccWork) throws IOException {
    List<Checked> out = new ArrayList<>();
    for (int i = 0; i < top.size(); i++) {
      Schedule s = top.get(i).schedule();
      Path dir = Files.createDirectories(nvccWork.resolve("candidate" + i));
      PtxasReport report;
      try {
        CudaArtifacts a = CudaBackend.generate(module, kernel, s, profile, dims, dtype);
        report = a.write(dir).ptxas();
      } catch (ScheduleException | IOException e) {
        out.add(new Checked(s, 0, 0, null, "does not compile: " + firstLine(e.getMessage())));
        continue;
      }
      int regs = report.entries().stream().mapToInt(PtxasReport.Entry::registers).max().orElse(0);
      long spills = report.entries().stream().mapToLong(e -> e.spillStores() + e.spillLoads()).sum();
      if (spills > 0) {
        out.add(new Checked(s, regs, spills, null, "spills"));
        continue;
      }
      Schedule withRegs = s.with(Knobs.REGISTERS, Math.max(1, regs));
      try {
        Legality.check(withRegs, profile, new Shapes(info.m(), info.n(), info.d(), info.e(), dtype));
        out.add(new Checked(s, regs, 0, new Scheduler.Ranked(withRegs, model.predict(info, withRegs, profile)), null));
      } catch (ScheduleException e) {
        out.add(new Checked(s, regs, 0, null, firstLine(e.getMessage())));
      }
    }
    return out;
  }

  /** The candidates that passed, fastest first by the prediction with their real register counts. */
  static List<Checked> reranked(List<Checked> checked) {
    return checked.stream().filter(c -> c.ranked() != null)
        .sorted(Comparator.comparingDouble(c -> c.ranked().prediction().seconds())).toList();
  }

  private static String firstLine(String s) {
    if (s == null) return "";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
