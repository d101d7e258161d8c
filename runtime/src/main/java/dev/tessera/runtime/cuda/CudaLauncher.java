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
 * on the default stream and timed with events.
 */
public final class CudaLauncher implements AutoCloseable {
  /** Above this many bytes of dynamic shared memory a kernel must opt in (cuFuncSetAttribute). */
  static final int DEFAULT_DYNAMIC_SMEM = 48 * 1024;

  /** Whether a CUDA driver and device can be used here, and if not why. */
  public record Availability(boolean available, String reason) {}

  /** The outputs (as doubles, by buffer name) and the time of each repetition of the whole launch sequence. */
  public record Result(Map<String, double[]> outputs, double[] millis) {
    public double medianMillis() {
      double[] s = millis.clone();
      Arrays.sort(s);
      return s[s.length / 2];
    }
  }

  /** Raised when no CUDA driver or device is usable, or the driver rejects a call; the message says which. */
  public static final class CudaUnavailable extends Exception {
    private static final long serialVersionUID = 1L;

    public CudaUnavailable(String message) {
      super(message);
    }
  }

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
      throw new CudaUnavailable("no CUDA driver: JCuda's native library could not be loaded (" + firstLine(e.getMessage()) + ")");
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
    CUmodule module = new CUmodule();
    boolean loaded = false;
    try {
      JCudaDriver.cuCtxSetCurrent(context);
      JCudaDriver.cuModuleLoadData(module, terminated(image));
      loaded = true;
      Map<String, CUdeviceptr> ptrs = new LinkedHashMap<>();
      for (LaunchManifest.Buffer b : manifest.buffers()) {
        CUdeviceptr p = new CUdeviceptr();
        JCudaDriver.cuMemAlloc(p, Math.max(1, b.bytes()));
        allocated.add(p);
        ptrs.put(b.name(), p);
        JCudaDriver.cuMemsetD8(p, (byte) 0, Math.max(1, b.bytes()));
        if (b.role().equals("input")) {
          double[] v = inputs.get(b.name());
          if (v == null) throw new IllegalArgumentException("no data for input " + b.name());
          byte[] bytes = HostConvert.encode(v, b.dtype());
          if (bytes.length != b.bytes()) throw new IllegalArgumentException("input " + b.name() + " has " + bytes.length + " bytes, the manifest says " + b.bytes());
          JCudaDriver.cuMemcpyHtoD(p, Pointer.to(bytes), bytes.length);
        }
      }
      List<CUfunction> fns = new ArrayList<>();
      for (LaunchManifest.Launch l : manifest.launches()) {
        CUfunction f = new CUfunction();
        JCudaDriver.cuModuleGetFunction(f, module, l.entry());
        if (l.sharedBytes() > DEFAULT_DYNAMIC_SMEM) {
          JCudaDriver.cuFuncSetAttribute(f, CUfunction_attribute.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, l.sharedBytes());
        }
        fns.add(f);
      }
      CUevent start = new CUevent();
      CUevent stop = new CUevent();
      JCudaDriver.cuEventCreate(start, 0);
      JCudaDriver.cuEventCreate(stop, 0);
      double[] millis = new double[repeat];
      for (int r = 0; r < repeat; r++) {
        JCudaDriver.cuEventRecord(start, null);
        for (int i = 0; i < fns.size(); i++) launch(fns.get(i), manifest.launches().get(i), ptrs);
        JCudaDriver.cuEventRecord(stop, null);
        JCudaDriver.cuEventSynchronize(stop);
        float[] ms = new float[1];
        JCudaDriver.cuEventElapsedTime(ms, start, stop);
        millis[r] = ms[0];
      }
      JCudaDriver.cuEventDestroy(start);
      JCudaDriver.cuEventDestroy(stop);
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
      if (loaded) JCudaDriver.cuModuleUnload(module);
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
      JCudaDriver.cuCtxDestroy(context);
    } catch (CudaException e) {
      // The context is gone either way; nothing useful to report at close.
    }
  }
}
