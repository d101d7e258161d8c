package dev.tessera.runtime.npy;

/** Element types that Tessera can read from and write to {@code .npy} files. */
public enum NpyType {
  F32("<f4", 4),
  F64("<f8", 8),
  F16("<f2", 2),
  I8("|i1", 1),
  U8("|u1", 1),
  BOOL("|b1", 1),
  I32("<i4", 4),
  I64("<i8", 8);

  private final String descr;
  private final int itemSize;

  NpyType(String descr, int itemSize) {
    this.descr = descr;
    this.itemSize = itemSize;
  }

  /** The little-endian NumPy dtype string used when writing, e.g. {@code "<f4"}. */
  public String descr() {
    return descr;
  }

  int itemSize() {
    return itemSize;
  }

  /** The big-endian spelling of a multi-byte type, or null for single-byte types. */
  String bigEndianDescr() {
    return itemSize == 1 ? null : ">" + descr.substring(1);
  }
}
