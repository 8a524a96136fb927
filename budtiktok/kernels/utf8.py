"""UTF-8 bytes of one code point, for kernels that need them without a text buffer."""
import numpy as np

from ._jit import inline_kernel


@inline_kernel
def utf8_length(c):
    """Bytes of code point ``c`` in UTF-8."""
    return 1 + np.int64(c >= 0x80) + np.int64(c >= 0x800) + np.int64(c >= 0x10000)


@inline_kernel
def utf8_byte(c, length, k):
    """Byte ``k`` of the ``length``-byte UTF-8 form of ``c``."""
    shifted = np.int64(c) >> (6 * (length - 1 - k))
    lead = ((0xF00 >> length) & 0xFF) | shifted
    return np.int64(c) if length == 1 else (lead if k == 0 else 0x80 | (shifted & 0x3F))
