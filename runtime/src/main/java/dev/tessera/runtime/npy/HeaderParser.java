package dev.tessera.runtime.npy;

import dev.tessera.runtime.npy.HeaderLexer.Kind;
import dev.tessera.runtime.npy.HeaderLexer.Token;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Parses the Python dict literal of a {@code .npy} header into offset-tagged values. */
final class HeaderParser {
  static final String DICT_HINT =
      "the header must be a Python dict literal such as "
          + "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";

  /** Python's None, which is distinct from every other literal. */
  enum None { NONE }

  /**
   * A literal and the byte offset where it starts. {@code value} is a String, Boolean, BigInteger,
   * {@link None}, a List of Value (a tuple) or a Map of String to Value (a dict).
   */
  record Value(Object value, long offset) {
    String pythonType() {
      return switch (value) {
        case String s -> "str";
        case Boolean b -> "bool";
        case BigInteger i -> "int";
        case None n -> "NoneType";
        case List<?> l -> "tuple";
        default -> "dict";
      };
    }
  }

  // Bounds recursion so a hostile header cannot overflow the stack; NumPy headers nest 2 deep.
  private static final int MAX_NESTING = 64;

  private final List<Token> tokens;
  private final String source;
  private int next;
  private int depth;

  private HeaderParser(List<Token> tokens, String source) {
    this.tokens = tokens;
    this.source = source;
  }

  /** Parses {@code text} (starting at byte {@code base} of the file), which must hold one dict. */
  static Map<String, Value> parseDict(String text, String source, long base)
      throws NpyFormatException {
    HeaderParser parser = new HeaderParser(HeaderLexer.tokenize(text, source, base), source);
    Token first = parser.peek();
    if (first.kind() != Kind.LBRACE) {
      throw parser.error(first, "expected '{' to start the header dict, found " + first.describe());
    }
    Value dict = parser.value();
    parser.expect(Kind.END, "after the header dict");
    @SuppressWarnings("unchecked")
    Map<String, Value> entries = (Map<String, Value>) dict.value();
    return entries;
  }

  private Value value() throws NpyFormatException {
    Token t = take();
    return switch (t.kind()) {
      case LBRACE, LPAREN -> container(t);
      case STRING -> new Value(t.text(), t.offset());
      case INT -> new Value(new BigInteger(t.text()), t.offset());
      case NAME -> name(t);
      default -> throw error(t, "expected a value, found " + t.describe());
    };
  }

  private Value container(Token open) throws NpyFormatException {
    if (++depth > MAX_NESTING) {
      throw error(open, "values nested more than " + MAX_NESTING + " deep");
    }
    Value v = open.kind() == Kind.LBRACE ? dict(open) : tuple(open);
    depth--;
    return v;
  }

  private Value dict(Token open) throws NpyFormatException {
    Map<String, Value> entries = new LinkedHashMap<>();
    while (peek().kind() != Kind.RBRACE) {
      Token key = take();
      if (key.kind() != Kind.STRING) {
        throw error(key, "expected a string key in the header dict, found " + key.describe());
      }
      expect(Kind.COLON, "after key '" + key.text() + "'");
      if (entries.put(key.text(), value()) != null) {
        throw error(key, "duplicate key '" + key.text() + "' in the header dict");
      }
      if (peek().kind() != Kind.RBRACE) {
        expect(Kind.COMMA, "between header dict entries");
      }
    }
    take();
    return new Value(entries, open.offset());
  }

  /** A parenthesised value is a tuple only if it is empty or contains a comma, as in Python. */
  private Value tuple(Token open) throws NpyFormatException {
    List<Value> items = new ArrayList<>();
    boolean sawComma = false;
    while (peek().kind() != Kind.RPAREN) {
      items.add(value());
      if (peek().kind() != Kind.RPAREN) {
        expect(Kind.COMMA, "between tuple items");
        sawComma = true;
      }
    }
    take();
    if (items.size() == 1 && !sawComma) {
      return items.get(0);
    }
    return new Value(List.copyOf(items), open.offset());
  }

  private Value name(Token t) throws NpyFormatException {
    return switch (t.text()) {
      case "True" -> new Value(Boolean.TRUE, t.offset());
      case "False" -> new Value(Boolean.FALSE, t.offset());
      case "None" -> new Value(None.NONE, t.offset());
      default -> throw error(
          t, "unknown name '" + t.text() + "': only True, False and None are allowed");
    };
  }

  private void expect(Kind kind, String context) throws NpyFormatException {
    Token t = take();
    if (t.kind() != kind) {
      String wanted = kind == Kind.END ? "end of header" : "'" + symbol(kind) + "'";
      throw error(t, "expected " + wanted + " " + context + ", found " + t.describe());
    }
  }

  private Token peek() {
    return tokens.get(next);
  }

  /** Consumes a token; END is never consumed, so every caller that hits it reports an error. */
  private Token take() {
    Token t = tokens.get(next);
    if (t.kind() != Kind.END) {
      next++;
    }
    return t;
  }

  private static String symbol(Kind kind) {
    return switch (kind) {
      case LBRACE -> "{";
      case RBRACE -> "}";
      case LPAREN -> "(";
      case RPAREN -> ")";
      case COLON -> ":";
      case COMMA -> ",";
      default -> kind.name();
    };
  }

  private NpyFormatException error(Token at, String problem) {
    return new NpyFormatException(
        source, "header", at.offset(), "malformed header: " + problem, DICT_HINT);
  }
}
