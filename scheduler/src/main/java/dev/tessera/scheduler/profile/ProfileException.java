package dev.tessera.scheduler.profile;

import java.util.Optional;

/**
 * A profile that cannot be used: a malformed or incomplete profile file, an unreadable profile
 * directory, or an unknown profile name. The message is positioned like a compiler's:
 * {@code h100.profile:7: field smem_per_sm_bytes: expected a positive integer, got 'abc'}.
 */
public final class ProfileException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String file;
  private final int line;
  private final String field;

  /**
   * @param file the file as the user named it, or null when no file is concerned
   * @param line 1-based line, or 0 when the problem is not on one line (a missing field)
   * @param field the field concerned, or null
   */
  public ProfileException(String file, int line, String field, String problem) {
    super(position(file, line) + (field == null ? "" : "field " + field + ": ") + problem);
    this.file = file;
    this.line = line;
    this.field = field;
  }

  private static String position(String file, int line) {
    if (file == null) return "";
    return file + (line > 0 ? ":" + line : "") + ": ";
  }

  public Optional<String> file() {
    return Optional.ofNullable(file);
  }

  /** The 1-based line, or 0 when the problem is not on one line. */
  public int line() {
    return line;
  }

  public Optional<String> field() {
    return Optional.ofNullable(field);
  }
}
