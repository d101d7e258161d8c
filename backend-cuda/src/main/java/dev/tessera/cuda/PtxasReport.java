package dev.tessera.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Per-entry resource figures parsed from {@code nvcc -Xptxas -v} output. */
public record PtxasReport(List<Entry> entries) {
  /** One entry point compiled for one architecture. */
  public record Entry(String name, String arch, int registers, long sharedBytes, long spillStores, long spillLoads) {}

  private static final Pattern ENTRY = Pattern.compile("Compiling entry function '([^']+)' for '(sm_\\d+)'");
  private static final Pattern USED = Pattern.compile("Used (\\d+) registers");
  private static final Pattern SMEM = Pattern.compile("(\\d+) bytes smem");
  private static final Pattern SPILL = Pattern.compile("(\\d+) bytes spill stores, (\\d+) bytes spill loads");

  public PtxasReport {
    entries = List.copyOf(entries);
  }

  /** Parses the output; figures ptxas leaves out (no shared memory, no spill line) count as zero. */
  public static PtxasReport parse(String output) {
    List<Entry> out = new ArrayList<>();
    String name = null;
    String arch = null;
    int regs = 0;
    long smem = 0;
    long stores = 0;
    long loads = 0;
    for (String line : output.split("\n")) {
      Matcher e = ENTRY.matcher(line);
      if (e.find()) {
        if (name != null) out.add(new Entry(name, arch, regs, smem, stores, loads));
        name = e.group(1);
        arch = e.group(2);
        regs = 0;
        smem = 0;
        stores = 0;
        loads = 0;
        continue;
      }
      if (name == null) continue;
      Matcher u = USED.matcher(line);
      if (u.find()) {
        regs = Integer.parseInt(u.group(1));
        Matcher s = SMEM.matcher(line);
        if (s.find()) smem = Long.parseLong(s.group(1));
      }
      Matcher sp = SPILL.matcher(line);
      if (sp.find()) {
        stores = Long.parseLong(sp.group(1));
        loads = Long.parseLong(sp.group(2));
      }
    }
    if (name != null) out.add(new Entry(name, arch, regs, smem, stores, loads));
    return new PtxasReport(out);
  }
}
