package dev.tessera.testsuite.cpu;

import static com.google.common.truth.Truth.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The same source gives byte-identical generated classes, in this JVM and in another. */
class BytecodeDeterminismTest {
  @Test
  void identicalAcrossRunsAndJvms() throws Exception {
    String here = BytecodeDump.dump();
    assertThat(BytecodeDump.dump()).isEqualTo(here);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
        BytecodeDump.class.getName()).redirectErrorStream(true).start();
    String there = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)^WARNING: .*\\R", "");
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(there).isEqualTo(here);
    assertThat(here.lines().count()).isEqualTo(18);
  }
}
