package dev.tessera.runtime.cuda;

import java.util.List;
import java.util.Map;

/** A launch manifest as the CUDA backend writes it (format tessera-cuda-manifest/1, see docs/cuda.md). */
public record LaunchManifest(String kernel, String arch, String dtype, List<Buffer> buffers, List<Launch> launches) {
  /** A device buffer: role is input, output or scratch; dtype a NumPy name. */
  public record Buffer(String name, String role, String dtype, int[] shape, long bytes) {}

  /** One kernel launch: grid and block in x, dynamic shared memory, buffer parameters in order. */
  public record Launch(String entry, long grid, int block, int sharedBytes, List<String> params) {}

  public LaunchManifest {
    buffers = List.copyOf(buffers);
    launches = List.copyOf(launches);
  }

  /** Parses the manifest text; a malformed one is an IllegalArgumentException naming what is wrong. */
  @SuppressWarnings("unchecked")
  public static LaunchManifest parse(String text) {
    Map<String, Object> m = (Map<String, Object>) Json.parse(text);
    if (!"tessera-cuda-manifest/1".equals(m.get("format"))) throw new IllegalArgumentException("not a tessera-cuda-manifest/1 manifest");
    List<Buffer> buffers = ((List<Object>) m.get("buffers")).stream().map(o -> {
      Map<String, Object> b = (Map<String, Object>) o;
      int[] shape = ((List<Object>) b.get("shape")).stream().mapToInt(x -> ((Double) x).intValue()).toArray();
      return new Buffer((String) b.get("name"), (String) b.get("role"), (String) b.get("dtype"), shape, ((Double) b.get("bytes")).longValue());
    }).toList();
    List<Launch> launches = ((List<Object>) m.get("launches")).stream().map(o -> {
      Map<String, Object> l = (Map<String, Object>) o;
      List<String> params = ((List<Object>) l.get("params")).stream().map(p -> (String) ((Map<String, Object>) p).get("buffer")).toList();
      return new Launch((String) l.get("entry"), ((Double) ((List<Object>) l.get("grid")).get(0)).longValue(),
          ((Double) ((List<Object>) l.get("block")).get(0)).intValue(), ((Double) l.get("shared_bytes")).intValue(), params);
    }).toList();
    return new LaunchManifest((String) m.get("kernel"), (String) m.get("arch"), (String) m.get("dtype"), buffers, launches);
  }
}
