package dev.tessera.frontend;

/** Diagnostic codes of the front end. Each has an error test in the test suite. */
final class Codes {
  private Codes() {}

  static final String SYNTAX = "E101";
  static final String BAD_CHARACTER = "E102";
  static final String UNKNOWN_TYPE = "E201";
  static final String DUPLICATE = "E202";
  static final String UNKNOWN_DIM = "E203";
  static final String UNKNOWN_NAME = "E204";
  static final String INDEX_COUNT = "E205";
  static final String NON_INTEGER_INDEX = "E206";
  static final String UNKNOWN_FUNCTION = "E207";
  static final String ARITY = "E208";
  static final String TYPE_MISMATCH = "E209";
  static final String EXTENT_UNKNOWN = "E210";
  static final String EXTENT_MISMATCH = "E211";
  static final String ASSIGN_INPUT = "E212";
  static final String ASSIGNED_TWICE = "E213";
  static final String OUTPUT_UNASSIGNED = "E214";
  static final String INDEX_CLASH = "E215";
  static final String BAD_DECLARATION = "E216";
  static final String MISPLACED = "E217";
  static final String BAD_SCAN = "E218";
  static final String UNKNOWN_NORMALIZER = "E301";
  static final String BAD_AXIS = "E302";
  static final String NO_P = "E303";
  static final String BAD_NORM_TARGET = "E304";
  static final String NON_CONSTANT_INIT = "E305";
  static final String VECTOR_AS_SCALAR = "E306";
}
