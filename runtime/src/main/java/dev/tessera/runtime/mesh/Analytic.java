package dev.tessera.runtime.mesh;

import dev.tessera.mesh.GemvKernels;
import dev.tessera.mesh.MeshKernel.Shape;

/**
 * The analytic mode: cycles of a generated kernel from its {@link Shape}, by following the critical
 * core through the same costs the event simulator charges (instruction overheads, ramps, α per hop,
 * words per cycle on shared links, task activation), with every core assumed to run in lockstep
 * with the slowest. It needs no per-core state, so it covers 720×720 grids in microseconds; the
 * event mode checks it on grids up to 64×64.
 */
public final class Analytic {
  private final SimParams q;

  public Analytic(SimParams q) {
    this.q = q;
  }

  public double cycles(Shape s) {
    return switch (s.algorithm()) {
      case "meshgemm" -> shifting(s, s.p() <= 1 ? 0 : s.p() == 2 ? 1 : 2);
      case "cannon" -> shifting(s, s.p() - 1);
      case "summa" -> summa(s);
      case "meshgemv" -> tree(s);
      case "pipegemv" -> chain(s);
      default -> throw new IllegalArgumentException("no analytic model for " + s.algorithm());
    };
  }

  private double mm(Shape s) {
    return s.transposed() ? (double) s.bm() * s.bn() * q.vec(s.bk()) : (double) s.bm() * s.bk() * q.vec(s.bn());
  }

  /** Delivery of a message whose head leaves the core's ramp at {@code inject}, over {@code hops} free links. */
  private double arrival(double inject, int hops, long words) {
    return inject + 2 * q.routerCore() + hops * q.hop() + words;
  }

  /** Cannon's compute-and-shift where the longest shift is {@code hops} links. */
  private double shifting(Shape s, int hops) {
    long aw = (long) s.bm() * s.bk();
    long bw = (long) s.bk() * s.bn();
    double t = 0;
    for (int step = 0; step < s.p(); step++) {
      boolean more = step < s.p() - 1;
      double core = t;
      double injA = 0;
      double injB = 0;
      if (more) {
        injA = core + q.opOverhead();
        injB = Math.max(core + 2 * q.opOverhead(), injA + aw);
        core += 2 * q.opOverhead();
      }
      core += mm(s);
      if (more) {
        double arrA = arrival(injA, hops, aw);
        double arrB = Math.max(arrival(injB, hops, bw), arrA + bw);
        core = Math.max(core, arrA) + q.activation();
        core = Math.max(core, arrB) + q.activation();
      }
      t = core;
    }
    return t;
  }

  /** SUMMA: per step the root's multicast reaches the farthest core of its row or column. */
  private double summa(Shape s) {
    int p = s.p();
    long aw = (long) s.bm() * s.bk();
    long bw = (long) s.bk() * s.bn();
    double core = 0;
    double sendA = q.opOverhead();
    double sendB = 2 * q.opOverhead();
    for (int k = 0; k < p; k++) {
      int far = Math.max(k, p - 1 - k);
      double arrA = arrival(sendA, far, aw);
      double arrB = arrival(sendB, far, bw);
      double r = Math.max(Math.max(core, arrA) + q.activation(), arrB) + q.activation();
      sendA = r + q.opOverhead();
      sendB = r + q.opOverhead();
      core = r + mm(s);
    }
    return core;
  }

  /** Receives {@code count} messages sent at {@code sent} from 1, 2, … {@code spacing}·count links away, one link serving them in turn. */
  private double gather(double core, double sent, int count, int spacing, long words) {
    double linkFree = 0;
    for (int i = 1; i <= count; i++) {
      double head = sent + q.routerCore() + (double) i * spacing * q.hop();
      double deliver = Math.max(head, linkFree);
      linkFree = deliver + words;
      core = Math.max(core, deliver + q.routerCore() + words) + q.activation() + q.vec(words);
    }
    return core;
  }

  /** MeshGEMV: local product, level-1 groups to their leaders, leaders to the root, a row multicast back. */
  private double tree(Shape s) {
    int p = s.p();
    long bn = s.bn();
    double local = s.bk() * q.vec(bn);
    if (p == 1) return local;
    int g = GemvKernels.groupSize(p);
    double sent = local + q.opOverhead();
    double leader = gather(local, sent, Math.min(g, p) - 1, 1, bn);
    double root = gather(leader, leader + q.opOverhead(), (p + g - 1) / g - 1, g, bn);
    return arrival(root + q.opOverhead(), p - 1, bn) + q.activation();
  }

  /** The pipeline allreduce: a running sum passed core by core, each a receive, an add and a send. */
  private double chain(Shape s) {
    int p = s.p();
    long bn = s.bn();
    double local = s.bk() * q.vec(bn);
    if (p == 1) return local;
    double t = local;
    for (int x = p - 1; x > 0; x--) {
      double arr = arrival(t + q.opOverhead(), 1, bn);
      t = Math.max(local, arr) + q.activation() + q.vec(bn);
    }
    return arrival(t + q.opOverhead(), p - 1, bn) + q.activation();
  }
}
