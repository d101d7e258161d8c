package dev.tessera.testsuite.cuda;

import dev.tessera.cuda.CudaArtifacts;
import dev.tessera.runtime.cuda.LaunchManifest;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs generated CUDA C on the host: the source is compiled by g++ against the emulation in
 * {@code src/test/emu} (a shim header and a fiber runtime, see {@code tsr_emu.h}) and its launch
 * manifest is executed launch by launch. Binaries are cached under {@code target/cuda-emu} by the
 * hash of everything that goes into them, so an unchanged kernel is not compiled again; beside each
 * are its source and plan, so a failing case can be rerun by hand ({@code BINARY PLAN DIR} with the
 * inputs as {@code DIR/NAME.in}).
 */
final class HostEmulator {
  private static final Path EMU = Path.of("src", "test", "emu").toAbsolutePath();
  private static final long RUN_SECONDS = 120;

  private final Path gxx;
  private final Path cache;
  private final List<String> flags;
  private final Path runtime;
  private final String runtimeKey;
  private final java.util.concurrent.ConcurrentHashMap<String, Object> locks = new java.util.concurrent.ConcurrentHashMap<>();

  private HostEmulator(Path gxx, Path cache, List<String> flags, Path runtime, String runtimeKey) {
    this.gxx = gxx;
    this.cache = cache;
    this.flags = flags;
    this.runtime = runtime;
    this.runtimeKey = runtimeKey;
  }

  /** g++ on PATH, if there is one. */
  static Optional<Path> compiler() {
    String path = System.getenv("PATH");
    if (path == null) return Optional.empty();
    for (String dir : path.split(File.pathSeparator)) {
      Path p = Path.of(dir, "g++");
      if (Files.isExecutable(p)) return Optional.of(p);
    }
    return Optional.empty();
  }

  /**
   * Compiles the runtime once (cached). AddressSanitizer is used where g++ supports it, so reads
   * and writes past a buffer or past the launch's dynamic shared memory fail the run.
   */
  static HostEmulator open(Path gxx, Path cache) throws IOException, InterruptedException {
    Files.createDirectories(cache);
    List<String> base = List.of("-std=c++17", "-O1", "-g0", "-fno-strict-aliasing", "-DTESSERA_HOST_EMULATION", "-I" + EMU);
    List<String> asan = new ArrayList<>(base);
    asan.addAll(List.of("-fsanitize=address", "-fno-omit-frame-pointer"));
    for (List<String> flags : List.of(asan, base)) {
      String key = hash(String.join(" ", flags), Files.readString(EMU.resolve("tsr_emu.h")), Files.readString(EMU.resolve("tsr_emu.cpp")));
      Path object = cache.resolve("runtime-" + key + ".o");
      if (Files.exists(object) || compile(gxx, cache, flags, List.of("-c", EMU.resolve("tsr_emu.cpp").toString()), object).isEmpty()) {
        return new HostEmulator(gxx, cache, flags, object, key);
      }
    }
    throw new IOException("g++ cannot compile the emulation runtime " + EMU.resolve("tsr_emu.cpp"));
  }

  boolean sanitized() {
    return flags.contains("-fsanitize=address");
  }

  /** The emulation binary of the artifacts, compiled unless the cache has it (one compile per binary, whichever thread asks). */
  Path build(CudaArtifacts a, LaunchManifest m) throws IOException, InterruptedException {
    String source = emulationSource(a, m);
    List<String> own = new ArrayList<>(flags);
    own.add("-DTSR_EMU_BF16=" + (m.dtype().equals("bf16") ? 1 : 0));
    String name = a.kernel() + "-" + hash(runtimeKey, String.join(" ", own), source);
    synchronized (locks.computeIfAbsent(name, n -> new Object())) {
      Path binary = cache.resolve(name);
      if (Files.exists(binary)) return binary;
      Path cpp = cache.resolve(name + ".cpp");
      Files.writeString(cpp, source, StandardCharsets.UTF_8);
      Files.writeString(cache.resolve(name + ".plan"), plan(m));
      Path partial = Files.createTempFile(cache, name, ".part");
      Optional<String> error = compile(gxx, cache, own, List.of(cpp.toString(), runtime.toString()), partial);
      if (error.isPresent()) {
        Files.deleteIfExists(partial);
        throw new IOException("g++ rejects the emulation of " + a.kernel() + ":\n" + error.get());
      }
      Files.move(partial, binary, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return binary;
    }
  }

  /**
   * The generated source as the host compiles it: the emulation header first, dynamic shared
   * memory declared as the runtime's array, and the table of entries the driver launches by name.
   */
  static String emulationSource(CudaArtifacts a, LaunchManifest m) {
    StringBuilder sb = new StringBuilder("#include \"tsr_emu.h\"\n#line 1 \"").append(a.kernel()).append(".cu\"\n");
    sb.append(a.source().replace("extern __shared__", "extern"));
    sb.append("\nextern const tsr_emu_entry tsr_emu_entries[] = {\n");
    List<String> entries = m.launches().stream().map(LaunchManifest.Launch::entry).distinct().toList();
    for (String e : entries) {
      sb.append("  {\"").append(e).append("\", &tsr_emu_call<&").append(e).append(">, tsr_emu_arity(&").append(e).append(")},\n");
    }
    return sb.append("};\nextern const int tsr_emu_entry_count = ").append(entries.size()).append(";\n").toString();
  }

  /**
   * Runs the manifest's launches over {@code inputs} (by buffer name, converted to each buffer's
   * storage type) and returns every output buffer as doubles.
   *
   * @throws IOException with the emulator's message when a run fails (a deadlock, an access out of
   *     bounds, a collective after lanes exited, ...)
   */
  Map<String, double[]> run(Path binary, LaunchManifest m, Map<String, double[]> inputs) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory(cache, "run-");
    try {
      for (LaunchManifest.Buffer b : m.buffers()) {
        if (b.role().equals("input")) Files.write(dir.resolve(b.name() + ".in"), encode(inputs.get(b.name()), b.dtype()));
      }
      Files.writeString(dir.resolve("plan"), plan(m));
      ProcessBuilder pb = new ProcessBuilder(binary.toString(), "plan", ".").directory(dir.toFile()).redirectErrorStream(true);
      pb.environment().put("ASAN_OPTIONS", "detect_leaks=0");
      Process p = pb.start();
      byte[] output = p.getInputStream().readAllBytes();
      if (!p.waitFor(RUN_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(binary.getFileName() + " did not finish within " + RUN_SECONDS + " s");
      }
      if (p.exitValue() != 0) throw new IOException(new String(output, StandardCharsets.UTF_8).strip());
      Map<String, double[]> out = new LinkedHashMap<>();
      for (LaunchManifest.Buffer b : m.buffers()) {
        if (b.role().equals("output")) out.put(b.name(), decode(Files.readAllBytes(dir.resolve(b.name() + ".out")), b.dtype()));
      }
      return out;
    } finally {
      try (var s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /** The driver's plan: the manifest's buffers and launches, one a line (see tsr_emu.cpp). */
  static String plan(LaunchManifest m) {
    StringBuilder plan = new StringBuilder();
    for (LaunchManifest.Buffer b : m.buffers()) {
      plan.append("buffer ").append(b.name()).append(' ').append(b.bytes()).append(' ').append(b.role()).append('\n');
    }
    for (LaunchManifest.Launch l : m.launches()) {
      plan.append("launch ").append(l.entry()).append(' ').append(l.grid()).append(' ').append(l.block()).append(' ').append(l.sharedBytes());
      l.params().forEach(p -> plan.append(' ').append(p));
      plan.append('\n');
    }
    return plan.toString();
  }

  private static Optional<String> compile(Path gxx, Path dir, List<String> flags, List<String> inputs, Path out)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(gxx.toString()));
    cmd.addAll(flags);
    cmd.addAll(inputs);
    cmd.addAll(List.of("-o", out.toString()));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return p.waitFor() == 0 ? Optional.empty() : Optional.of(output.strip());
  }

  static byte[] encode(double[] v, String dtype) {
    int size = switch (dtype) {
      case "float32" -> 4;
      case "float16", "bfloat16" -> 2;
      default -> 1;
    };
    ByteBuffer b = ByteBuffer.allocate(v.length * size).order(ByteOrder.LITTLE_ENDIAN);
    for (double x : v) {
      switch (dtype) {
        case "float32" -> b.putFloat((float) x);
        case "float16" -> b.putShort(Float.floatToFloat16((float) x));
        case "bfloat16" -> b.putShort((short) (Float.floatToRawIntBits(dev.tessera.runtime.StorageTypes.bf16((float) x)) >>> 16));
        case "int8" -> b.put((byte) x);
        case "bool" -> b.put((byte) (x != 0 ? 1 : 0));
        default -> throw new IllegalArgumentException("unknown buffer dtype " + dtype);
      }
    }
    return b.array();
  }

  static double[] decode(byte[] bytes, String dtype) {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int size = dtype.equals("float32") ? 4 : 2;
    double[] v = new double[bytes.length / size];
    for (int i = 0; i < v.length; i++) {
      v[i] = switch (dtype) {
        case "float32" -> b.getFloat();
        case "float16" -> Float.float16ToFloat(b.getShort());
        case "bfloat16" -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
        default -> throw new IllegalArgumentException("output buffer of dtype " + dtype);
      };
    }
    return v;
  }

  private static String hash(String... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (String s : parts) {
        md.update(s.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
      }
      return HexFormat.of().formatHex(md.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
