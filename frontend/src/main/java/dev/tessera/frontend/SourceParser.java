package dev.tessera.frontend;

import dev.tessera.diag.CompileException;
import dev.tessera.diag.Diagnostic;
import dev.tessera.diag.Span;
import dev.tessera.frontend.ast.Ast;
import dev.tessera.frontend.grammar.TesseraLexer;
import dev.tessera.frontend.grammar.TesseraParser;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;

/** Parses DSL text into an {@link Ast.File}; syntax errors become E101/E102 diagnostics. */
final class SourceParser {
  private SourceParser() {}

  static Ast.File parse(String file, String text) throws CompileException {
    List<Diagnostic> errors = new ArrayList<>();
    TesseraLexer lexer = new TesseraLexer(CharStreams.fromString(text, file));
    lexer.removeErrorListeners();
    CommonTokenStream tokens = new CommonTokenStream(lexer);
    TesseraParser parser = new TesseraParser(tokens);
    parser.removeErrorListeners();
    parser.addErrorListener(new BaseErrorListener() {
      @Override
      public void syntaxError(Recognizer<?, ?> r, Object symbol, int line, int col, String msg, RecognitionException e) {
        Token t = (Token) symbol;
        if (t.getType() == TesseraLexer.ERRCHAR) {
          errors.add(Diagnostic.error(Codes.BAD_CHARACTER, new Span(file, line, col + 1, 1),
              "unexpected character '" + t.getText() + "'", "comments start with '#'"));
        } else {
          int len = t.getType() == Token.EOF ? 1 : Math.max(1, t.getText().length());
          errors.add(Diagnostic.error(Codes.SYNTAX, new Span(file, line, col + 1, len), friendly(msg)));
        }
      }
    });
    TesseraParser.FileContext tree = parser.file();
    if (!errors.isEmpty()) throw new CompileException(errors.subList(0, 1));
    return new AstBuilder(file).file(tree);
  }

  /** ANTLR's messages name grammar tokens; keep them but say '<end of file>' plainly. */
  private static String friendly(String msg) {
    return "syntax error: " + msg.replace("<EOF>", "<end of file>").replace("'\\n'", "end of line");
  }
}
