package dev.tessera.ir;

/** A tiny text writer that owns indentation, so emitters never concatenate indentation by hand. */
public final class CodeWriter {
  private final StringBuilder out = new StringBuilder();
  private final String unit;
  private int depth;

  public CodeWriter(String indentUnit) {
    this.unit = indentUnit;
  }

  public CodeWriter() {
    this("  ");
  }

  /** Writes one indented line. */
  public CodeWriter line(String text) {
    if (!text.isEmpty()) out.append(unit.repeat(depth)).append(text);
    out.append('\n');
    return this;
  }

  /** Writes {@code header}, then indents until the matching {@link #close}. */
  public CodeWriter open(String header) {
    line(header);
    depth++;
    return this;
  }

  public CodeWriter close(String footer) {
    if (depth == 0) throw new IllegalStateException("unbalanced close");
    depth--;
    return line(footer);
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
