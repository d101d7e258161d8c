package dev.tessera.passes;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.tessera.frontend.Frontend;
import dev.tessera.ir.Module;
import dev.tessera.ir.NormalizerDef;
import org.junit.jupiter.api.Test;

class OnlineAnalysisTest {
  private static final String KERNEL = """
      kernel k(S: f32[M, N]) -> (P: f32[M, N]) {
        P[m, n] = %s[n](S[m, n])
      }
      """;

  private static OnlineAnalysis.Result analyse(String normalizers, String name) {
    Module m = Sources.compile(normalizers + KERNEL.formatted(name));
    NormalizerDef def = m.normalizer(name).orElseThrow();
    return OnlineAnalysis.analyse(def);
  }

  /** The table analyse() answers the library's normalizers from, against the trials it skips. */
  @Test
  void precomputedStandardLibraryVerdictsAreCurrent() {
    assertWithMessage("the standard library changed: set OnlineAnalysis.STDLIB_FINGERPRINT to %s and check STDLIB_VERDICTS",
        Frontend.stdlibFingerprint()).that(OnlineAnalysis.STDLIB_FINGERPRINT).isEqualTo(Frontend.stdlibFingerprint());
    java.util.List<String> names = new java.util.ArrayList<>();
    for (NormalizerDef d : Frontend.stdlibNormalizers()) {
      names.add(d.name());
      assertWithMessage("STDLIB_VERDICTS for %s", d.name()).that(OnlineAnalysis.STDLIB_VERDICTS.get(d.name())).isEqualTo(OnlineAnalysis.compute(d));
      assertThat(OnlineAnalysis.analyse(d)).isEqualTo(OnlineAnalysis.compute(d));
    }
    assertThat(OnlineAnalysis.STDLIB_VERDICTS.keySet()).containsExactlyElementsIn(names);
  }

  @Test
  void standardSoftmaxRunsOnlineAndCombines() {
    OnlineAnalysis.Result r = analyse("", "softmax");
    assertThat(r.passes()).isEqualTo(1);
    assertThat(r.combinable()).isTrue();
  }

  @Test
  void retnetNormRunsOnline() {
    assertThat(analyse("", "retnorm").passes()).isEqualTo(1);
    assertThat(analyse("", "retnorm").combinable()).isTrue();
  }

  @Test
  void statelessNormalizerIsOnePass() {
    assertThat(analyse("", "identity").passes()).isEqualTo(1);
  }

  @Test
  void softmaxWithoutRescaleNeedsTwoPasses() {
    String src = """
        normalizer lazy {
          state m = -inf
          state l = 0
          step {
            let mx = max(m, rowmax(x))
            p = exp(x - mx)
            l = l * exp(m - mx) + rowsum(p)
            m = mx
          }
          finish = 1 / l
        }
        """;
    OnlineAnalysis.Result r = analyse(src, "lazy");
    assertThat(r.passes()).isEqualTo(2);
    assertThat(r.combinable()).isFalse();
  }

  @Test
  void stateThatDependsOnTheSplitNeedsTheWholeRow() {
    String src = """
        normalizer decaying {
          state c = 0
          step {
            p = x
            c = 0.5 * c + rowsum(x)
          }
          finish = 1 / max(abs(c), 1)
        }
        """;
    assertThat(analyse(src, "decaying").passes()).isEqualTo(3);
  }

  @Test
  void wrongCombineIsNotCombinable() {
    String src = """
        normalizer badcombine {
          state m = -inf
          state l = 0
          step {
            let mx = max(m, rowmax(x))
            rescale = exp(m - mx)
            p = exp(x - mx)
            l = l * rescale + rowsum(p)
            m = mx
          }
          finish = 1 / l
          combine {
            wa = 1
            wb = 1
            l = a.l + b.l
            m = max(a.m, b.m)
          }
        }
        """;
    OnlineAnalysis.Result r = analyse(src, "badcombine");
    assertThat(r.passes()).isEqualTo(1);
    assertThat(r.combinable()).isFalse();
  }
}
