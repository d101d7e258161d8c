package dev.tessera.runtime.npy;

import dev.tessera.runtime.npy.HeaderParser.Value;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The magic, version and dict at the start of a {@code .npy} file: what the data bytes hold. */
record Header(NpyType type, ByteOrder order, int[] shape, int dataOffset) {
  static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final int ALIGN = 64;
  // NumPy reserves room for the first axis to grow to this many digits without moving the data.
  private static final int GROWTH_AXIS_MAX_DIGITS = 21;
  private static final List<String> KEYS = List.of("descr", "fortran_order", "shape");
  private static final Map<String, Format> FORMATS = formats();

  private record Format(NpyType type, ByteOrder order) {}

  private static Map<String, Format> formats() {
    Map<String, Format> m = new LinkedHashMap<>();
    for (NpyType t : NpyType.values()) {
      m.put(t.descr(), new Format(t, ByteOrder.LITTLE_ENDIAN));
    }
    for (NpyType t : NpyType.values()) {
      if (t.bigEndianDescr() != null) {
        m.put(t.bigEndianDescr(), new Format(t, ByteOrder.BIG_ENDIAN));
      }
    }
    return m;
  }

  /** Parses and validates everything before the data; the data length is checked by the caller. */
  static Header parse(byte[] bytes, String source) throws NpyFormatException {
    checkMagic(bytes, source);
    int major = bytes[6] & 0xff;
    int minor = bytes[7] & 0xff;
    if (minor != 0 || major < 1 || major > 3) {
      throw new NpyFormatException(source, "header", 6,
          "unsupported .npy format version " + major + "." + minor,
          "supported versions are 1.0, 2.0 and 3.0");
    }
    int prefix = major == 1 ? 10 : 12;
    if (bytes.length < prefix) {
      throw truncated(source, bytes.length, prefix);
    }
    long headerLength = major == 1 ? readU16(bytes) : readU32(bytes);
    if (prefix + headerLength > bytes.length) {
      throw new NpyFormatException(source, "header", 8,
          "header length " + headerLength + " runs past the end of the file ("
              + (bytes.length - prefix) + " bytes follow the length field)",
          "the file is truncated or not a .npy file");
    }
    // Latin-1 keeps one char per byte so offsets stay exact; the keys and every supported descr
    // are ASCII, so decoding version 3.0 UTF-8 headers this way loses nothing we accept.
    String text = new String(bytes, prefix, (int) headerLength, StandardCharsets.ISO_8859_1);
    Map<String, Value> dict = HeaderParser.parseDict(text, source, prefix);
    checkKeys(dict, source, prefix);
    Format format = format(dict.get("descr"), source);
    checkFortranOrder(dict.get("fortran_order"), source);
    int[] shape = shape(dict.get("shape"), source);
    return new Header(format.type, format.order, shape, (int) (prefix + headerLength));
  }

  private static void checkMagic(byte[] bytes, String source) throws NpyFormatException {
    for (int i = 0; i < MAGIC.length && i < bytes.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        throw new NpyFormatException(source, "header", i,
            "not a .npy file: bad magic string", "a .npy file starts with \\x93NUMPY");
      }
    }
    if (bytes.length < 10) {
      throw truncated(source, bytes.length, 10);
    }
  }

  private static NpyFormatException truncated(String source, int length, int needed) {
    return new NpyFormatException(source, "header", length,
        "truncated header: file has " + length + " bytes but the fixed header needs " + needed,
        "the file was cut short");
  }

  private static void checkKeys(Map<String, Value> dict, String source, long at)
      throws NpyFormatException {
    for (Map.Entry<String, Value> e : dict.entrySet()) {
      if (!KEYS.contains(e.getKey())) {
        throw new NpyFormatException(source, "header", e.getValue().offset(),
            "unexpected key '" + e.getKey() + "' in header dict",
            "the header dict must have exactly the keys 'descr', 'fortran_order' and 'shape'");
      }
    }
    for (String key : KEYS) {
      if (!dict.containsKey(key)) {
        throw new NpyFormatException(source, "header", at,
            "header dict is missing key '" + key + "'",
            "the header dict must have exactly the keys 'descr', 'fortran_order' and 'shape'");
      }
    }
  }

  private static Format format(Value descr, String source) throws NpyFormatException {
    if (!(descr.value() instanceof String s)) {
      throw new NpyFormatException(source, "header", descr.offset(),
          "'descr' must be a string, got " + descr.pythonType(),
          "structured dtypes are not supported");
    }
    if (s.equals("|O") || s.equals("O") || s.equals("<O") || s.equals(">O")) {
      throw new NpyFormatException(source, "header", descr.offset(),
          "object arrays ('" + s + "') are not supported",
          "object arrays hold pickled Python objects; save a numeric array instead");
    }
    Format format = FORMATS.get(s);
    if (format == null) {
      String supported =
          FORMATS.keySet().stream().map(d -> "'" + d + "'").collect(Collectors.joining(", "));
      throw new NpyFormatException(source, "header", descr.offset(),
          "unsupported dtype descr '" + s + "'", "supported: " + supported);
    }
    return format;
  }

  private static void checkFortranOrder(Value v, String source) throws NpyFormatException {
    if (!(v.value() instanceof Boolean fortran)) {
      throw new NpyFormatException(source, "header", v.offset(),
          "'fortran_order' must be True or False, got " + v.pythonType(), null);
    }
    if (fortran) {
      throw new NpyFormatException(source, "header", v.offset(),
          "'fortran_order': True is not supported",
          "write the array in C order, e.g. numpy.ascontiguousarray");
    }
  }

  private static int[] shape(Value v, String source) throws NpyFormatException {
    if (!(v.value() instanceof List<?> items)) {
      throw new NpyFormatException(source, "header", v.offset(),
          "'shape' must be a tuple of ints, got " + v.pythonType(), "e.g. (2, 3), (3,) or ()");
    }
    int[] shape = new int[items.size()];
    BigInteger product = BigInteger.ONE;
    for (int i = 0; i < shape.length; i++) {
      Value dim = (Value) items.get(i);
      shape[i] = dimension(dim, source);
      product = product.multiply(BigInteger.valueOf(shape[i]));
    }
    if (product.compareTo(BigInteger.valueOf(Integer.MAX_VALUE)) > 0) {
      throw new NpyFormatException(source, "header", v.offset(),
          "shape " + pythonShape(shape) + " has " + product + " elements, more than the "
              + Integer.MAX_VALUE + " supported",
          "split the array into smaller files");
    }
    return shape;
  }

  private static int dimension(Value dim, String source) throws NpyFormatException {
    if (!(dim.value() instanceof BigInteger n)) {
      throw new NpyFormatException(source, "header", dim.offset(),
          "'shape' must be a tuple of ints, found a " + dim.pythonType(), null);
    }
    if (n.signum() < 0) {
      throw new NpyFormatException(source, "header", dim.offset(),
          "negative dimension " + n + " in 'shape'", "dimensions must be >= 0");
    }
    if (n.bitLength() > 31) {
      throw new NpyFormatException(source, "header", dim.offset(),
          "dimension " + n + " in 'shape' is larger than " + Integer.MAX_VALUE,
          "split the array into smaller files");
    }
    return n.intValue();
  }

  /** Python's repr of a shape tuple: (), (3,), (2, 3). */
  static String pythonShape(int[] shape) {
    if (shape.length == 1) {
      return "(" + shape[0] + ",)";
    }
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    return sb.append(')').toString();
  }

  /** The header bytes NumPy's {@code np.save} would write for a C-order array of this type. */
  static byte[] encode(NpyType type, int[] shape) {
    String dict = "{'descr': '" + type.descr() + "', 'fortran_order': False, 'shape': "
        + pythonShape(shape) + ", }";
    if (shape.length > 0) {
      dict += " ".repeat(GROWTH_AXIS_MAX_DIGITS - Integer.toString(shape[0]).length());
    }
    return wrap(dict);
  }

  /** Pads {@code dict} with spaces and a newline to a multiple of 64 bytes (v2.0 if needed). */
  static byte[] wrap(String dict) {
    byte[] text = dict.getBytes(StandardCharsets.US_ASCII);
    int prefix = 10;
    int total = paddedLength(prefix, text.length);
    if (total - prefix > 0xFFFF) {
      prefix = 12;
      total = paddedLength(prefix, text.length);
    }
    byte[] out = new byte[total];
    System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
    out[6] = (byte) (prefix == 10 ? 1 : 2);
    long length = total - prefix;
    for (int i = 8; i < prefix; i++) {
      out[i] = (byte) (length >>> (8 * (i - 8)));
    }
    System.arraycopy(text, 0, out, prefix, text.length);
    Arrays.fill(out, prefix + text.length, total - 1, (byte) ' ');
    out[total - 1] = '\n';
    return out;
  }

  /** NumPy always pads, by 1 to 64 bytes, so there is at least one space before the newline. */
  private static int paddedLength(int prefix, int textLength) {
    int unpadded = prefix + textLength + 1;
    return unpadded + (ALIGN - unpadded % ALIGN);
  }

  private static int readU16(byte[] b) {
    return (b[8] & 0xff) | (b[9] & 0xff) << 8;
  }

  private static long readU32(byte[] b) {
    return readU16(b) | (long) (b[10] & 0xff) << 16 | (long) (b[11] & 0xff) << 24;
  }
}
