package dev.tessera.runtime.mesh;

import dev.tessera.mesh.GemvKernels;
import dev.tessera.mesh.MeshKernel;
import dev.tessera.mesh.MeshKernel.Shape;
import dev.tessera.mesh.Ring;

/**
 * The analytic mode: the cycles of a generated kernel from its {@link Shape}, without data, events
 * or per-core SRAM. It charges what the event simulator charges (instruction starts, ramps, α per
 * hop, one word per cycle, task activation) but replaces the event queue by the kernels' known
 * structure:
 *
 * <ul>
 *   <li>Compute-and-shift GEMMs (MeshGEMM, Cannon) and SUMMA: a max-plus recurrence over the grid,
 *       step by step — each core's step starts when its own last step ended and the blocks it waits
 *       for have arrived from the cores that sent them. p³ additions: a 720×720 grid in a second.
 *   <li>GEMVs: rows never exchange data and run the same program, so one row (p cores) is
 *       simulated event by event and stands for the grid.
 * </ul>
 */
public final class Analytic {
  private final SimParams q;

  public Analytic(SimParams q) {
    this.q = q;
  }

  public double cycles(Shape s) {
    return switch (s.algorithm()) {
      case "meshgemm" -> shifting(s, Ring.interleaved(s.p()));
      case "cannon" -> shifting(s, Ring.natural(s.p()));
      case "summa" -> summa(s);
      case "meshgemv", "pipegemv" -> {
        MeshKernel row = GemvKernels.row(s.algorithm(), s.p(), s.p() * s.bn(), s.p() * s.bk());
        yield EventSimulator.run(row.program(), q, new Memory(row.program()), null).cycles();
      }
      default -> throw new IllegalArgumentException("no analytic model for " + s.algorithm());
    };
  }

  private double mm(Shape s) {
    return s.transposed() ? (double) s.bm() * s.bn() * q.vec(s.bk()) : (double) s.bm() * s.bk() * q.vec(s.bn());
  }

  /** When the last word of a message is in the destination core, the message's head having reached its router at {@code head}. */
  private double delivered(double head, long words) {
    return head + q.routerCore() + words;
  }

  /**
   * Cannon's schedule on {@code ring}: at ring position (l, m) a step sends A to (l−1, m) and B to
   * (l, m−1), o cycles each, multiplies, then waits for A from (l+1, m) and B from (l, m+1), whose
   * heads left the senders' ramps at their injection times and crossed the ring edge's hops. Two
   * arrivals share the receiver's ramp first come first served. A send waits while the
   * receiver's FIFO still holds {@code fifoDepth} unread blocks (back-pressure): until that
   * receiver has finished the receive {@code fifoDepth} steps back.
   */
  private double shifting(Shape s, Ring ring) {
    int p = s.p();
    int n = p * p;
    long aw = (long) s.bm() * s.bk();
    long bw = (long) s.bk() * s.bn();
    double o = q.opOverhead();
    int depth = q.fifoDepth();
    double[] hops = new double[p];
    for (int l = 0; l < p; l++) hops[l] = Math.abs(ring.phys(l + 1) - ring.phys(l)) * q.hop();
    double[] start = new double[n];
    double[] issueA = new double[n];
    double[] issueB = new double[n];
    double[] injA = new double[n];
    double[] injB = new double[n];
    double[][] doneA = new double[depth][n];
    double[][] doneB = new double[depth][n];
    double compute = mm(s);
    for (int step = 0; step < p - 1; step++) {
      double[] oldA = doneA[step % depth];
      double[] oldB = doneB[step % depth];
      for (int m = 0; m < p; m++) {
        for (int l = 0; l < p; l++) {
          int c = m * p + l;
          double a = start[c];
          if (step >= depth) a = Math.max(a, oldA[m * p + (l + p - 1) % p]);
          double b = a + o;
          if (step >= depth) b = Math.max(b, oldB[((m + p - 1) % p) * p + l]);
          issueA[c] = a;
          issueB[c] = b;
          injA[c] = a + o;
          injB[c] = Math.max(b + o, injA[c] + aw);
          start[c] = b + o + compute;
        }
      }
      for (int m = 0; m < p; m++) {
        for (int l = 0; l < p; l++) {
          int c = m * p + l;
          int fromA = m * p + (l + 1) % p;
          int fromB = ((m + 1) % p) * p + l;
          double headA = injA[fromA] + q.routerCore() + hops[l];
          double headB = injB[fromB] + q.routerCore() + hops[m];
          double dA;
          double dB;
          if (headA <= headB) {
            dA = headA;
            dB = Math.max(headB, dA + aw);
          } else {
            dB = headB;
            dA = Math.max(headA, dB + bw);
          }
          double t = Math.max(start[c], delivered(dA, aw)) + q.activation();
          oldA[c] = t;
          t = Math.max(t, delivered(dB, bw)) + q.activation();
          oldB[c] = t;
          start[c] = t;
        }
      }
    }
    double end = 0;
    for (double t : start) end = Math.max(end, t + compute);
    return end;
  }

  /**
   * SUMMA: at step k the core in column k of each row multicasts A and the core in row k of each
   * column multicasts B, each right after its own receives of step k−1; a core at distance d from
   * the root has the block d hops later.
   */
  private double summa(Shape s) {
    int p = s.p();
    long aw = (long) s.bm() * s.bk();
    long bw = (long) s.bk() * s.bn();
    double o = q.opOverhead();
    double compute = mm(s);
    double[] t = new double[p * p];
    double[] injA = new double[p];
    double[] injB = new double[p];
    for (int y = 0; y < p; y++) {
      for (int x = 0; x < p; x++) {
        double c = 0;
        if (x == 0) {
          injA[y] = c + o;
          c += o;
        }
        if (y == 0) {
          injB[x] = x == 0 ? Math.max(c + o, injA[y] + aw) : c + o;
          c += o;
        }
        t[y * p + x] = c;
      }
    }
    double[] nextA = new double[p];
    double[] nextB = new double[p];
    for (int k = 0; k < p; k++) {
      for (int y = 0; y < p; y++) {
        for (int x = 0; x < p; x++) {
          double headA = injA[y] + q.routerCore() + Math.abs(x - k) * q.hop();
          double headB = injB[x] + q.routerCore() + Math.abs(y - k) * q.hop();
          double dA;
          double dB;
          if (headA <= headB) {
            dA = headA;
            dB = Math.max(headB, dA + aw);
          } else {
            dB = headB;
            dA = Math.max(headA, dB + bw);
          }
          double c = Math.max(t[y * p + x], delivered(dA, aw)) + q.activation();
          c = Math.max(c, delivered(dB, bw)) + q.activation();
          if (x == k + 1) {
            nextA[y] = c + o;
            c += o;
          }
          if (y == k + 1) {
            nextB[x] = x == k + 1 ? Math.max(c + o, nextA[y] + aw) : c + o;
            c += o;
          }
          t[y * p + x] = c + compute;
        }
      }
      double[] swap = injA;
      injA = nextA;
      nextA = swap;
      swap = injB;
      injB = nextB;
      nextB = swap;
    }
    double end = 0;
    for (double v : t) end = Math.max(end, v);
    return end;
  }
}
