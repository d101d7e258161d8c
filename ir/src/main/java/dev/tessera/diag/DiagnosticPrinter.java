package dev.tessera.diag;

/** Renders diagnostics the way a good compiler prints them: position, message, source line, caret, hint. */
public final class DiagnosticPrinter {
  private final Sources sources;

  public DiagnosticPrinter(Sources sources) {
    this.sources = sources;
  }

  public String render(Diagnostic d) {
    StringBuilder sb = new StringBuilder();
    String level = d.isError() ? "error" : "warning";
    sb.append(d.span()).append(": ").append(level).append('[').append(d.code()).append("]: ")
        .append(d.message()).append('\n');
    String src = d.span().known() ? sources.line(d.span().file(), d.span().line()) : null;
    if (src != null) {
      String gutter = String.valueOf(d.span().line());
      String pad = " ".repeat(gutter.length());
      sb.append(pad).append(" |\n");
      sb.append(gutter).append(" | ").append(src).append('\n');
      int col = Math.max(1, d.span().column());
      int len = Math.max(1, Math.min(d.span().length(), Math.max(1, src.length() - col + 1)));
      sb.append(pad).append(" | ").append(leadingWhitespace(src, col - 1)).append('^')
          .append("~".repeat(len - 1)).append('\n');
    }
    if (!d.hint().isEmpty()) sb.append("  = hint: ").append(d.hint()).append('\n');
    return sb.toString();
  }

  /** Keeps tabs so the caret lines up under tab-indented source. */
  private static String leadingWhitespace(String src, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) sb.append(i < src.length() && src.charAt(i) == '\t' ? '\t' : ' ');
    return sb.toString();
  }
}
