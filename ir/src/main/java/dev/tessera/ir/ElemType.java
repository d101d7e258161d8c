package dev.tessera.ir;

import java.util.Optional;

/** Storage element types of tensors. Arithmetic is always done in f32 or wider. */
public enum ElemType {
  F32("f32", true), F16("f16", true), BF16("bf16", true), I8("i8", false), BOOL("bool", false);

  private final String text;
  private final boolean floating;

  ElemType(String text, boolean floating) {
    this.text = text;
    this.floating = floating;
  }

  public String text() {
    return text;
  }

  public boolean isFloat() {
    return floating;
  }

  public static Optional<ElemType> parse(String s) {
    for (ElemType t : values()) if (t.text.equals(s)) return Optional.of(t);
    return Optional.empty();
  }
}
