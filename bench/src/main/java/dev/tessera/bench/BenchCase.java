package dev.tessera.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** One benchmark case: a zoo file under examples/attention/, the dimensions it runs at, and what it computes. */
record BenchCase(String name, String file, Map<String, Long> dims, Workload workload) {
  BenchCase {
    dims = Collections.unmodifiableMap(new LinkedHashMap<>(dims));
  }

  /** An attention case; Hk is bound only for grouped-query problems (the other files have no such dimension). */
  static BenchCase attention(String name, String file, Problem p) {
    Map<String, Long> dims = new LinkedHashMap<>();
    dims.put("B", (long) p.b());
    dims.put("H", (long) p.h());
    if (p.hk() != p.h()) dims.put("Hk", (long) p.hk());
    dims.put("M", (long) p.m());
    dims.put("N", (long) p.n());
    dims.put("D", (long) p.d());
    dims.put("E", (long) p.e());
    return new BenchCase(name, file, dims, p);
  }

  static BenchCase recurrence(String name, String file, RecurrentProblem r) {
    Map<String, Long> dims = new LinkedHashMap<>();
    dims.put("B", (long) r.b());
    dims.put("H", (long) r.h());
    dims.put("T", (long) r.t());
    dims.put("D", (long) r.d());
    dims.put("E", (long) r.e());
    return new BenchCase(name, file, dims, r);
  }

  /** ONNX Runtime runs the softmax-attention cases. */
  boolean onnx() {
    return workload instanceof Problem p && p.onnxSupported();
  }
}
