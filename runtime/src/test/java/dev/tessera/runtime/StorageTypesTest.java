package dev.tessera.runtime;

import static com.google.common.truth.Truth.assertThat;

import dev.tessera.ir.ElemType;
import org.junit.jupiter.api.Test;

/** Rounding to storage types on values whose nearest representable neighbours are known. */
class StorageTypesTest {
  private static final double ULP_BF16_AT_1 = 0x1p-7;
  private static final double ULP_F16_AT_1 = 0x1p-10;

  // ---- bf16: 8 significant bits ----

  @Test
  void bf16KeepsRepresentableValues() {
    for (double v : new double[] {0, 1, -1, 2, 0.5, 1 + ULP_BF16_AT_1, 3, 256, 0x1p-100, 0x1p100, -1.5}) {
      assertThat(StorageTypes.round(ElemType.BF16, v)).isEqualTo(v);
    }
  }

  @Test
  void bf16RoundsHalfwayToEven() {
    // 1 + 2^-8 lies halfway between 1 (even) and 1 + 2^-7 (odd): down to 1.
    assertThat(StorageTypes.round(ElemType.BF16, 1 + 0x1p-8)).isEqualTo(1.0);
    // 1 + 3·2^-8 lies halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even): up.
    assertThat(StorageTypes.round(ElemType.BF16, 1 + 3 * 0x1p-8)).isEqualTo(1 + 0x1p-6);
    assertThat(StorageTypes.round(ElemType.BF16, -(1 + 0x1p-8))).isEqualTo(-1.0);
    assertThat(StorageTypes.round(ElemType.BF16, -(1 + 3 * 0x1p-8))).isEqualTo(-(1 + 0x1p-6));
  }

  @Test
  void bf16RoundsToNearestOffTheTie() {
    assertThat(StorageTypes.round(ElemType.BF16, 1 + 0x1p-8 + 0x1p-20)).isEqualTo(1 + ULP_BF16_AT_1);
    assertThat(StorageTypes.round(ElemType.BF16, 1 + 0x1p-8 - 0x1p-20)).isEqualTo(1.0);
    assertThat(StorageTypes.round(ElemType.BF16, 1.0 / 3)).isEqualTo(0.333984375);
    assertThat(StorageTypes.round(ElemType.BF16, Math.PI)).isEqualTo(3.140625);
    // The carry ripples into the exponent.
    assertThat(StorageTypes.round(ElemType.BF16, 2 - 0x1p-9)).isEqualTo(2.0);
  }

  @Test
  void bf16KeepsTheF32Range() {
    assertThat(StorageTypes.round(ElemType.BF16, 1e38)).isWithin(1e38 * 0x1p-8).of(1e38);
    assertThat(StorageTypes.round(ElemType.BF16, 1e-37)).isWithin(1e-37 * 0x1p-8).of(1e-37);
    // Larger than the largest bf16 (just under 2^128) and past the halfway point: infinity.
    assertThat(StorageTypes.round(ElemType.BF16, Float.MAX_VALUE)).isPositiveInfinity();
    assertThat(StorageTypes.round(ElemType.BF16, Double.POSITIVE_INFINITY)).isPositiveInfinity();
    assertThat(StorageTypes.round(ElemType.BF16, Double.NEGATIVE_INFINITY)).isNegativeInfinity();
    assertThat(StorageTypes.round(ElemType.BF16, Double.NaN)).isNaN();
  }

  @Test
  void bf16OfFloatMatchesTheBitLevelDefinition() {
    // Round to nearest even on the top 16 bits, for a sweep of bit patterns.
    for (int bits = 0x3F800000; bits < 0x3F800000 + (1 << 18); bits += 7) {
      float f = Float.intBitsToFloat(bits);
      int lower = bits & 0xFFFF;
      int upper = bits & 0xFFFF0000;
      int expected = lower > 0x8000 || (lower == 0x8000 && (upper & 0x10000) != 0) ? upper + 0x10000 : upper;
      assertThat(Float.floatToRawIntBits(StorageTypes.bf16(f))).isEqualTo(expected);
    }
  }

  @Test
  void bf16KeepsSignOfZero() {
    assertThat(Float.floatToRawIntBits(StorageTypes.bf16(-0.0f))).isEqualTo(Float.floatToRawIntBits(-0.0f));
  }

  // ---- f16: 11 significant bits, max 65504 ----

  @Test
  void f16RoundsHalfwayToEven() {
    assertThat(StorageTypes.round(ElemType.F16, 1 + 0x1p-11)).isEqualTo(1.0);
    assertThat(StorageTypes.round(ElemType.F16, 1 + 3 * 0x1p-11)).isEqualTo(1 + 0x1p-9);
    assertThat(StorageTypes.round(ElemType.F16, 1 + 0x1p-11 + 0x1p-20)).isEqualTo(1 + ULP_F16_AT_1);
    assertThat(StorageTypes.round(ElemType.F16, 0.1)).isEqualTo(0.0999755859375);
  }

  @Test
  void f16OverflowsAndUnderflows() {
    assertThat(StorageTypes.round(ElemType.F16, 65504)).isEqualTo(65504.0);
    assertThat(StorageTypes.round(ElemType.F16, 65519)).isEqualTo(65504.0);
    assertThat(StorageTypes.round(ElemType.F16, 65520)).isPositiveInfinity();
    assertThat(StorageTypes.round(ElemType.F16, -1e6)).isNegativeInfinity();
    // Smallest subnormal 2^-24; half of it ties to zero (even).
    assertThat(StorageTypes.round(ElemType.F16, 0x1p-24)).isEqualTo(0x1p-24);
    assertThat(StorageTypes.round(ElemType.F16, 0x1p-25)).isEqualTo(0.0);
    assertThat(StorageTypes.round(ElemType.F16, 1e-9)).isEqualTo(0.0);
    assertThat(StorageTypes.round(ElemType.F16, Double.NaN)).isNaN();
  }

  // ---- f32 ----

  @Test
  void f32RoundsLikeAFloatCast() {
    assertThat(StorageTypes.round(ElemType.F32, 0.1)).isEqualTo((double) 0.1f);
    assertThat(StorageTypes.round(ElemType.F32, 1 + 0x1p-24)).isEqualTo(1.0);
    assertThat(StorageTypes.round(ElemType.F32, 1 + 3 * 0x1p-24)).isEqualTo(1 + 0x1p-22);
    assertThat(StorageTypes.round(ElemType.F32, 1e39)).isPositiveInfinity();
    assertThat(StorageTypes.round(ElemType.F32, 1 + 0x1p-8)).isEqualTo(1 + 0x1p-8);
  }

  @Test
  void eachFloatTypeLosesSomethingF32Keeps() {
    double v = 1 + 0x1p-9;
    assertThat(StorageTypes.round(ElemType.F32, v)).isEqualTo(v);
    assertThat(StorageTypes.round(ElemType.F16, v)).isEqualTo(v);
    assertThat(StorageTypes.round(ElemType.BF16, v)).isEqualTo(1.0);
    double w = 1 + 0x1p-12;
    assertThat(StorageTypes.round(ElemType.F16, w)).isEqualTo(1.0);
  }

  @Test
  void roundingIsIdempotent() {
    for (ElemType t : new ElemType[] {ElemType.F32, ElemType.F16, ElemType.BF16}) {
      for (double v = -3; v <= 3; v += 0.0123) {
        double once = StorageTypes.round(t, v);
        assertThat(StorageTypes.round(t, once)).isEqualTo(once);
      }
    }
  }

  // ---- integers and booleans ----

  @Test
  void boolIsZeroOrOne() {
    assertThat(StorageTypes.round(ElemType.BOOL, 0)).isEqualTo(0.0);
    assertThat(StorageTypes.round(ElemType.BOOL, 1)).isEqualTo(1.0);
    assertThat(StorageTypes.round(ElemType.BOOL, 2)).isEqualTo(1.0);
    assertThat(StorageTypes.round(ElemType.BOOL, -0.5)).isEqualTo(1.0);
    assertThat(StorageTypes.round(ElemType.BOOL, -0.0)).isEqualTo(0.0);
  }

  @Test
  void i8KeepsWholeNumbers() {
    assertThat(StorageTypes.round(ElemType.I8, -128)).isEqualTo(-128.0);
    assertThat(StorageTypes.round(ElemType.I8, 127)).isEqualTo(127.0);
  }

  @Test
  void i8RepresentsOnlyWholeNumbersInRange() {
    assertThat(StorageTypes.representable(ElemType.I8, 0)).isTrue();
    assertThat(StorageTypes.representable(ElemType.I8, -128)).isTrue();
    assertThat(StorageTypes.representable(ElemType.I8, 127)).isTrue();
    assertThat(StorageTypes.representable(ElemType.I8, 128)).isFalse();
    assertThat(StorageTypes.representable(ElemType.I8, -129)).isFalse();
    assertThat(StorageTypes.representable(ElemType.I8, 1.5)).isFalse();
    assertThat(StorageTypes.representable(ElemType.I8, Double.NaN)).isFalse();
    assertThat(StorageTypes.representable(ElemType.I8, Double.POSITIVE_INFINITY)).isFalse();
  }

  @Test
  void everythingIsRepresentableInFloatAndBoolTypes() {
    for (ElemType t : new ElemType[] {ElemType.F32, ElemType.F16, ElemType.BF16, ElemType.BOOL}) {
      assertThat(StorageTypes.representable(t, 1e30)).isTrue();
      assertThat(StorageTypes.representable(t, 0.3)).isTrue();
    }
  }
}
