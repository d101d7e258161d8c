package dev.tessera.bench;

import static com.google.common.truth.Truth.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompileSuiteTest {
  @Test
  void compilesEveryZooFileAndRecordsFirstAndWarmTimes() {
    StringWriter out = new StringWriter();
    List<BenchRecord> records = CompileSuite.run(true, new PrintWriter(out), new PrintWriter(new StringWriter()));
    assertThat(records).hasSize(2 * CompileSuite.FILES.length);
    assertThat(records.stream().allMatch(r -> r.suite().equals("compile") && r.ms() > 0)).isTrue();
    assertThat(out.toString()).contains("attention/gla");
    assertThat(out.toString()).contains("warm ms");
  }
}
