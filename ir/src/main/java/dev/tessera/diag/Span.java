package dev.tessera.diag;

/** A position in a source file: 1-based line and column, and the length of the marked text. */
public record Span(String file, int line, int column, int length) {
  public static final Span NONE = new Span("<unknown>", 0, 0, 0);

  public Span {
    if (file == null) throw new IllegalArgumentException("file");
    length = Math.max(length, 1);
  }

  public boolean known() {
    return line > 0;
  }

  @Override
  public String toString() {
    return known() ? file + ":" + line + ":" + column : file;
  }
}
