package dev.tessera.runtime.cuda;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUfunction;
import jcuda.driver.CUfunction_attribute;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * Runs generated CUDA artifacts through the driver API: one context on device 0, the module loaded
 * with {@code cuModuleLoadData}, buffers allocated per manifest, the launches run in manifest order
 * on the default stream and timed with events. {@link #run} is one run with its outputs; {@link
 * #time} serves a tuning session, many candidates on inputs uploaded once. Not thread-safe.
 */
public final class CudaLauncher implements AutoCloseable {
  /** Above this many bytes of dynamic shared memory a kernel must opt in (cuFuncSetAttribute). */
  static final int DEFAULT_DYNAMIC_SMEM = 48 * 1024;

  /** Whether a CUDA driver and device can be used here, and if not why. */
  public record Availability(boolean available, String reason) {}

  /** The outputs (as doubles, by buffer name) and the time of each repetition of the whole launch sequence. */
  public record Result(Map<String, double[]> outputs, double[] millis) {
    public double medianMillis() {
      return median(millis);
    }
  }

  /** The median (upper middle for an even count) of the timed runs' milliseconds. */
  public static double median(double[] millis) {
    double[] s = millis.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  /** Raised when no CUDA driver or device is usable, or the driver rejects a call; the message says which. */
  public static final class CudaUnavailable extends Exception {
    private static final long serialVersionUID = 1L;

    public CudaUnavailable(String message) {
      super(message);
    }
  }

  /**
   * Why JCuda's native library first failed to load: later attempts only hear that the class could
   * not be initialised, which says less.
   */
  private static volatile String nativeLoadFailure;

  private final CUcontext context;

  private CudaLauncher(CUcontext context) {
    this.context = context;
  }

  /** Checks for a driver and a device without keeping anything open. */
  public static Availability probe() {
    try (CudaLauncher l = open()) {
      return new Availability(true, "CUDA driver and device found");
    } catch (CudaUnavailable e) {
      return new Availability(false, e.getMessage());
    }
  }

  /** Initialises the driver and makes a context on device 0. */
  public static CudaLauncher open() throws CudaUnavailable {
    try {
      JCudaDriver.setExceptionsEnabled(true);
      JCudaDriver.cuInit(0);
      int[] count = new int[1];
      JCudaDriver.cuDeviceGetCount(count);
      if (count[0] == 0) throw new CudaUnavailable("the CUDA driver reports no device");
      CUdevice dev = new CUdevice();
      JCudaDriver.cuDeviceGet(dev, 0);
      CUcontext ctx = new CUcontext();
      JCudaDriver.cuCtxCreate(ctx, 0, dev);
      return new CudaLauncher(ctx);
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      if (nativeLoadFailure == null) nativeLoadFailure = firstLine(e.getMessage());
      throw new CudaUnavailable("no CUDA driver: JCuda's native library could not be loaded (" + nativeLoadFailure + ")");
    } catch (CudaException e) {
      throw new CudaUnavailable("no usable CUDA device: " + firstLine(e.getMessage()));
    }
  }

  /**
   * Runs the manifest's launches {@code repeat} times on {@code inputs} (by buffer name, in C order);
   * {@code image} is PTX text (NUL-terminated here) or a cubin.
   */
  public Result run(LaunchManifest manifest, byte[] image, Map<String, double[]> inputs, int repeat) throws CudaUnavailable {
    List<CUdeviceptr> allocated = new ArrayList<>();
    Loaded loaded = null;
    try {
      JCudaDriver.cuCtxSetCurrent(context);
      Map<String, CUdeviceptr> ptrs = new LinkedHashMap<>();
      for (LaunchManifest.Buffer b : manifest.buffers()) {
        CUdeviceptr p = b.role().equals("input") ? upload(b, inputs.get(b.name())) : zeroed(b);
        allocated.add(p);
        ptrs.put(b.name(), p);
      }
      loaded = load(manifest, image);
      double[] millis = loaded.time(ptrs, repeat);
      Map<String, double[]> outputs = new LinkedHashMap<>();
      for (LaunchManifest.Buffer b : manifest.buffers()) {
        if (!b.role().equals("output")) continue;
        byte[] bytes = new byte[(int) b.bytes()];
        JCudaDriver.cuMemcpyDtoH(Pointer.to(bytes), ptrs.get(b.name()), bytes.length);
        outputs.put(b.name(), HostConvert.decode(bytes, b.dtype()));
      }
      return new Result(outputs, millis);
    } catch (CudaException e) {
      throw new CudaUnavailable("the CUDA driver rejected a call: " + firstLine(e.getMessage()));
    } finally {
      for (CUdeviceptr p : allocated) JCudaDriver.cuMemFree(p);
      if (loaded != null) JCudaDriver.cuModuleUnload(loaded.module);
    }
  }

  /**
   * Times the manifest's launch sequence for a tuning session: untimed runs for at least
   * {@code warmUpSeconds} (and at least two), then {@code runs} event-timed ones, in milliseconds.
   * The inputs stay on the device between calls: a buffer is uploaded once, on the first call
   * that names it with that storage type and size and the same host array, and freed at
   * {@link #close}. Outputs and scratch buffers are allocated per call and not read back.
   */
  public double[] time(LaunchManifest manifest, byte[] image, Map<String, double[]> inputs, double warmUpSeconds, int runs) throws CudaUnavailable {
    List<CUdeviceptr> allocated = new ArrayList<>();
    Loaded loaded = null;
    try {
      JCudaDriver.cuCtxSetCurrent(context);
      Map<String, CUdeviceptr> ptrs = new LinkedHashMap<>();
      for (LaunchManifest.Buffer b : manifest.buffers()) {
        if (b.role().equals("input")) {
          ptrs.put(b.name(), residentInput(b, inputs.get(b.name())));
        } else {
          CUdeviceptr p = zeroed(b);
          allocated.add(p);
          ptrs.put(b.name(), p);
        }
      }
      loaded = load(manifest, image);
      long start = System.nanoTime();
      for (int n = 0; n < 2 || (System.nanoTime() - start) / 1e9 < warmUpSeconds; n++) loaded.launchAll(ptrs);
      JCudaDriver.cuCtxSynchronize();
      return loaded.time(ptrs, runs);
    } catch (CudaException e) {
      throw new CudaUnavailable("the CUDA driver rejected a call: " + firstLine(e.getMessage()));
    } finally {
      for (CUdeviceptr p : allocated) JCudaDriver.cuMemFree(p);
      if (loaded != null) JCudaDriver.cuModuleUnload(loaded.module);
    }
  }

  /** An input kept on the device by {@link #time}: what it was uploaded from, so a different array is uploaded afresh. */
  private record Resident(String dtype, long bytes, double[] source, CUdeviceptr ptr) {}

  private final Map<String, Resident> resident = new LinkedHashMap<>();

  private CUdeviceptr residentInput(LaunchManifest.Buffer b, double[] values) {
    Resident r = resident.get(b.name());
    if (r != null && r.dtype().equals(b.dtype()) && r.bytes() == b.bytes() && r.source() == values) return r.ptr();
    if (r != null) JCudaDriver.cuMemFree(r.ptr());
    resident.remove(b.name());
    CUdeviceptr p = upload(b, values);
    resident.put(b.name(), new Resident(b.dtype(), b.bytes(), values, p));
    return p;
  }

  private static CUdeviceptr upload(LaunchManifest.Buffer b, double[] values) {
    if (values == null) throw new IllegalArgumentException("no data for input " + b.name());
    byte[] bytes = HostConvert.encode(values, b.dtype());
    if (bytes.length != b.bytes()) throw new IllegalArgumentException("input " + b.name() + " has " + bytes.length + " bytes, the manifest says " + b.bytes());
    CUdeviceptr p = new CUdeviceptr();
    JCudaDriver.cuMemAlloc(p, Math.max(1, b.bytes()));
    JCudaDriver.cuMemcpyHtoD(p, Pointer.to(bytes), bytes.length);
    return p;
  }

  private static CUdeviceptr zeroed(LaunchManifest.Buffer b) {
    CUdeviceptr p = new CUdeviceptr();
    JCudaDriver.cuMemAlloc(p, Math.max(1, b.bytes()));
    JCudaDriver.cuMemsetD8(p, (byte) 0, Math.max(1, b.bytes()));
    return p;
  }

  /** The module loaded from {@code image} with one function per launch, ready to run. */
  private static Loaded load(LaunchManifest manifest, byte[] image) {
    CUmodule module = new CUmodule();
    JCudaDriver.cuModuleLoadData(module, terminated(image));
    List<CUfunction> fns = new ArrayList<>();
    try {
      for (LaunchManifest.Launch l : manifest.launches()) {
        CUfunction f = new CUfunction();
        JCudaDriver.cuModuleGetFunction(f, module, l.entry());
        if (l.sharedBytes() > DEFAULT_DYNAMIC_SMEM) {
          JCudaDriver.cuFuncSetAttribute(f, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, l.sharedBytes());
        }
        fns.add(f);
      }
    } catch (CudaException e) {
      JCudaDriver.cuModuleUnload(module);
      throw e;
    }
    return new Loaded(module, manifest.launches(), fns);
  }

  /** A loaded module and its functions, in launch order. */
  private record Loaded(CUmodule module, List<LaunchManifest.Launch> launches, List<CUfunction> functions) {
    void launchAll(Map<String, CUdeviceptr> ptrs) {
      for (int i = 0; i < functions.size(); i++) launch(functions.get(i), launches.get(i), ptrs);
    }

    /** Each of {@code repeat} runs of the whole launch sequence, timed with events, in milliseconds. */
    double[] time(Map<String, CUdeviceptr> ptrs, int repeat) {
      CUevent start = new CUevent();
      CUevent stop = new CUevent();
      JCudaDriver.cuEventCreate(start, 0);
      JCudaDriver.cuEventCreate(stop, 0);
      try {
        double[] millis = new double[repeat];
        for (int r = 0; r < repeat; r++) {
          JCudaDriver.cuEventRecord(start, null);
          launchAll(ptrs);
          JCudaDriver.cuEventRecord(stop, null);
          JCudaDriver.cuEventSynchronize(stop);
          float[] ms = new float[1];
          JCudaDriver.cuEventElapsedTime(ms, start, stop);
          millis[r] = ms[0];
        }
        return millis;
      } finally {
        JCudaDriver.cuEventDestroy(start);
        JCudaDriver.cuEventDestroy(stop);
      }
    }
  }

  private static void launch(CUfunction f, LaunchManifest.Launch l, Map<String, CUdeviceptr> ptrs) {
    Pointer[] args = new Pointer[l.params().size()];
    for (int i = 0; i < args.length; i++) args[i] = Pointer.to(ptrs.get(l.params().get(i)));
    JCudaDriver.cuLaunchKernel(f, (int) l.grid(), 1, 1, l.block(), 1, 1, l.sharedBytes(), null, Pointer.to(args), null);
  }

  /** PTX is text the driver reads up to a NUL; a cubin (ELF) is passed as is. */
  static byte[] terminated(byte[] image) {
    boolean elf = image.length >= 4 && image[0] == 0x7f && image[1] == 'E' && image[2] == 'L' && image[3] == 'F';
    if (elf || (image.length > 0 && image[image.length - 1] == 0)) return image;
    return Arrays.copyOf(image, image.length + 1);
  }

  private static String firstLine(String s) {
    if (s == null) return "no detail";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  @Override
  public void close() {
    try {
      JCudaDriver.cuCtxSetCurrent(context);
      for (Resident r : resident.values()) JCudaDriver.cuMemFree(r.ptr());
      resident.clear();
      JCudaDriver.cuCtxDestroy(context);
    } catch (CudaException e) {
      // The context is gone either way; nothing useful to report at close.
    }
  }
}
