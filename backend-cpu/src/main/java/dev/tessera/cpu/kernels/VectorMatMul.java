package dev.tessera.cpu.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-blocked micro-kernels on the Vector API. This is the only class that touches
 * jdk.incubator.vector, so nothing else loads the incubator module when it is absent.
 */
final class VectorMatMul implements MatMul {
    static final VectorMatMul INSTANCE = new VectorMatMul();

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    // Main tile: 4 rows × 4 vectors = 16 accumulators; with the 4 B vectors and 1 broadcast that
    // fills 21 of AVX-512's 32 registers and gives 16 independent FMA chains (2 ports × 4-cycle
    // latency needs ≥ 8).
    private static final int NR = 4 * V;
    // Below this many rows, transposing B into a k×n panel costs more than it saves.
    private static final int ABT_PACK_MIN_ROWS = 4;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private VectorMatMul() {}

    @Override
    public String name() {
        return "vector-" + S.vectorBitSize();
    }

    @Override
    public void ab(float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                   float[] c, int cOff, int ldc, int m, int n, int k, boolean accumulate) {
        Bounds.panel("A", a, aOff, lda, m, k);
        Bounds.panel("B", b, bOff, ldb, k, n);
        Bounds.panel("C", c, cOff, ldc, m, n);
        if (EXP) {
            gemmPacked(a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, n, k, 1f, accumulate);
            return;
        }
        gemm(a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, n, k, 1f, accumulate);
    }
    static final boolean EXP = Boolean.getBoolean("exp");

    private static void gemmPacked(float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, int m, int n, int k, float alpha, boolean acc) {
        Scratch s = SCRATCH.get();
        int panels = n / NR;
        if (s.bp.length < panels * k * NR) s.bp = new float[panels * k * NR];
        float[] bp = s.bp;
        for (int q = 0; q < panels; q++) {
            for (int p = 0; p < k; p++) {
                int src = bOff + p * ldb + q * NR, dst = (q * k + p) * NR;
                for (int v = 0; v < NR; v += V) FloatVector.fromArray(S, b, src + v).intoArray(bp, dst + v);
            }
        }
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            for (int q = 0; q < panels; q++) {
                tile4x4p(a, aOff + i * lda, lda, bp, q * k * NR, c, cOff + i * ldc + q * NR, ldc, k, alpha, acc);
            }
            for (int j = panels * NR; j < n; j += V) {
                tile4x1(a, aOff + i * lda, lda, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, k, alpha, acc,
                        S.indexInRange(j, n));
            }
        }
        if (i < m) gemm(a, aOff + i * lda, lda, b, bOff, ldb, c, cOff + i * ldc, ldc, m - i, n, k, alpha, acc);
    }

    @Override
    public void abt(float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                    float[] c, int cOff, int ldc, int m, int n, int k, float alpha, boolean accumulate) {
        Bounds.panel("A", a, aOff, lda, m, k);
        Bounds.panel("B", b, bOff, ldb, n, k);
        Bounds.panel("C", c, cOff, ldc, m, n);
        if (m < ABT_PACK_MIN_ROWS) {
            dots(a, aOff, lda, b, bOff, ldb, c, cOff, ldc, m, n, k, alpha, accumulate);
            return;
        }
        float[] bt = packTransposed(b, bOff, ldb, n, k);
        gemm(a, aOff, lda, bt, 0, n, c, cOff, ldc, m, n, k, alpha, accumulate);
    }

    @Override
    public void scaleRows(float[] c, int cOff, int ldc, int m, int n, float[] factors, int fOff) {
        Bounds.panel("C", c, cOff, ldc, m, n);
        Bounds.panel("factors", factors, fOff, 1, m, 1);
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            FloatVector f = FloatVector.broadcast(S, factors[fOff + i]);
            int j = 0;
            for (; j + V <= n; j += V) {
                FloatVector.fromArray(S, c, ci + j).mul(f).intoArray(c, ci + j);
            }
            if (j < n) {
                VectorMask<Float> mask = S.indexInRange(j, n);
                FloatVector.fromArray(S, c, ci + j, mask).mul(f).intoArray(c, ci + j, mask);
            }
        }
    }

    /** C = alpha·A·B (+ C); B is k×n row-major. */
    private static void gemm(float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, int m, int n, int k, float alpha, boolean acc) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int j = 0;
            for (; j + NR <= n; j += NR) {
                tile4x4(a, aOff + i * lda, lda, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, k, alpha, acc);
            }
            for (; j < n; j += V) {
                tile4x1(a, aOff + i * lda, lda, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, k, alpha, acc,
                        S.indexInRange(j, n));
            }
        }
        for (; i < m; i++) {
            int j = 0;
            for (; j + NR <= n; j += NR) {
                tile1x4(a, aOff + i * lda, b, bOff + j, ldb, c, cOff + i * ldc + j, k, alpha, acc);
            }
            for (; j < n; j += V) {
                tile1x1(a, aOff + i * lda, b, bOff + j, ldb, c, cOff + i * ldc + j, k, alpha, acc,
                        S.indexInRange(j, n));
            }
        }
    }

    private static void tile4x4(float[] a, int a0, int lda, float[] b, int bj, int ldb,
                                float[] c, int c0, int ldc, int k, float alpha, boolean acc) {
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (int p = 0, bp = bj; p < k; p++, bp += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + V);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * V);
            FloatVector b3 = FloatVector.fromArray(S, b, bp + 3 * V);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01); c02 = b2.fma(x, c02); c03 = b3.fma(x, c03);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11); c12 = b2.fma(x, c12); c13 = b3.fma(x, c13);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21); c22 = b2.fma(x, c22); c23 = b3.fma(x, c23);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31); c32 = b2.fma(x, c32); c33 = b3.fma(x, c33);
        }
        FloatVector al = FloatVector.broadcast(S, alpha);
        int c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        put(c, c0, c00, al, acc); put(c, c0 + V, c01, al, acc);
        put(c, c0 + 2 * V, c02, al, acc); put(c, c0 + 3 * V, c03, al, acc);
        put(c, c1, c10, al, acc); put(c, c1 + V, c11, al, acc);
        put(c, c1 + 2 * V, c12, al, acc); put(c, c1 + 3 * V, c13, al, acc);
        put(c, c2, c20, al, acc); put(c, c2 + V, c21, al, acc);
        put(c, c2 + 2 * V, c22, al, acc); put(c, c2 + 3 * V, c23, al, acc);
        put(c, c3, c30, al, acc); put(c, c3 + V, c31, al, acc);
        put(c, c3 + 2 * V, c32, al, acc); put(c, c3 + 3 * V, c33, al, acc);
    }

    private static void tile4x4p(float[] a, int a0, int lda, float[] b, int bj,
                                float[] c, int c0, int ldc, int k, float alpha, boolean acc) {
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (int p = 0; p < k; p++) {
            int bp = bj + p * NR;
            FloatVector b0 = FloatVector.fromArray(S, b, bp);
            FloatVector b1 = FloatVector.fromArray(S, b, bp + V);
            FloatVector b2 = FloatVector.fromArray(S, b, bp + 2 * V);
            FloatVector b3 = FloatVector.fromArray(S, b, bp + 3 * V);
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            c00 = b0.fma(x, c00); c01 = b1.fma(x, c01); c02 = b2.fma(x, c02); c03 = b3.fma(x, c03);
            x = FloatVector.broadcast(S, a[a1 + p]);
            c10 = b0.fma(x, c10); c11 = b1.fma(x, c11); c12 = b2.fma(x, c12); c13 = b3.fma(x, c13);
            x = FloatVector.broadcast(S, a[a2 + p]);
            c20 = b0.fma(x, c20); c21 = b1.fma(x, c21); c22 = b2.fma(x, c22); c23 = b3.fma(x, c23);
            x = FloatVector.broadcast(S, a[a3 + p]);
            c30 = b0.fma(x, c30); c31 = b1.fma(x, c31); c32 = b2.fma(x, c32); c33 = b3.fma(x, c33);
        }
        FloatVector al = FloatVector.broadcast(S, alpha);
        int c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
        put(c, c0, c00, al, acc); put(c, c0 + V, c01, al, acc);
        put(c, c0 + 2 * V, c02, al, acc); put(c, c0 + 3 * V, c03, al, acc);
        put(c, c1, c10, al, acc); put(c, c1 + V, c11, al, acc);
        put(c, c1 + 2 * V, c12, al, acc); put(c, c1 + 3 * V, c13, al, acc);
        put(c, c2, c20, al, acc); put(c, c2 + V, c21, al, acc);
        put(c, c2 + 2 * V, c22, al, acc); put(c, c2 + 3 * V, c23, al, acc);
        put(c, c3, c30, al, acc); put(c, c3 + V, c31, al, acc);
        put(c, c3 + 2 * V, c32, al, acc); put(c, c3 + 3 * V, c33, al, acc);
    }

    /** 4 rows × one (possibly partial) vector: column edges of the 4-row bands. */
    private static void tile4x1(float[] a, int a0, int lda, float[] b, int bj, int ldb,
                                float[] c, int c0, int ldc, int k, float alpha, boolean acc,
                                VectorMask<Float> mask) {
        int a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
        FloatVector r0 = FloatVector.zero(S), r1 = r0, r2 = r0, r3 = r0;
        for (int p = 0, bp = bj; p < k; p++, bp += ldb) {
            FloatVector bv = FloatVector.fromArray(S, b, bp, mask);
            r0 = bv.fma(FloatVector.broadcast(S, a[a0 + p]), r0);
            r1 = bv.fma(FloatVector.broadcast(S, a[a1 + p]), r1);
            r2 = bv.fma(FloatVector.broadcast(S, a[a2 + p]), r2);
            r3 = bv.fma(FloatVector.broadcast(S, a[a3 + p]), r3);
        }
        FloatVector al = FloatVector.broadcast(S, alpha);
        put(c, c0, r0, al, acc, mask);
        put(c, c0 + ldc, r1, al, acc, mask);
        put(c, c0 + 2 * ldc, r2, al, acc, mask);
        put(c, c0 + 3 * ldc, r3, al, acc, mask);
    }

    /** One row × 4 vectors: the last m % 4 rows. */
    private static void tile1x4(float[] a, int a0, float[] b, int bj, int ldb,
                                float[] c, int c0, int k, float alpha, boolean acc) {
        FloatVector r0 = FloatVector.zero(S), r1 = r0, r2 = r0, r3 = r0;
        for (int p = 0, bp = bj; p < k; p++, bp += ldb) {
            FloatVector x = FloatVector.broadcast(S, a[a0 + p]);
            r0 = FloatVector.fromArray(S, b, bp).fma(x, r0);
            r1 = FloatVector.fromArray(S, b, bp + V).fma(x, r1);
            r2 = FloatVector.fromArray(S, b, bp + 2 * V).fma(x, r2);
            r3 = FloatVector.fromArray(S, b, bp + 3 * V).fma(x, r3);
        }
        FloatVector al = FloatVector.broadcast(S, alpha);
        put(c, c0, r0, al, acc); put(c, c0 + V, r1, al, acc);
        put(c, c0 + 2 * V, r2, al, acc); put(c, c0 + 3 * V, r3, al, acc);
    }

    private static void tile1x1(float[] a, int a0, float[] b, int bj, int ldb,
                                float[] c, int c0, int k, float alpha, boolean acc, VectorMask<Float> mask) {
        // Two chains over alternating p halve the FMA-latency stall of a single accumulator.
        FloatVector r0 = FloatVector.zero(S), r1 = r0;
        int p = 0, bp = bj;
        for (; p + 2 <= k; p += 2, bp += 2 * ldb) {
            r0 = FloatVector.fromArray(S, b, bp, mask).fma(FloatVector.broadcast(S, a[a0 + p]), r0);
            r1 = FloatVector.fromArray(S, b, bp + ldb, mask).fma(FloatVector.broadcast(S, a[a0 + p + 1]), r1);
        }
        if (p < k) {
            r0 = FloatVector.fromArray(S, b, bp, mask).fma(FloatVector.broadcast(S, a[a0 + p]), r0);
        }
        put(c, c0, r0.add(r1), FloatVector.broadcast(S, alpha), acc, mask);
    }

    private static void put(float[] c, int ci, FloatVector r, FloatVector alpha, boolean acc) {
        (acc ? r.fma(alpha, FloatVector.fromArray(S, c, ci)) : r.mul(alpha)).intoArray(c, ci);
    }

    private static void put(float[] c, int ci, FloatVector r, FloatVector alpha, boolean acc,
                            VectorMask<Float> mask) {
        (acc ? r.fma(alpha, FloatVector.fromArray(S, c, ci, mask)) : r.mul(alpha)).intoArray(c, ci, mask);
    }

    /**
     * B[n×k] → thread-local k×n panel, so abt can reuse the broadcast-A / load-B tiles. Each
     * output vector is one gather down V rows of B: a scalar transpose cost ~1.8 cycles per
     * element, more than a third of the whole 64³ product.
     */
    private static float[] packTransposed(float[] b, int bOff, int ldb, int n, int k) {
        Scratch s = SCRATCH.get();
        if (s.bt.length < n * k) {
            s.bt = new float[n * k];
        }
        float[] bt = s.bt;
        int[] rowStarts = s.rowStarts;
        if (s.ldb != ldb) {
            for (int l = 0; l < V; l++) {
                rowStarts[l] = l * ldb;
            }
            s.ldb = ldb;
        }
        int j = 0;
        for (; j + V <= n; j += V) {
            int bj = bOff + j * ldb;
            for (int p = 0, o = j; p < k; p++, o += n) {
                FloatVector.fromArray(S, b, bj + p, rowStarts, 0).intoArray(bt, o);
            }
        }
        if (j < n) {
            VectorMask<Float> mask = S.indexInRange(j, n);
            int bj = bOff + j * ldb;
            for (int p = 0, o = j; p < k; p++, o += n) {
                FloatVector.fromArray(S, b, bj + p, rowStarts, 0, mask).intoArray(bt, o, mask);
            }
        }
        return bt;
    }

    private static final class Scratch {
        float[] bt = new float[0];
        float[] bp = new float[0];
        final int[] rowStarts = new int[V];
        int ldb = -1;
    }

    /** Few rows: per-element dot products along k, 4 B rows at a time to share each A load. */
    private static void dots(float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, int m, int n, int k, float alpha, boolean acc) {
        int kv = k - k % V;
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda, ci = cOff + i * ldc;
            int j = 0;
            for (; j + 4 <= n; j += 4) {
                int b0 = bOff + j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
                FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
                int p = 0;
                for (; p < kv; p += V) {
                    FloatVector x = FloatVector.fromArray(S, a, ai + p);
                    s0 = x.fma(FloatVector.fromArray(S, b, b0 + p), s0);
                    s1 = x.fma(FloatVector.fromArray(S, b, b1 + p), s1);
                    s2 = x.fma(FloatVector.fromArray(S, b, b2 + p), s2);
                    s3 = x.fma(FloatVector.fromArray(S, b, b3 + p), s3);
                }
                if (p < k) {
                    VectorMask<Float> mask = S.indexInRange(p, k);
                    FloatVector x = FloatVector.fromArray(S, a, ai + p, mask);
                    s0 = x.fma(FloatVector.fromArray(S, b, b0 + p, mask), s0);
                    s1 = x.fma(FloatVector.fromArray(S, b, b1 + p, mask), s1);
                    s2 = x.fma(FloatVector.fromArray(S, b, b2 + p, mask), s2);
                    s3 = x.fma(FloatVector.fromArray(S, b, b3 + p, mask), s3);
                }
                store(c, ci + j, s0.reduceLanes(VectorOperators.ADD), alpha, acc);
                store(c, ci + j + 1, s1.reduceLanes(VectorOperators.ADD), alpha, acc);
                store(c, ci + j + 2, s2.reduceLanes(VectorOperators.ADD), alpha, acc);
                store(c, ci + j + 3, s3.reduceLanes(VectorOperators.ADD), alpha, acc);
            }
            for (; j < n; j++) {
                int bj = bOff + j * ldb;
                FloatVector s = FloatVector.zero(S);
                int p = 0;
                for (; p < kv; p += V) {
                    s = FloatVector.fromArray(S, a, ai + p).fma(FloatVector.fromArray(S, b, bj + p), s);
                }
                if (p < k) {
                    VectorMask<Float> mask = S.indexInRange(p, k);
                    s = FloatVector.fromArray(S, a, ai + p, mask).fma(FloatVector.fromArray(S, b, bj + p, mask), s);
                }
                store(c, ci + j, s.reduceLanes(VectorOperators.ADD), alpha, acc);
            }
        }
    }

    private static void store(float[] c, int ci, float dot, float alpha, boolean acc) {
        c[ci] = acc ? Math.fma(alpha, dot, c[ci]) : alpha * dot;
    }
}
