package dev.tessera.ir;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tessera.diag.CompileException;
import dev.tessera.diag.Diagnostic;
import dev.tessera.diag.Span;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class IrParserErrorTest {
  private static Diagnostic error(String text) {
    CompileException e = assertThrows(CompileException.class, () -> IrParser.parse(text, "bad.ir"));
    assertThat(e.diagnostics()).hasSize(1);
    Diagnostic d = e.diagnostics().get(0);
    assertThat(d.code()).isEqualTo("E150");
    assertThat(d.isError()).isTrue();
    return d;
  }

  private static void assertErrorAt(String text, int line, int col, int len, String messagePart) {
    Diagnostic d = error(text);
    assertThat(d.span()).isEqualTo(new Span("bad.ir", line, col, len));
    assertThat(d.message()).contains(messagePart);
  }

  @Test
  void unknownKeyword() {
    assertErrorAt("kernel k {\n  in x: f32[N]\n  bogus y\n}\n", 3, 3, 5, "unknown keyword 'bogus'");
    assertErrorAt("kernel k {\n}\nkernal j {\n}\n", 3, 1, 6, "expected 'kernel' or 'normalizer', found 'kernal'");
  }

  @Test
  void missingCloseBracket() {
    assertErrorAt("kernel k {\n  y[i:N] = x[i, 0 + 1\n}\n", 3, 1, 1, "expected ']' to close '[' at 2:13, found '}'");
    assertErrorAt("kernel k {\n  y[i:N = x[i]\n}\n", 2, 9, 1, "expected ']' to close '[' at 2:4, found '='");
    assertErrorAt("kernel k {\n  in x: f32[N, M\n}\n", 3, 1, 1, "expected ']'");
  }

  @Test
  void unterminatedBlock() {
    assertErrorAt("kernel k {\n  in x: f32[N]\n  y[i:N] = x[i]\n", 3, 16, 1, "'{' at 1:10 is never closed");
    assertErrorAt("kernel k {\n  scan t:T {\n    y[t:T] = 1\n  }\n", 4, 4, 1, "'{' at 1:10 is never closed");
    assertErrorAt("normalizer n {\n  step {\n    p = x\n", 3, 10, 1, "'{' at 2:8 is never closed");
  }

  @Test
  void badElementType() {
    assertErrorAt("kernel k {\n  in x: f64[N]\n}\n", 2, 9, 3, "unknown element type 'f64'");
    assertThat(error("kernel k {\n  in x: f64[N]\n}\n").hint()).contains("bf16");
  }

  @Test
  void garbageCharacters() {
    assertErrorAt("kernel k {\n  y[i:N] = x[i] @ 2\n}\n", 2, 17, 1, "unexpected character '@'");
    assertErrorAt("kernel k {\n\ty[i:N] = x[i] $\n}\n", 2, 16, 1, "unexpected character '$'");
    assertErrorAt("kernel k {\n  y[i:N] = a & b\n}\n", 2, 14, 1, "unexpected character '&'");
    assertErrorAt("kernel k {\n  y[i:N] = 2x\n}\n", 2, 12, 2, "malformed number '2x'");
    assertErrorAt("kernel k {\n  y[i:N] = \u00e9\n}\n", 2, 12, 1, "unexpected character '\u00e9'");
    assertErrorAt("kernel k {\u0000}", 1, 11, 1, "U+0000");
  }

  @Test
  void badValuesAreSyntaxErrors() {
    assertErrorAt("kernel k {\n  y[i:N] = foo(1)\n}", 2, 12, 3, "unknown function 'foo'");
    assertErrorAt("kernel k {\n  y[i:N] = select(1, 2)\n}", 2, 12, 6, "select takes 3 arguments, not 2");
    assertErrorAt("kernel k {\n  y[i:N] = softmax[j](x[i])\n}", 2, 20, 1, "axis 'j' is not an index of y");
    assertErrorAt("kernel k {\n  attention passes=4 {\n}", 2, 20, 1, "passes must be between 0 and 3");
    assertErrorAt("kernel k {\n  in x: f32[N] range(1.0, -1.0)\n}", 2, 22, 3, "empty range");
    assertErrorAt("kernel k {\n  default N = 99999999999999999999\n}", 2, 15, 20, "out of range");
    assertErrorAt("kernel k {\n  recurrent linear(1) {\n}", 2, 13, 6, "unknown decay kind 'linear'");
    assertErrorAt("kernel k {\n  attention {\n    score s[i:N] = x[i]\n", 3, 20, 1, "expected a reduction");
    assertErrorAt("kernel k {\n  y[i:N] = (1 + 2\n}", 3, 1, 1, "expected ')' to close '(' at 2:12");
    assertErrorAt("kernel k {\n  y[i:N] = 1 +\n}", 3, 1, 1, "expected an expression, found '}'");
  }

  @Test
  void parseKernelRejectsTrailingAndMissingInput() {
    CompileException e = assertThrows(CompileException.class, () -> IrParser.parseKernel("kernel k {\n}\nkernel j {\n}\n", "f"));
    assertThat(e.diagnostics().get(0).span()).isEqualTo(new Span("f", 3, 1, 6));
    e = assertThrows(CompileException.class, () -> IrParser.parseKernel("", "f"));
    assertThat(e.diagnostics().get(0).span()).isEqualTo(new Span("f", 1, 1, 1));
    assertThat(e.diagnostics().get(0).code()).isEqualTo("E150");
  }

  @Test
  void deepNestingIsAnErrorNotAStackOverflow() {
    String deep = "kernel k {\n  y[i:N] = " + "(".repeat(100_000) + "1" + ")".repeat(100_000) + "\n}";
    assertThat(error(deep).message()).contains("nested more than");
    assertThat(error("kernel k {\n  y[i:N] = " + "-".repeat(100_000) + "1\n}").message()).contains("nested more than");
  }

  /** Every truncation and random corruption of valid text is either valid or an E150, never another exception. */
  @Test
  void corruptedTextOnlyEverFailsWithE150() {
    Module m = new Module(List.of(IrFixtures.softmax()), List.of(IrParserTest.attentionKernel(1),
        IrParserTest.scanKernel(), IrParserTest.recurrentKernel(Op.DecayKind.PER_CHANNEL, IrFixtures.ix("d")),
        IrParserTest.plainOpsKernel()));
    String text = IrPrinter.print(m);
    for (int n = 0; n < text.length(); n++) parsesOrFailsCleanly(text.substring(0, n));
    Random r = new Random(7);
    String alphabet = "[](){},:.=<>+-*/%!&|@ \n0123456789eE_xinfa";
    for (int n = 0; n < 3000; n++) {
      StringBuilder sb = new StringBuilder(text);
      for (int edits = 1 + r.nextInt(3); edits > 0; edits--) {
        int at = r.nextInt(sb.length());
        switch (r.nextInt(3)) {
          case 0 -> sb.deleteCharAt(at);
          case 1 -> sb.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
          default -> sb.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
        }
      }
      parsesOrFailsCleanly(sb.toString());
    }
  }

  private static void parsesOrFailsCleanly(String text) {
    try {
      IrParser.parse(text, "fuzz.ir");
    } catch (CompileException e) {
      assertThat(e.diagnostics()).hasSize(1);
      assertThat(e.diagnostics().get(0).code()).isEqualTo("E150");
      assertThat(e.diagnostics().get(0).span().line()).isAtLeast(1);
    } catch (RuntimeException e) {
      throw new AssertionError("unexpected " + e + " for:\n" + text, e);
    }
  }
}
