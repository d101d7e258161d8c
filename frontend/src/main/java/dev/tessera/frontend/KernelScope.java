package dev.tessera.frontend;

import dev.tessera.diag.Span;
import java.util.List;

/** What a statement checker may ask of the kernel it is in. */
interface KernelScope {
  Diagnostics diags();

  boolean isDim(String name);

  /** Whether a statement assigning that tensor was abandoned with an error. */
  boolean failed(String name);

  /** Whether a statement has already assigned that tensor. */
  boolean assigned(String name);

  /** The tensor of that name defined so far, or null. */
  TensorInfo tensor(String name);

  /** Every dimension and tensor name, for hints. */
  List<String> names();

  /** A fresh temporary for a hoisted reduction over the given free indices. */
  TensorInfo newTemp(Span span, List<IndexInfo> free);
}
