package dev.tessera.mesh;

import java.util.List;

/** A named per-core program: its buffers (sizes in f32 words) and its instructions. */
public record Program(String name, List<Buffer> buffers, List<Instr> code) {
  /** A local buffer of {@code words} f32 words. */
  public record Buffer(String name, int words) {
    public Buffer {
      if (words < 0) throw new IllegalArgumentException("buffer " + name + " of " + words + " words");
    }
  }

  public Program {
    buffers = List.copyOf(buffers);
    code = List.copyOf(code);
    if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) throw new IllegalArgumentException("program name " + name);
  }

  /** SRAM the buffers take, in bytes. */
  public long bytes() {
    return 4L * buffers.stream().mapToLong(Buffer::words).sum();
  }
}
