package dev.tessera.ir;

import dev.tessera.diag.Span;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where IR names came from in the source, kept beside the IR (not in it) so that IR equality stays
 * structural while run-time errors can still point at the declaration they concern.
 */
public final class SourceMap {
  private final Map<String, Span> spans = new LinkedHashMap<>();

  public void tensor(String kernel, String tensor, Span span) {
    spans.putIfAbsent(kernel + "/t/" + tensor, span);
  }

  public void dim(String kernel, String dim, Span span) {
    spans.putIfAbsent(kernel + "/d/" + dim, span);
  }

  public void kernel(String kernel, Span span) {
    spans.putIfAbsent(kernel + "/k", span);
  }

  public Span tensor(String kernel, String tensor) {
    return spans.getOrDefault(kernel + "/t/" + tensor, Span.NONE);
  }

  public Span dim(String kernel, String dim) {
    return spans.getOrDefault(kernel + "/d/" + dim, Span.NONE);
  }

  public Span kernel(String kernel) {
    return spans.getOrDefault(kernel + "/k", Span.NONE);
  }
}
