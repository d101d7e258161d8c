package dev.tessera.cpu;

import dev.tessera.ir.Kernel;
import dev.tessera.ir.Module;
import dev.tessera.scheduler.Schedule;
import dev.tessera.scheduler.ScheduleException;
import java.lang.invoke.MethodHandles;

/**
 * The CPU backend: compiles a kernel (after the pass pipeline) to a hidden class of JVM bytecode
 * and returns a runnable {@link CpuKernel}. Schedule knobs: {@code threads}, {@code blockM},
 * {@code blockN}, {@code splitKv} (0: decide per run), {@code chunk} (steps per chunk of linear attention), {@code fuse} (0 to
 * run templates unfused).
 */
public final class CpuBackend {
  private CpuBackend() {}

  /** The default schedule for this machine. */
  public static Schedule defaultSchedule() {
    return Schedule.of("cpu").with("threads", Runtime.getRuntime().availableProcessors()).with("blockM", 64)
        .with("blockN", 128).with("splitKv", 0).with("fuse", 1).with("chunk", 64);
  }

  /** Checks a schedule's knobs against their limits. */
  public static void validate(Schedule s) throws ScheduleException {
    if (!s.target().equals("cpu")) throw new ScheduleException(s, "target", "must be cpu");
    range(s, "threads", 1, 1024, Runtime.getRuntime().availableProcessors());
    range(s, "blockM", 1, 4096, 128);
    range(s, "blockN", 1, 4096, 64);
    range(s, "splitKv", 0, 1024, 0);
    range(s, "fuse", 0, 1, 1);
    range(s, "chunk", 1, 1024, 64);
    for (String k : s.knobs().keySet()) {
      if (!defaultSchedule().knobs().containsKey(k)) {
        throw new ScheduleException(s, k, "is not a cpu knob (known: " + String.join(", ", defaultSchedule().knobs().keySet()) + ")");
      }
    }
  }

  private static int range(Schedule s, String knob, int lo, int hi, int fallback) throws ScheduleException {
    int v = s.intKnob(knob, fallback);
    if (v < lo || v > hi) throw new ScheduleException(s, knob, "must be in [" + lo + ", " + hi + "], not " + v);
    return v;
  }

  /** The generated class file of a kernel, without loading it. */
  public static byte[] generate(Module module, Kernel kernel, Schedule schedule) throws ScheduleException {
    return build(module, kernel, schedule).finish();
  }

  public static CpuKernel compile(Module module, Kernel kernel, Schedule schedule) throws ScheduleException {
    validate(schedule);
    KernelClassBuilder b = build(module, kernel, schedule);
    byte[] bytes = b.finish();
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup().defineHiddenClass(bytes, true);
      GeneratedKernel gen = (GeneratedKernel) lookup.findConstructor(lookup.lookupClass(),
          java.lang.invoke.MethodType.methodType(void.class)).invoke();
      return new CpuKernel(b.kernel(), b.slots(), b.plan(), b.virtual(), gen, schedule.intKnob("threads", Runtime.getRuntime().availableProcessors()));
    } catch (Throwable e) {
      throw new IllegalStateException("generated class for kernel " + kernel.name() + " does not load: " + e, e);
    }
  }

  private static KernelClassBuilder build(Module module, Kernel kernel, Schedule schedule) throws ScheduleException {
    validate(schedule);
    KernelClassBuilder b = new KernelClassBuilder(module, kernel, new Slots(kernel));
    FlashPlanner flash = schedule.intKnob("fuse", 1) == 0 ? null
        : new FlashPlanner(module, schedule.intKnob("blockM", 128), schedule.intKnob("blockN", 64), schedule.intKnob("splitKv", 0));
    b.chunkSize(schedule.intKnob("chunk", 64));
    b.addOps(flash);
    return b;
  }
}
