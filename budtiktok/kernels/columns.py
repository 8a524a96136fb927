"""Output columns for the model kernels run alone over pieces (``bpe_pieces``, ``unigram_pieces``)."""
import numpy as np

from ._jit import inline_kernel


@inline_kernel
def piece_columns(piece_start, piece_end, tokens_per_char):
    """Fresh (ids, start, end, word) columns with room for the tokens of every piece."""
    n_chars = 0
    for p in range(piece_start.shape[0]):
        n_chars += max(piece_end[p] - piece_start[p], 0)
    size = n_chars * tokens_per_char + 1
    return (np.empty(size, np.int32), np.empty(size, np.int32), np.empty(size, np.int32),
            np.empty(size, np.int32))


@inline_kernel
def filled_columns(m, out_ids, out_start, out_end, out_word):
    """(the model's count or error code, the columns cut to the tokens written)."""
    count = max(m, 0)
    return m, out_ids[:count], out_start[:count], out_end[:count], out_word[:count]
