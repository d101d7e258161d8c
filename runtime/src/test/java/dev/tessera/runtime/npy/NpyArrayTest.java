package dev.tessera.runtime.npy;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Validation, copying and value semantics of {@link NpyArray}. */
class NpyArrayTest {

  @Test
  void sizeAndRank() {
    NpyArray a = new NpyArray(NpyType.F64, new int[] {2, 3}, new double[6]);
    assertThat(a.size()).isEqualTo(6);
    assertThat(a.rank()).isEqualTo(2);
    NpyArray scalar = new NpyArray(NpyType.F64, new int[] {}, new double[] {5});
    assertThat(scalar.size()).isEqualTo(1);
    assertThat(scalar.rank()).isEqualTo(0);
  }

  @Test
  void rejectsWrongValueCount() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new NpyArray(NpyType.F32, new int[] {2, 3}, new double[5]));
    assertThat(e).hasMessageThat().isEqualTo("shape [2, 3] needs 6 values, got 5");
    assertThrows(IllegalArgumentException.class,
        () -> new NpyArray(NpyType.F32, new int[] {}, new double[0]));
  }

  @Test
  void rejectsNegativeAndOverflowingShapes() {
    assertThrows(IllegalArgumentException.class,
        () -> new NpyArray(NpyType.F32, new int[] {-1}, new double[0]));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new NpyArray(NpyType.F32, new int[] {65536, 65536}, new double[0]));
    assertThat(e).hasMessageThat().contains("more than 2147483647 elements");
  }

  @Test
  void rejectsNulls() {
    assertThrows(NullPointerException.class, () -> new NpyArray(null, new int[0], new double[1]));
    assertThrows(NullPointerException.class, () -> new NpyArray(NpyType.F32, null, new double[1]));
    assertThrows(NullPointerException.class, () -> new NpyArray(NpyType.F32, new int[0], null));
  }

  @Test
  void shapeIsCopiedInAndOut() {
    int[] shape = {2};
    NpyArray a = new NpyArray(NpyType.I32, shape, new double[2]);
    shape[0] = 7;
    assertThat(a.shape()).asList().containsExactly(2);
    a.shape()[0] = 9;
    assertThat(a.shape()).asList().containsExactly(2);
  }

  @Test
  void equalityComparesContents() {
    NpyArray a = new NpyArray(NpyType.F32, new int[] {2}, new double[] {1, 2});
    NpyArray b = new NpyArray(NpyType.F32, new int[] {2}, new double[] {1, 2});
    assertThat(a).isEqualTo(b);
    assertThat(a.hashCode()).isEqualTo(b.hashCode());
    assertThat(a).isNotEqualTo(new NpyArray(NpyType.F64, new int[] {2}, new double[] {1, 2}));
    assertThat(a).isNotEqualTo(new NpyArray(NpyType.F32, new int[] {1, 2}, new double[] {1, 2}));
    assertThat(a).isNotEqualTo(new NpyArray(NpyType.F32, new int[] {2}, new double[] {1, 3}));
  }

  @Test
  void toStringShowsContentsAndTruncates() {
    NpyArray a = new NpyArray(NpyType.I8, new int[] {2}, new double[] {1, -2});
    assertThat(a.toString()).isEqualTo("NpyArray[type=I8, shape=[2], values=[1.0, -2.0]]");
    NpyArray big = new NpyArray(NpyType.F32, new int[] {100}, new double[100]);
    assertThat(big.toString()).endsWith(", 0.0, ... (100 total)]]");
  }

  @Test
  void descrs() {
    assertThat(NpyType.F32.descr()).isEqualTo("<f4");
    assertThat(NpyType.F64.descr()).isEqualTo("<f8");
    assertThat(NpyType.F16.descr()).isEqualTo("<f2");
    assertThat(NpyType.I8.descr()).isEqualTo("|i1");
    assertThat(NpyType.U8.descr()).isEqualTo("|u1");
    assertThat(NpyType.BOOL.descr()).isEqualTo("|b1");
    assertThat(NpyType.I32.descr()).isEqualTo("<i4");
    assertThat(NpyType.I64.descr()).isEqualTo("<i8");
  }
}
