package dev.tessera.scheduler;

import dev.tessera.ir.ElemType;
import dev.tessera.scheduler.cost.CostModel;
import dev.tessera.scheduler.cost.KernelInfo;
import dev.tessera.scheduler.cost.Prediction;
import dev.tessera.scheduler.profile.CpuProfile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Enumerates the legal CPU schedules of a kernel and ranks them with a cost model. The CPU backend
 * reads {@code blockM}/{@code blockN} only in fused parallel attention and blocked matrix products
 * (where a product has one row, blockM changes nothing), and {@code chunk} only in chunked
 * recurrences, so each kind enumerates the knobs that change what runs and leaves the others at the
 * backend's defaults.
 */
public final class Scheduler {
  public static final List<Integer> BLOCK_M = List.of(16, 32, 64, 128, 256);
  public static final List<Integer> BLOCK_N = List.of(32, 64, 128, 256);
  public static final List<Integer> CHUNK = List.of(16, 32, 64, 128);
  static final int DEFAULT_BLOCK_M = 128;
  static final int DEFAULT_BLOCK_N = 64;
  static final int DEFAULT_CHUNK = 64;

  private Scheduler() {}

  /** A schedule with its prediction. */
  public record Ranked(Schedule schedule, Prediction prediction) {}

  /** The legal schedules for {@code k} on {@code p}, in a fixed order; illegal candidates are skipped. */
  public static List<Schedule> enumerate(KernelInfo k, CpuProfile p) {
    boolean blocked = k.kind() != KernelInfo.Kind.RECURRENT;
    List<Integer> bms = blocked && k.m() > 1 ? BLOCK_M : List.of(DEFAULT_BLOCK_M);
    List<Integer> bns = blocked ? BLOCK_N : List.of(DEFAULT_BLOCK_N);
    List<Integer> chunks = k.kind() == KernelInfo.Kind.RECURRENT ? CHUNK : List.of(DEFAULT_CHUNK);
    Shapes shapes = new Shapes(k.m(), k.n(), k.d(), k.e(), ElemType.F32);
    List<Schedule> legal = new ArrayList<>();
    for (int threads : new TreeSet<>(List.of(1, p.cores()))) {
      for (int bm : bms) {
        for (int bn : bns) {
          for (int c : chunks) {
            Schedule s = Schedule.of("cpu").with(Knobs.THREADS, threads).with(Knobs.BLOCK_M, bm).with(Knobs.BLOCK_N, bn)
                .with(Knobs.CHUNK, c).with(Knobs.SPLIT_KV, 0).with(Knobs.FUSE, 1);
            try {
              Legality.check(s, p, shapes);
              legal.add(s);
            } catch (ScheduleException e) {
              // Illegal on this machine: not a candidate.
            }
          }
        }
      }
    }
    return legal;
  }

  /** {@code schedules} by predicted time, fastest first; ties keep enumeration order. */
  public static List<Ranked> rank(KernelInfo k, CpuProfile p, CostModel model, List<Schedule> schedules) throws ScheduleException {
    List<Ranked> ranked = new ArrayList<>();
    for (Schedule s : schedules) ranked.add(new Ranked(s, model.predict(k, s, p)));
    ranked.sort(Comparator.comparingDouble(r -> r.prediction().seconds()));
    return ranked;
  }

  /** The legal schedules ranked, fastest first. */
  public static List<Ranked> rank(KernelInfo k, CpuProfile p, CostModel model) throws ScheduleException {
    return rank(k, p, model, enumerate(k, p));
  }
}
