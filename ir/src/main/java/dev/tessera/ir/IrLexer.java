package dev.tessera.ir;

import dev.tessera.diag.CompileException;
import dev.tessera.diag.Diagnostic;
import dev.tessera.diag.Span;
import java.util.ArrayList;
import java.util.List;

/** Splits the IR text form into tokens with 1-based line and column positions. */
final class IrLexer {
  /** The diagnostic code of every syntax error in IR text. */
  static final String CODE = "E150";

  enum Kind { NAME, INT, FLOAT, SYM, EOF }

  /** One token; {@code text} is the source text, empty for EOF. */
  record Token(Kind kind, String text, int line, int col) {
    boolean is(String s) {
      return kind != Kind.EOF && text.equals(s);
    }

    String describe() {
      return kind == Kind.EOF ? "end of input" : "'" + text + "'";
    }
  }

  private static final List<String> LONG_SYMBOLS = List.of("==", "!=", "<=", ">=", "&&", "||", "//", "->");
  private static final String SHORT_SYMBOLS = "[](){},:.=<>+-*/%!";

  private final String text;
  private final String file;
  private int pos;
  private int line = 1;
  private int lineStart;

  private IrLexer(String text, String file) {
    this.text = text;
    this.file = file;
  }

  /** Tokenizes {@code text}; the list always ends with one EOF token. */
  static List<Token> lex(String text, String file) throws CompileException {
    return new IrLexer(text, file).run();
  }

  static CompileException error(String file, int line, int col, int len, String message, String hint) {
    return new CompileException(Diagnostic.error(CODE, new Span(file, line, col, len), message, hint));
  }

  private List<Token> run() throws CompileException {
    List<Token> out = new ArrayList<>();
    while (true) {
      skipSpace();
      if (pos == text.length()) break;
      out.add(token());
    }
    out.add(eof(out));
    return out;
  }

  /** EOF sits just after the last token so that its caret lands on a real source line. */
  private static Token eof(List<Token> tokens) {
    if (tokens.isEmpty()) return new Token(Kind.EOF, "", 1, 1);
    Token last = tokens.get(tokens.size() - 1);
    return new Token(Kind.EOF, "", last.line(), last.col() + last.text().length());
  }

  private void skipSpace() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '\n') {
        line++;
        lineStart = pos + 1;
      } else if (c != ' ' && c != '\t' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  private Token token() throws CompileException {
    char c = text.charAt(pos);
    if (isDigit(c)) return number();
    if (isNameStart(c)) return make(Kind.NAME, scan(pos, IrLexer::isNamePart));
    for (String s : LONG_SYMBOLS) if (text.startsWith(s, pos)) return make(Kind.SYM, pos + s.length());
    if (SHORT_SYMBOLS.indexOf(c) >= 0) return make(Kind.SYM, pos + 1);
    int cp = text.codePointAt(pos);
    String shown = cp < 0x20 || cp == 0x7f ? String.format("U+%04X", cp) : "'" + new String(Character.toChars(cp)) + "'";
    String hint = c == '&' || c == '|' ? "logical operators are written && and ||" : "";
    throw error(file, line, column(pos), 1, "unexpected character " + shown, hint);
  }

  private Token number() throws CompileException {
    int end = scan(pos, IrLexer::isDigit);
    boolean integral = true;
    if (end + 1 < text.length() && text.charAt(end) == '.' && isDigit(text.charAt(end + 1))) {
      end = scan(end + 1, IrLexer::isDigit);
      integral = false;
    }
    if (end < text.length() && (text.charAt(end) == 'e' || text.charAt(end) == 'E')) {
      int digits = end + 1 < text.length() && (text.charAt(end + 1) == '+' || text.charAt(end + 1) == '-') ? end + 2 : end + 1;
      if (digits < text.length() && isDigit(text.charAt(digits))) {
        end = scan(digits, IrLexer::isDigit);
        integral = false;
      }
    }
    if (end < text.length() && isNamePart(text.charAt(end))) {
      int stop = scan(end, IrLexer::isNamePart);
      throw error(file, line, column(pos), stop - pos, "malformed number '" + text.substring(pos, stop) + "'",
          "numbers are written like 3, 0.125 or 1.0E-4");
    }
    return make(integral ? Kind.INT : Kind.FLOAT, end);
  }

  private Token make(Kind kind, int end) {
    Token t = new Token(kind, text.substring(pos, end), line, column(pos));
    pos = end;
    return t;
  }

  private int scan(int from, java.util.function.IntPredicate p) {
    int i = from;
    while (i < text.length() && p.test(text.charAt(i))) i++;
    return i;
  }

  private int column(int offset) {
    return offset - lineStart + 1;
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isNameStart(int c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isNamePart(int c) {
    return isNameStart(c) || isDigit(c);
  }
}
