"""Prints the NumPy reference bytes embedded in NpyReferenceFilesTest.

Run once by hand (python3 tools/gen_npy_reference.py); the tests never call Python.
"""
import io

import numpy as np
from numpy.lib import format as npformat


def save(a, version=None):
    f = io.BytesIO()
    if version is None:
        np.save(f, a)
    else:
        npformat.write_array(f, a, version=version)
    return f.getvalue()


def header_only(a):
    data = save(a)
    return data[: len(data) - a.nbytes]


CASES = {
    "F32_2X3": save((np.arange(6, dtype="<f4") * 0.5).reshape(2, 3)),
    "F64_SCALAR": save(np.array(3.25, dtype="<f8")),
    "F64_ONE": save(np.array([-0.1], dtype="<f8")),
    "F16_2": save(np.array([1.0, -0.5], dtype="<f2")),
    "I8_3": save(np.array([-128, 127, 0], dtype="i1")),
    "U8_3": save(np.array([0, 255, 7], dtype="u1")),
    "BOOL_3": save(np.array([True, False, True])),
    "I32_EMPTY": save(np.zeros((0,), dtype="<i4")),
    "I32_2X2": save(np.array([[1, -2], [3, 2**31 - 1]], dtype="<i4")),
    "I64_2": save(np.array([-5, 2**40], dtype="<i8")),
    "I64_16D": save(np.ones((1,) * 16, dtype="<i8")),
    "F32_BIG_EMPTY": save(np.zeros((1234567, 0), dtype="<f4")),
    "F64_BE": save(np.array([1.5, -2.0], dtype=">f8")),
    "F32_BE": save(np.array([0.25], dtype=">f4")),
    "F16_BE": save(np.array([1.0, -0.5, 65504.0], dtype=">f2")),
    "I32_BE": save(np.array([[1, -2], [3, 4]], dtype=">i4")),
    "I64_BE": save(np.array([-3], dtype=">i8")),
    "F32_V2": save(np.array([1.0, 2.0], dtype="<f4"), version=(2, 0)),
    "F32_V3": save(np.array([1.0, 2.0], dtype="<f4"), version=(3, 0)),
    "HEADER_I8_100000": header_only(np.zeros((100000,), dtype="i1")),
    "HEADER_F32_3X1000000": header_only(np.zeros((3, 1000000), dtype="<f4")),
}

print(f"// numpy {np.__version__}")
for name, data in CASES.items():
    hex_ = data.hex()
    chunks = [hex_[i : i + 80] for i in range(0, len(hex_), 80)]
    body = "\n".join(f'      + "{c}"' for c in chunks)
    print(f"  static final String {name} =\n      \"\"\n{body};")
