package dev.tessera.scheduler.cost;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.Test;

class CpuCostModelTest {
  @Test
  void listSchedulingIdleIsMakespanOverTheEvenShare() {
    assertThat(CpuCostModel.listScheduleIdle(new double[] {4, 2, 2, 1}, 2)).isWithin(1e-12).of(5.0 / 4.5 - 1);
    assertThat(CpuCostModel.listScheduleIdle(new double[] {1, 1, 1, 1}, 2)).isWithin(1e-12).of(0);
    assertThat(CpuCostModel.listScheduleIdle(new double[] {3}, 2)).isWithin(1e-12).of(1);
    assertThat(CpuCostModel.listScheduleIdle(new double[] {3, 3, 3}, 1)).isWithin(1e-12).of(0);
  }
}
