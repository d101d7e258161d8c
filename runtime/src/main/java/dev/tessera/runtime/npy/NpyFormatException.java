package dev.tessera.runtime.npy;

/** A {@code .npy} file that cannot be read, reported like a compiler diagnostic. */
public final class NpyFormatException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final long offset;

  /**
   * @param section the part of the file being read ("header", "data", ...), or null
   * @param offset byte offset of the problem, or -1 if it has no single location
   * @param hint how to fix the file, or null
   */
  NpyFormatException(String source, String section, long offset, String problem, String hint) {
    super(format(source, section, offset, problem, hint));
    this.source = source;
    this.offset = offset;
  }

  /** The file name or other label given for the bytes being read. */
  public String source() {
    return source;
  }

  /** Byte offset at which the problem was found, or -1 if it has no single location. */
  public long offset() {
    return offset;
  }

  private static String format(
      String source, String section, long offset, String problem, String hint) {
    StringBuilder sb = new StringBuilder(source).append(": ");
    if (offset >= 0) {
      sb.append(section == null ? "" : section + " at ").append("byte ").append(offset);
      sb.append(": ");
    } else if (section != null) {
      sb.append(section).append(": ");
    }
    sb.append(problem);
    if (hint != null) {
      sb.append(" (").append(hint).append(')');
    }
    return sb.toString();
  }
}
