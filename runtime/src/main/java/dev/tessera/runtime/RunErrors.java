package dev.tessera.runtime;

/** Diagnostic codes of running a kernel: binding dimensions, reading inputs, evaluating. */
public final class RunErrors {
  private RunErrors() {}

  public static final String BAD_INPUT_FILE = "E401";
  public static final String SHAPE_MISMATCH = "E402";
  public static final String UNBOUND_DIM = "E403";
  public static final String RELATION = "E404";
  public static final String UNKNOWN_INPUT = "E405";
  public static final String OUT_OF_BOUNDS = "E406";
  public static final String UNKNOWN_KERNEL = "E407";
  public static final String BAD_DIM = "E408";
  public static final String BAD_VALUE = "E409";
  public static final String UNAVAILABLE = "E410";
  public static final String OUTPUT = "E411";
  public static final String ILLEGAL_SCHEDULE = "E412";
}
