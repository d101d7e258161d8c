package dev.tessera.cpu;

import dev.tessera.cpu.kernels.MatMul;
import dev.tessera.ir.Extents;
import dev.tessera.ir.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs linear attention in chunks of C steps (as in RetNet, Mamba-2's SSD and GLA): within a chunk
 * the outputs come from a C×C decayed score matrix (quadratic, matrix products), across chunks from
 * the carried state {@code S[d, e]}, updated once per chunk. Decays are handled in log space as
 * cumulative sums within the chunk, so no factor grows beyond exp(C · max|log decay|). A batch
 * tuple with a non-positive decay runs step by step instead.
 */
final class ChunkExecutor {
  private final Workers workers;
  private final MatMul mm;

  ChunkExecutor(Workers workers, MatMul mm) {
    this.workers = workers;
    this.mm = mm;
  }

  void run(ChunkSpec c, FlashExecutor.Tensors ts) {
    int[] ext = c.batchExtents().stream().mapToInt(e -> Extents.extent(e, ts.dims())).toArray();
    int t = Extents.extent(c.tExtent(), ts.dims());
    int d = Extents.extent(c.dExtent(), ts.dims());
    int e = Extents.extent(c.eExtent(), ts.dims());
    List<int[]> tuples = FlashExecutor.tuples(ext);
    workers.forEach(tuples.size(), i -> new Sequence(c, ts, tuples.get(i), t, d, e).run());
  }

  /** One batch tuple's whole sequence. */
  private final class Sequence {
    private final ChunkSpec c;
    private final FlashExecutor.Tensors ts;
    private final int[] batch;
    private final int steps;
    private final int d;
    private final int e;
    private final boolean perChannel;
    private final float[] state;

    Sequence(ChunkSpec c, FlashExecutor.Tensors ts, int[] batch, int steps, int d, int e) {
      this.c = c;
      this.ts = ts;
      this.batch = batch;
      this.steps = steps;
      this.d = d;
      this.e = e;
      this.perChannel = c.kind() == Op.DecayKind.PER_CHANNEL;
      this.state = new float[d * e];
    }

    /** log(decay) for every step (and key channel when per channel), from the generated decay buffer. */
    private double[] logDecays(int width) {
      double[] logs = new double[steps * width];
      if (c.decay() == null) return logs;
      int slot = ts.slots().tensor(c.decay());
      float[] buf = ts.t()[slot];
      int[] st = ts.st()[slot];
      int base = 0;
      for (int i = 0; i < batch.length; i++) base += batch[i] * st[i];
      int tStride = st[batch.length];
      for (int s = 0; s < steps; s++) for (int j = 0; j < width; j++) logs[s * width + j] = Math.log(buf[base + s * tStride + j]);
      return logs;
    }

    void run() {
      int[] qa = FlashExecutor.addressing(c.batch(), c.q(), ts, batch);
      int[] ka = FlashExecutor.addressing(c.batch(), c.k(), ts, batch);
      int[] va = FlashExecutor.addressing(c.batch(), c.v(), ts, batch);
      int[] oa = FlashExecutor.addressing(c.batch(), c.out(), ts, batch);
      int chunk = Math.max(1, c.chunk());
      int width = perChannel ? d : 1;
      double[] logs = logDecays(width);
      for (double l : logs) {
        if (Double.isNaN(l) || l == Double.NEGATIVE_INFINITY || l == Double.POSITIVE_INFINITY) {
          sequential(qa, ka, va, oa, logs, width);
          return;
        }
      }
      float[] q = new float[chunk * d];
      float[] k = new float[chunk * d];
      float[] v = new float[chunk * e];
      float[] o = new float[chunk * e];
      float[] sc = new float[chunk * chunk];
      float[] kt = new float[d * chunk];
      double[] cum = new double[chunk * width];
      for (int t0 = 0; t0 < steps; t0 += chunk) {
        int n = Math.min(chunk, steps - t0);
        gather(qa, t0, n, d, q);
        gather(ka, t0, n, d, k);
        gather(va, t0, n, e, v);
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < width; j++) cum[i * width + j] = (i == 0 ? 0 : cum[(i - 1) * width + j]) + logs[(t0 + i) * width + j];
        }
        chunkStep(n, width, q, k, v, o, sc, kt, cum);
        scatter(oa, t0, n, o);
      }
    }

    private void chunkStep(int n, int width, float[] q, float[] k, float[] v, float[] o, float[] sc, float[] kt, double[] cum) {
      if (perChannel) {
        float[] qt = new float[n * d];
        double[] grow = new double[n * d];
        for (int i = 0; i < n * d; i++) {
          double g = Math.exp(cum[i]);
          qt[i] = (float) (q[i] * g);
          grow[i] = 1 / g;
        }
        mm.ab(qt, 0, d, state, 0, e, o, 0, e, n, e, d, false);
        intraPerChannel(n, q, qt, k, sc, cum, grow);
      } else {
        mm.ab(q, 0, d, state, 0, e, o, 0, e, n, e, d, false);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = (float) Math.exp(cum[i]);
        mm.scaleRows(o, 0, e, n, e, f, 0);
        mm.abt(q, 0, d, k, 0, d, sc, 0, n, n, n, d, 1f, false);
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) sc[i * n + j] = j <= i ? (float) (sc[i * n + j] * Math.exp(cum[i] - cum[j])) : 0f;
      }
      mm.ab(sc, 0, n, v, 0, e, o, 0, e, n, e, n, true);
      int last = n - 1;
      for (int j = 0; j < n; j++) {
        for (int x = 0; x < d; x++) {
          double g = perChannel ? cum[last * d + x] - cum[j * d + x] : cum[last] - cum[j];
          kt[x * n + j] = (float) (k[j * d + x] * Math.exp(g));
        }
      }
      float[] carry = new float[d];
      for (int x = 0; x < d; x++) carry[x] = (float) Math.exp(perChannel ? cum[last * d + x] : cum[last]);
      mm.scaleRows(state, 0, e, d, e, carry, 0);
      mm.ab(kt, 0, n, v, 0, e, state, 0, e, d, e, n, true);
    }

    /**
     * Decayed scores within a chunk, per key channel: sc[i, j] = Σ_x q[i,x] k[j,x] exp(cum[i,x] − cum[j,x])
     * for j ≤ i. Split as (q·exp(cum_i)) · (k·exp(−cum_j))ᵀ it is one matrix product; cum only falls
     * within a chunk, so the second factor grows up to exp(max |cum|), and beyond exp(60) the
     * direct sum is used instead to stay far from float overflow.
     */
    private void intraPerChannel(int n, float[] q, float[] qt, float[] k, float[] sc, double[] cum, double[] grow) {
      double span = 0;
      for (int i = 0; i < n * d; i++) span = Math.max(span, -cum[i]);
      if (span <= 60) {
        float[] kt = new float[n * d];
        for (int i = 0; i < n * d; i++) kt[i] = (float) (k[i] * grow[i]);
        mm.abt(qt, 0, d, kt, 0, d, sc, 0, n, n, n, d, 1f, false);
        for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) sc[i * n + j] = 0f;
        return;
      }
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          double w = 0;
          if (j <= i) for (int x = 0; x < d; x++) w += q[i * d + x] * k[j * d + x] * Math.exp(cum[i * d + x] - cum[j * d + x]);
          sc[i * n + j] = (float) w;
        }
      }
    }

    /** Step by step: S = decay · S + kᵀv, o = q · S. */
    private void sequential(int[] qa, int[] ka, int[] va, int[] oa, double[] logs, int width) {
      float[] q = new float[d];
      float[] k = new float[d];
      float[] v = new float[e];
      float[] o = new float[e];
      for (int s = 0; s < steps; s++) {
        gather(qa, s, 1, d, q);
        gather(ka, s, 1, d, k);
        gather(va, s, 1, e, v);
        for (int x = 0; x < d; x++) {
          float decay = (float) Math.exp(logs[s * width + (perChannel ? x : 0)]);
          for (int y = 0; y < e; y++) state[x * e + y] = decay * state[x * e + y] + k[x] * v[y];
        }
        for (int y = 0; y < e; y++) {
          float acc = 0;
          for (int x = 0; x < d; x++) acc += q[x] * state[x * e + y];
          o[y] = acc;
        }
        scatter(oa, s, 1, o);
      }
    }

    private void gather(int[] a, int t0, int n, int width, float[] buf) {
      float[] src = ts.t()[a[3]];
      for (int i = 0; i < n; i++) {
        int base = a[0] + (t0 + i) * a[1];
        for (int j = 0; j < width; j++) buf[i * width + j] = src[base + j * a[2]];
      }
    }

    private void scatter(int[] a, int t0, int n, float[] buf) {
      float[] dst = ts.t()[a[3]];
      for (int i = 0; i < n; i++) {
        int base = a[0] + (t0 + i) * a[1];
        for (int j = 0; j < e; j++) dst[base + j * a[2]] = buf[i * e + j];
      }
    }
  }
}
