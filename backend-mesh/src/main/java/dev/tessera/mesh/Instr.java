package dev.tessera.mesh;

/**
 * The per-core instruction set. Operands name local buffers with a word offset ({@code buf+off});
 * every element is an f32 word. A core runs its program top to bottom; a {@link Recv} ends the
 * running task and the rest is the task its colour activates when the data has arrived, which is
 * how a data-triggered task chain reads as one list.
 */
public sealed interface Instr {
  /** A buffer and a word offset in it. */
  record Ref(String buf, int off) {
    public Ref {
      if (off < 0) throw new IllegalArgumentException("offset " + off);
    }

    @Override
    public String toString() {
      return off == 0 ? buf : buf + "+" + off;
    }
  }

  /** Sends {@code len} words from {@code src} on {@code colour}; the route decides where they go. */
  record Send(int colour, Ref src, int len) implements Instr {}

  /** Waits for the next message on {@code colour} and stores its {@code len} words at {@code dst}. */
  record Recv(int colour, Ref dst, int len) implements Instr {}

  /** Element-wise vector operations on {@code len} words. */
  enum VecOp {
    /** dst += a * b */ FMAC,
    /** dst = a + b */ ADD,
    /** dst = a * b */ MUL,
    /** dst = a - b */ SUB,
    /** dst = a / b */ DIV,
    /** dst = max(a, b) */ MAX,
    /** dst = exp(a) */ EXP,
    /** dst = a */ COPY,
    /** dst = 0 */ ZERO
  }

  /** A vector op; unary ops ignore {@code b}, ZERO ignores both sources. */
  record Vec(VecOp op, Ref dst, Ref a, Ref b, int len) implements Instr {}

  /** dst = value on {@code len} words (a constant operand). */
  record Fill(Ref dst, double value, int len) implements Instr {}

  /** dst *= value on {@code len} words (a scalar modifier, e.g. 1/√d). */
  record Scale(Ref dst, double value, int len) implements Instr {}

  /**
   * A block product, {@code m·k} fmacs of length n: {@code c[m×n] += a[m×k] · b[k×n]}, or with
   * {@code transB} {@code c += a · bᵀ} where b is stored n×k ({@code m·n} dot products of length k).
   */
  record Mm(Ref c, Ref a, Ref b, int m, int k, int n, boolean transB) implements Instr {}

  /**
   * The normalizer's step on each row of a {@code rows×cols} block of scores {@code s}, only over
   * entries whose {@code mask} word is non-zero: s becomes the step's weights p (0 where masked),
   * and {@code st} (rows × (1 + state size) words: a visible count, then the state) the row state.
   */
  record NStep(Ref s, Ref mask, Ref st, int rows, int cols) implements Instr {}

  /** Row states: {@code st = combine(st, other)} over {@code rows} rows. */
  record NComb(Ref st, Ref other, int rows) implements Instr {}

  /**
   * Rescales p to the final weights: row i of {@code s} is multiplied by the weight the normalizer's
   * combine gives the local state {@code st} against the global state {@code g}, times finish(g).
   */
  record NScale(Ref s, Ref st, Ref g, int rows, int cols) implements Instr {}
}
