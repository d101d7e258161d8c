package dev.tessera.testsuite.cpu;

import static com.google.common.truth.Truth.assertWithMessage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Fused attention never materialises the M×N scores: 32768² causal attention in a 256 MiB heap. */
class LongSequenceMemoryTest {
  @Test
  void runsUnderA256MiBHeap() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "-Xmx256m", "--add-modules", "jdk.incubator.vector",
        "-cp", System.getProperty("java.class.path"), LongSequenceProbe.class.getName(), "32768")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean done = p.waitFor(300, TimeUnit.SECONDS);
    assertWithMessage(out).that(done).isTrue();
    assertWithMessage(out).that(p.exitValue()).isEqualTo(0);
    assertWithMessage(out).that(out).contains("ok ");
  }
}
