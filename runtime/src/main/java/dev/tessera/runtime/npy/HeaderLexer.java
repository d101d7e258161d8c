package dev.tessera.runtime.npy;

import java.util.ArrayList;
import java.util.List;

/** Splits the Python dict literal of a {@code .npy} header into tokens. */
final class HeaderLexer {
  enum Kind { LBRACE, RBRACE, LPAREN, RPAREN, COLON, COMMA, STRING, INT, NAME, END }

  /**
   * One token. For STRING, {@code text} is the decoded string; for INT, the digits with any sign;
   * otherwise the source text. {@code offset} is the byte offset in the file.
   */
  record Token(Kind kind, String text, long offset) {
    String describe() {
      return switch (kind) {
        case END -> "end of header";
        case STRING -> "string '" + text + "'";
        default -> "'" + text + "'";
      };
    }
  }

  private final String text;
  private final String source;
  private final long base;
  private int pos;

  private HeaderLexer(String text, String source, long base) {
    this.text = text;
    this.source = source;
    this.base = base;
  }

  /**
   * Tokenizes {@code text}, whose first character sits at byte {@code base} of the file.
   * Python whitespace (including the '\n' that ends every header) is skipped.
   */
  static List<Token> tokenize(String text, String source, long base) throws NpyFormatException {
    HeaderLexer lexer = new HeaderLexer(text, source, base);
    List<Token> tokens = new ArrayList<>();
    Token t;
    do {
      t = lexer.next();
      tokens.add(t);
    } while (t.kind() != Kind.END);
    return tokens;
  }

  private Token next() throws NpyFormatException {
    while (pos < text.length() && isSpace(text.charAt(pos))) {
      pos++;
    }
    if (pos == text.length()) {
      return new Token(Kind.END, "", base + pos);
    }
    int start = pos;
    char c = text.charAt(pos);
    Kind single = punctuation(c);
    if (single != null) {
      pos++;
      return new Token(single, String.valueOf(c), base + start);
    }
    if (c == '\'' || c == '"') {
      return string(c);
    }
    if (c == '-' || c == '+' || isDigit(c)) {
      return integer();
    }
    if (isNameChar(c) && !isDigit(c)) {
      while (pos < text.length() && isNameChar(text.charAt(pos))) {
        pos++;
      }
      return new Token(Kind.NAME, text.substring(start, pos), base + start);
    }
    throw error(start, "unexpected character " + printable(c));
  }

  private Token string(char quote) throws NpyFormatException {
    int start = pos++;
    StringBuilder sb = new StringBuilder();
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == quote) {
        return new Token(Kind.STRING, sb.toString(), base + start);
      }
      if (c == '\n') {
        break;
      }
      if (c == '\\' && pos < text.length()) {
        c = unescape(text.charAt(pos++));
      }
      sb.append(c);
    }
    throw error(start, "unterminated string literal");
  }

  private Token integer() throws NpyFormatException {
    int start = pos;
    if (text.charAt(pos) == '-' || text.charAt(pos) == '+') {
      pos++;
      while (pos < text.length() && isSpace(text.charAt(pos))) {
        pos++;
      }
    }
    int digitsStart = pos;
    while (pos < text.length() && isDigit(text.charAt(pos))) {
      pos++;
    }
    if (pos == digitsStart) {
      throw error(start, "expected digits after sign");
    }
    String digits = text.charAt(start) == '-' ? "-" + text.substring(digitsStart, pos)
        : text.substring(digitsStart, pos);
    // Python 2 era NumPy wrote long dimensions with an 'L' suffix, e.g. (3L, 4L).
    if (pos < text.length() && (text.charAt(pos) == 'L' || text.charAt(pos) == 'l')) {
      pos++;
    }
    if (pos < text.length() && isNameChar(text.charAt(pos))) {
      throw error(start, "malformed integer literal");
    }
    return new Token(Kind.INT, digits, base + start);
  }

  private NpyFormatException error(int at, String problem) {
    return new NpyFormatException(
        source, "header", base + at, "malformed header: " + problem, HeaderParser.DICT_HINT);
  }

  private static Kind punctuation(char c) {
    return switch (c) {
      case '{' -> Kind.LBRACE;
      case '}' -> Kind.RBRACE;
      case '(' -> Kind.LPAREN;
      case ')' -> Kind.RPAREN;
      case ':' -> Kind.COLON;
      case ',' -> Kind.COMMA;
      default -> null;
    };
  }

  private static char unescape(char c) {
    return switch (c) {
      case 'n' -> '\n';
      case 't' -> '\t';
      case 'r' -> '\r';
      case '0' -> '\0';
      default -> c;
    };
  }

  private static String printable(char c) {
    return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("0x%02x", (int) c);
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** ASCII only: the header is decoded one char per byte, so other letters are stray bytes. */
  private static boolean isNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c) || c == '_';
  }
}
