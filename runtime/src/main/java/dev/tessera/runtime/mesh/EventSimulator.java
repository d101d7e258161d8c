package dev.tessera.runtime.mesh;

import dev.tessera.ir.NormalizerDef;
import dev.tessera.mesh.Dir;
import dev.tessera.mesh.Instr;
import dev.tessera.mesh.MeshProgram;
import dev.tessera.mesh.Program;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Runs a mesh program message by message. Each core executes one instruction per event, in time
 * order. A sent message is an event at every router it reaches: there it takes, first come first
 * served, the link of each output port its colour's static route names (one word per cycle per
 * link and direction, α per hop, so messages that share a link queue behind each other), or the
 * router→core ramp of a core it is delivered to; the message then waits in that core's FIFO for
 * its colour. A FIFO holding {@code fifoDepth} messages, counting those still on their way, blocks
 * further sends to it (back-pressure) until a receive drains it.
 */
public final class EventSimulator {
  private record Msg(double arrival, long seq, float[] data) {}

  /** A core's next instruction ({@code msg} null), or a message's head reaching router {@code core} on port {@code in}. */
  private record Event(double time, long seq, int core, Hop msg) {}

  private record Hop(int colour, Dir in, float[] data, int hops) {}

  private final MeshProgram program;
  private final SimParams params;
  private final Memory memory;
  private final CoreOps ops;
  private final int w;
  private final int n;
  private final Program[] programs;
  private final int[] pc;
  private final double[] time;
  private final double[] busy;
  private final double[] rampOut;
  private final double[] rampIn;
  private final double[] link;
  private final long[] linkWords;
  private final RouteTable routes;
  private final List<PriorityQueue<Msg>> fifo = new ArrayList<>();
  private final int[] pending;
  private final List<List<Integer>> waiters = new ArrayList<>();
  private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) -> a.time != b.time ? Double.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
  private final int colours;
  private final int[] waitingOn;
  private long seq;

  private EventSimulator(MeshProgram program, SimParams params, Memory memory, NormalizerDef normalizer) {
    this.program = program;
    this.params = params;
    this.memory = memory;
    this.ops = new CoreOps(normalizer);
    this.w = program.width();
    this.n = program.width() * program.height();
    this.programs = new Program[n];
    for (int c = 0; c < n; c++) programs[c] = program.programAt(c % w, c / w).orElse(null);
    this.pc = new int[n];
    this.time = new double[n];
    this.busy = new double[n];
    this.rampOut = new double[n];
    this.rampIn = new double[n];
    this.link = new double[4 * n];
    this.linkWords = new long[4 * n];
    this.routes = new RouteTable(program);
    this.colours = routes.colours();
    this.waitingOn = new int[n];
    this.pending = new int[n * colours];
    java.util.Arrays.fill(waitingOn, -1);
    for (int i = 0; i < n * colours; i++) {
      fifo.add(new PriorityQueue<>((a, b) -> a.arrival != b.arrival ? Double.compare(a.arrival, b.arrival) : Long.compare(a.seq, b.seq)));
      waiters.add(new ArrayList<>());
    }
  }

  /** Runs {@code program} on {@code memory} (loaded by the caller) and returns the cycles and traffic. */
  public static SimResult run(MeshProgram program, SimParams params, Memory memory, NormalizerDef normalizer) {
    return new EventSimulator(program, params, memory, normalizer).run();
  }

  private SimResult run() {
    for (int c = 0; c < n; c++) if (programs[c] != null && !programs[c].code().isEmpty()) schedule(c, 0);
    while (!queue.isEmpty()) {
      Event e = queue.poll();
      if (e.msg == null) step(e.core, e.time);
      else arrive(e.core, e.msg, e.time);
    }
    double end = 0;
    for (int c = 0; c < n; c++) {
      if (programs[c] != null && pc[c] < programs[c].code().size()) {
        throw new IllegalStateException("deadlock: core (" + c % w + "," + c / w + ") is stuck at instruction " + pc[c] + " of "
            + programs[c].name());
      }
      end = Math.max(end, time[c]);
    }
    return new SimResult(end, w, n / w, busy, linkWords);
  }

  private void schedule(int core, double t) {
    queue.add(new Event(t, seq++, core, null));
  }

  private void step(int c, double now) {
    time[c] = Math.max(time[c], now);
    Instr in = programs[c].code().get(pc[c]);
    switch (in) {
      case Instr.Send s -> {
        if (!send(c, s)) return;
      }
      case Instr.Recv r -> {
        if (!recv(c, r)) return;
      }
      default -> {
        double cost = ops.execute(in, memory, c, params);
        busy[c] += cost;
        time[c] += cost;
      }
    }
    pc[c]++;
    if (pc[c] < programs[c].code().size()) schedule(c, time[c]);
  }

  private boolean send(int c, Instr.Send s) {
    List<Integer> dests = routes.destinations(c, s.colour());
    for (int d : dests) {
      int q = d * colours + s.colour();
      if (pending[q] >= params.fifoDepth()) {
        waiters.get(q).add(c);
        return false;
      }
    }
    for (int d : dests) pending[d * colours + s.colour()]++;
    float[] src = memory.buffer(c, s.src().buf());
    float[] data = java.util.Arrays.copyOfRange(src, s.src().off(), s.src().off() + s.len());
    busy[c] += params.opOverhead();
    time[c] += params.opOverhead();
    double start = Math.max(time[c], rampOut[c]);
    rampOut[c] = start + s.len();
    queue.add(new Event(start + params.routerCore(), seq++, c, new Hop(s.colour(), Dir.R, data, 0)));
    return true;
  }

  /** The message's head reaches router {@code r} at {@code head}: take the routed links and ramps in arrival order. */
  private void arrive(int r, Hop h, double head) {
    if (h.hops > 2 * n) throw new IllegalStateException("colour c" + h.colour + " routes in a loop through core (" + r % w + "," + r / w + ")");
    List<Dir> outs = routes.outs(r, h.colour, h.in);
    if (outs.isEmpty()) {
      throw new IllegalStateException("a message on colour c" + h.colour + " reaches the router of core (" + r % w + "," + r / w + ") from "
          + h.in + ", which has no route for it");
    }
    int len = h.data.length;
    for (Dir out : outs) {
      if (out == Dir.R) {
        double s = Math.max(head, rampIn[r]);
        rampIn[r] = s + len;
        int q = r * colours + h.colour;
        double arrival = s + params.routerCore() + len;
        fifo.get(q).add(new Msg(arrival, seq++, h.data));
        if (waitingOn[r] == q) {
          waitingOn[r] = -1;
          schedule(r, arrival);
        }
      } else {
        int l = 4 * r + out.ordinal();
        double s = Math.max(head, link[l]);
        link[l] = s + len;
        linkWords[l] += len;
        queue.add(new Event(s + params.hop(), seq++, r + out.dx + out.dy * w, new Hop(h.colour, out.opposite(), h.data, h.hops + 1)));
      }
    }
  }

  private boolean recv(int c, Instr.Recv r) {
    int q = c * colours + r.colour();
    Msg m = fifo.get(q).peek();
    if (m == null) {
      waitingOn[c] = q;
      return false;
    }
    if (m.arrival > time[c]) {
      schedule(c, m.arrival);
      return false;
    }
    fifo.get(q).poll();
    pending[q]--;
    if (m.data.length != r.len()) {
      throw new IllegalStateException("core (" + c % w + "," + c / w + ") expects " + r.len() + " words on c" + r.colour() + ", got " + m.data.length);
    }
    System.arraycopy(m.data, 0, memory.buffer(c, r.dst().buf()), r.dst().off(), r.len());
    double cost = params.activation();
    busy[c] += cost;
    time[c] += cost;
    for (int waiter : waiters.get(q)) schedule(waiter, time[c]);
    waiters.get(q).clear();
    return true;
  }
}
