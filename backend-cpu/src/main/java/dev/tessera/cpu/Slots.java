package dev.tessera.cpu;

import dev.tessera.ir.Kernel;
import dev.tessera.ir.TensorDecl;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Numbers a kernel's tensors and dimensions, the order in which generated code finds them. */
final class Slots {
  private final Map<String, Integer> tensors = new LinkedHashMap<>();
  private final Map<String, Integer> dims = new LinkedHashMap<>();
  private final List<String> names = new ArrayList<>();

  Slots(Kernel k) {
    for (TensorDecl t : k.tensors()) add(t.name());
    for (String d : k.dims()) dims.put(d, dims.size());
  }

  /** Adds a tensor slot (scan states get a second buffer for the next step's values). */
  int add(String name) {
    return tensors.computeIfAbsent(name, n -> {
      names.add(n);
      return names.size() - 1;
    });
  }

  int tensor(String name) {
    Integer s = tensors.get(name);
    if (s == null) throw new IllegalStateException("no slot for tensor " + name);
    return s;
  }

  int dim(String name) {
    Integer s = dims.get(name);
    if (s == null) throw new IllegalStateException("no slot for dimension " + name);
    return s;
  }

  int tensorCount() {
    return names.size();
  }

  List<String> tensorNames() {
    return List.copyOf(names);
  }

  List<String> dimNames() {
    return List.copyOf(dims.keySet());
  }

  static String next(String state) {
    return state + "'next";
  }
}
