package dev.tessera.cuda;

import dev.tessera.ir.CodeWriter;

/**
 * The two products of the flash kernel on one key tile: S = Q·Kᵀ into the mma accumulator layout
 * (rows qr and qr + 8 of the warp's 16, columns j·8 + 2·t4 + {0, 1}), and O += P·V from the
 * weights in that layout. f16/bf16 use {@code mma.sync.m16n8k16}; f32 uses FMAs, with the weights
 * passed through a per-warp shared-memory buffer because P·V needs a whole row of them.
 */
final class FlashTiles {
  private final CodeWriter w;
  private final CType type;
  private final boolean mma;
  private final long d;
  private final long e;
  private final int bn;

  FlashTiles(CodeWriter w, CType type, boolean mma, long d, long e, int bn) {
    this.w = w;
    this.type = type;
    this.mma = mma;
    this.d = d;
    this.e = e;
    this.bn = bn;
  }

  void scores(int nt) {
    w.line("float s[" + nt + "][4];");
    FlashStep.loop(w, "j", nt);
    w.line("s[j][0] = 0.0f; s[j][1] = 0.0f; s[j][2] = 0.0f; s[j][3] = 0.0f;");
    w.close("}");
    if (mma) {
      FlashStep.loop(w, "kk", (int) (d / 16));
      w.line("const unsigned a0 = tsr_ld32(Qs + qr * " + (d + 8) + " + kk * 16 + 2 * t4);");
      w.line("const unsigned a1 = tsr_ld32(Qs + (qr + 8) * " + (d + 8) + " + kk * 16 + 2 * t4);");
      w.line("const unsigned a2 = tsr_ld32(Qs + qr * " + (d + 8) + " + kk * 16 + 2 * t4 + 8);");
      w.line("const unsigned a3 = tsr_ld32(Qs + (qr + 8) * " + (d + 8) + " + kk * 16 + 2 * t4 + 8);");
      FlashStep.loop(w, "j", nt);
      w.line("const unsigned b0 = tsr_ld32(Kt + (j * 8 + g) * " + (d + 8) + " + kk * 16 + 2 * t4);");
      w.line("const unsigned b1 = tsr_ld32(Kt + (j * 8 + g) * " + (d + 8) + " + kk * 16 + 2 * t4 + 8);");
      w.line("tsr_mma(s[j], a0, a1, a2, a3, b0, b1);");
      w.close("}");
      w.close("}");
    } else {
      FlashStep.loop(w, "j", nt);
      FlashStep.loop(w, "i", 4);
      w.line("const float* qrow = Qs + (qr + (i >> 1) * 8) * " + (d + 8) + ";");
      w.line("const float* krow = Kt + (j * 8 + 2 * t4 + (i & 1)) * " + (d + 8) + ";");
      w.line("float acc = 0.0f;");
      w.line("#pragma unroll 4  // fully unrolled, the 32 dot products of the tile spill registers at d = 128");
      w.line("for (int dd = 0; dd < " + d + "; ++dd) acc = fmaf(qrow[dd], krow[dd], acc);");
      w.line("s[j][i] = acc;");
      w.close("}");
      w.close("}");
    }
  }

  void accumulate(int nt, int et) {
    if (mma) {
      FlashStep.loop(w, "kk", bn / 16);
      w.line("const unsigned a0 = tsr_pack(s[2 * kk][0], s[2 * kk][1]);");
      w.line("const unsigned a1 = tsr_pack(s[2 * kk][2], s[2 * kk][3]);");
      w.line("const unsigned a2 = tsr_pack(s[2 * kk + 1][0], s[2 * kk + 1][1]);");
      w.line("const unsigned a3 = tsr_pack(s[2 * kk + 1][2], s[2 * kk + 1][3]);");
      FlashStep.loop(w, "j", et);
      w.line("const " + type.c() + "* vcol = Vt + (kk * 16 + 2 * t4) * " + (e + 8) + " + j * 8 + g;");
      w.line("const unsigned b0 = tsr_pack2(vcol[0], vcol[" + (e + 8) + "]);");
      w.line("const unsigned b1 = tsr_pack2(vcol[" + 8 * (e + 8) + "], vcol[" + 9 * (e + 8) + "]);");
      w.line("tsr_mma(o[j], a0, a1, a2, a3, b0, b1);");
      w.close("}");
      w.close("}");
      return;
    }
    long ld = bn + 4;
    w.line("float* Pw = Ps + warp * " + 16 * ld + ";");
    FlashStep.loop(w, "j", nt);
    FlashStep.loop(w, "i", 4);
    w.line("Pw[(g + (i >> 1) * 8) * " + ld + " + j * 8 + 2 * t4 + (i & 1)] = s[j][i];");
    w.close("}");
    w.close("}");
    w.line("__syncwarp();");
    FlashStep.loop(w, "j", et);
    FlashStep.loop(w, "i", 4);
    w.line("const float* prow = Pw + (g + (i >> 1) * 8) * " + ld + ";");
    w.line("const float* vcol = Vt + j * 8 + 2 * t4 + (i & 1);");
    w.line("float acc = 0.0f;");
    w.line("#pragma unroll 4");
    w.line("for (int kx = 0; kx < " + bn + "; ++kx) acc = fmaf(prow[kx], vcol[kx * " + (e + 8) + "], acc);");
    w.line("o[j][i] += acc;");
    w.close("}");
    w.close("}");
    w.line("__syncwarp();");
  }
}
