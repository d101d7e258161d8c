package dev.tessera.scheduler.profile;

/**
 * A wafer-scale mesh described by its PLMR parameters (after WaferLLM): a grid of cores, each with
 * its own SRAM and a router; links between neighbouring routers; a per-hop latency α
 * ({@link #hopCycles}), the cost β of forwarding a message through a core's software
 * ({@link #forwardCycles}), the router↔core latency, and a budget of routing colours.
 */
public record MeshProfile(String name, String description, int gridWidth, int gridHeight, long sramPerCoreBytes,
    int linkBitsPerCycle, double hopCycles, double forwardCycles, double routerCoreCycles, int colours, int clockMhz)
    implements HardwareProfile {
  public MeshProfile {
    if (gridWidth <= 0 || gridHeight <= 0 || sramPerCoreBytes <= 0 || colours <= 0) {
      throw new IllegalArgumentException("mesh profile " + name);
    }
  }

  @Override
  public String kind() {
    return "mesh";
  }

  public long cores() {
    return (long) gridWidth * gridHeight;
  }

  static MeshProfile read(String name, ProfileText t) throws ProfileException {
    String description = t.text("description");
    int[] grid = t.dims("grid", 2, "750x994");
    long sram = t.positiveLong("sram_per_core_bytes");
    int link = t.positiveInt("link_bits_per_cycle");
    double hop = t.nonNegativeNumber("hop_cycles");
    double forward = t.nonNegativeNumber("forward_cycles");
    double routerCore = t.nonNegativeNumber("router_core_cycles");
    int colours = t.positiveInt("colours");
    int clock = t.positiveInt("clock_mhz");
    t.finish();
    return new MeshProfile(name, description, grid[0], grid[1], sram, link, hop, forward, routerCore, colours, clock);
  }
}
