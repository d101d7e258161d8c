package dev.tessera.diag;

import static com.google.common.truth.Truth.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How a diagnostic is rendered: position, code and message, the source line, a caret, the hint. */
class DiagnosticPrinterTest {
  private static final String FILE = "gemm.attn";
  private static final String SOURCE = """
      kernel gemm(A: f32[M, K], B: f32[K, N]) -> (C: f32[M, N]) {
        C[m, n] = sum[k] A[m, k] * Bt[k, n]
      }
      """;

  private Sources sources;
  private DiagnosticPrinter printer;

  @BeforeEach
  void setUp() {
    sources = new Sources();
    sources.add(FILE, SOURCE);
    printer = new DiagnosticPrinter(sources);
  }

  @Test
  void rendersPositionSourceLineCaretAndHint() {
    Diagnostic d = Diagnostic.error("E204", new Span(FILE, 2, 30, 2), "unknown tensor 'Bt'", "did you mean 'B'?");
    assertThat(printer.render(d)).isEqualTo("""
        gemm.attn:2:30: error[E204]: unknown tensor 'Bt'
          |
        2 |   C[m, n] = sum[k] A[m, k] * Bt[k, n]
          |                              ^~
          = hint: did you mean 'B'?
        """);
  }

  @Test
  void tildesCoverTheLengthAfterTheCaret() {
    Diagnostic d = Diagnostic.error("E205", new Span(FILE, 2, 20, 7), "'A' needs 2 subscripts");
    String caretLine = printer.render(d).lines().toList().get(3);
    assertThat(caretLine).isEqualTo("  | " + " ".repeat(19) + "^" + "~".repeat(6));
  }

  @Test
  void noHintLineWithoutAHint() {
    Diagnostic d = Diagnostic.error("E213", new Span(FILE, 2, 3, 1), "'C' is assigned twice");
    String out = printer.render(d);
    assertThat(out).doesNotContain("hint");
    assertThat(out).endsWith("  |   ^\n");
  }

  @Test
  void warningsSayWarning() {
    Diagnostic d = new Diagnostic(Diagnostic.Severity.WARNING, "W001", new Span(FILE, 1, 8, 4), "unused kernel", "");
    assertThat(printer.render(d)).startsWith("gemm.attn:1:8: warning[W001]: unused kernel\n");
  }

  @Test
  void tabsInTheSourceLineKeepTheCaretAligned() {
    sources.add("tabs.attn", "kernel k(X: f32[T]) -> (Y: f32[T]) {\n\tY[t] = X[t] + foo\n}\n");
    Diagnostic d = Diagnostic.error("E204", new Span("tabs.attn", 2, 16, 3), "unknown name 'foo'");
    assertThat(printer.render(d)).isEqualTo(
        "tabs.attn:2:16: error[E204]: unknown name 'foo'\n"
            + "  |\n"
            + "2 | \tY[t] = X[t] + foo\n"
            + "  | \t              ^~~\n");
  }

  @Test
  void caretIsClampedToTheEndOfTheLine() {
    Diagnostic d = Diagnostic.error("E101", new Span(FILE, 3, 1, 40), "syntax error: extraneous input '}'");
    assertThat(printer.render(d)).endsWith("3 | }\n  | ^\n");
  }

  @Test
  void gutterWidensForLongLineNumbers() {
    sources.add("long.attn", "\n".repeat(11) + "  O = foo\n");
    Diagnostic d = Diagnostic.error("E204", new Span("long.attn", 12, 7, 3), "unknown name 'foo'");
    assertThat(printer.render(d)).isEqualTo("""
        long.attn:12:7: error[E204]: unknown name 'foo'
           |
        12 |   O = foo
           |       ^~~
        """);
  }

  @Test
  void windowsLineEndingsAreNotPrinted() {
    sources.add("crlf.attn", "kernel k(X: f32[T]) -> (Y: f32[T]) {\r\n  Y[t] = foo\r\n}\r\n");
    Diagnostic d = Diagnostic.error("E204", new Span("crlf.attn", 2, 10, 3), "unknown name 'foo'");
    assertThat(printer.render(d)).contains("2 |   Y[t] = foo\n  |          ^~~\n");
    assertThat(printer.render(d)).doesNotContain("\r");
  }

  @Test
  void withoutAPositionOnlyTheHeadlineAndHint() {
    Diagnostic d = Diagnostic.error("E100", new Span("missing.attn", 0, 0, 0), "no such file", "check the path");
    assertThat(printer.render(d)).isEqualTo("missing.attn: error[E100]: no such file\n  = hint: check the path\n");
  }

  @Test
  void unknownFileGivesNoSourceLine() {
    Diagnostic d = Diagnostic.error("E204", new Span("elsewhere.attn", 2, 3, 1), "unknown name 'x'");
    assertThat(printer.render(d)).isEqualTo("elsewhere.attn:2:3: error[E204]: unknown name 'x'\n");
  }

  @Test
  void lineBeyondTheFileGivesNoSourceLine() {
    Diagnostic d = Diagnostic.error("E101", new Span(FILE, 40, 1, 1), "syntax error");
    assertThat(printer.render(d)).isEqualTo("gemm.attn:40:1: error[E101]: syntax error\n");
  }
}
