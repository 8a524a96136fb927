"""The per-text encoding driver and the batch drivers (serial and ``prange``).

One text goes: added tokens on the raw text → normalizer on each remaining piece → added tokens
marked ``normalized`` → pre-tokenizer → model. The result per token is its id, its offsets in
original chars (relative to the text), its word index and ``added``: 0 for a model token, else
``ADDED | NORMALIZED_MATCH? | leading << 2 | trailing << 16`` where leading/trailing count the
whitespace (or 'Ġ') chars at the ends of the matched text, which offset trimming needs.
Texts arrive as one UTF-8 buffer with per-row byte and char offsets; a row whose byte and char
counts agree is ASCII and takes the fused fast path when the pipeline allows it.
"""
import numpy as np
from numba import prange

from ._jit import inline_kernel, kernel, parallel_kernel
from .added_tokens import find_added_tokens, find_added_tokens_inline
from .bpe import bpe, new_bpe_scratch
from .unigram import new_unigram_scratch, unigram
from .normalizers import run_normalizer
from .pre_tokenizers import ascii_bert, run_pre_tokenizer
from .wordpiece import wordlevel, wordpiece

MODEL_WORDPIECE = 0
MODEL_WORDLEVEL = 1
MODEL_BPE = 2
MODEL_UNIGRAM = 3
BPE_ARGS_END = 22             # the model tuple: 5 common fields, BPE's 17 arguments, Unigram's (``tables.wordpiece``)

ADDED = 1
NORMALIZED_MATCH = 2           # matched on normalized text (token string = normalized slice)
UNK_TEXT = 1 << 30             # a Unigram unk token: its text (length first) is at unk_chars[added ^ UNK_TEXT]
SPACE_LIKE_BYTE_CHAR = 0x120   # 'Ġ', the byte-level alphabet's space: trimmed like whitespace
TRIM_FIELD_MAX = 0x3FFF
WHITESPACE = 1 << 0

ERROR_NO_UNK = 1          # the model returned -1: a word needs the unk token the vocab lacks
ERROR_OUT_OF_MEMORY = 2   # ... -2: a buffer for a long piece could not be allocated


@inline_kernel
def read_text(text, lo, hi, cp, src):
    """Decode UTF-8 bytes ``text[lo:hi]`` into code points; ``src`` gets each char's index in the
    row. Returns the number of chars."""
    n = 0
    i = lo
    while i < hi:
        b = np.int32(text[i])
        if b < 0x80:
            c = b
            i += 1
        elif b < 0xE0:
            c = ((b & 0x1F) << 6) | (np.int32(text[i + 1]) & 0x3F)
            i += 2
        elif b < 0xF0:
            c = ((b & 0x0F) << 12) | ((np.int32(text[i + 1]) & 0x3F) << 6) | (np.int32(text[i + 2]) & 0x3F)
            i += 3
        else:
            c = (((b & 0x07) << 18) | ((np.int32(text[i + 1]) & 0x3F) << 12)
                 | ((np.int32(text[i + 2]) & 0x3F) << 6) | (np.int32(text[i + 3]) & 0x3F))
            i += 4
        cp[n] = c
        src[n] = n
        n += 1
    return n


@inline_kernel
def added_match_info(cp, flags, start, stop, kind):
    """The ``added`` value of an added-token match ``cp[start:stop]``."""
    leading = 0
    while start + leading < stop and (cp[start + leading] == SPACE_LIKE_BYTE_CHAR
                                      or flags[cp[start + leading]] & WHITESPACE):
        leading += 1
    trailing = 0
    while stop - trailing > start and (cp[stop - 1 - trailing] == SPACE_LIKE_BYTE_CHAR
                                       or flags[cp[stop - 1 - trailing]] & WHITESPACE):
        trailing += 1
    return kind | (min(leading, TRIM_FIELD_MAX) << 2) | (min(trailing, TRIM_FIELD_MAX) << 16)


@kernel
def _grown(array, size):
    """A copy of ``array`` with room for ``size`` items."""
    grown = np.empty(size, array.dtype)
    grown[: array.shape[0]] = array
    return grown


@inline_kernel
def _wordpiece_family_tokens(cp, src, piece_start, piece_end, n_pieces, first_word, model, out_ids, out_start, out_end,
                             out_word, out_added, m, errors, row):
    """WordPiece or WordLevel over the pieces into the output columns, offsets in original chars; a
    missing unk token marks the row and drops the segment. Returns the new count."""
    kind, cells, continuation_node, unk_id, max_chars = model[:5]
    if kind == MODEL_WORDPIECE:
        new_m = wordpiece(cp, src, piece_start, piece_end, n_pieces, first_word, cells, continuation_node, unk_id,
                          max_chars, out_ids, out_start, out_end, out_word, out_added, m)
    else:
        new_m = wordlevel(cp, src, piece_start, piece_end, n_pieces, first_word, cells, unk_id,
                          out_ids, out_start, out_end, out_word, out_added, m)
    if new_m < 0:
        errors[row] = ERROR_NO_UNK
        return m
    return new_m


@inline_kernel
def _original_offsets(nsrc, out_start, out_end, out_added, segment_first, m, errors, row):
    """Map the new tokens' offsets back to original chars (``m`` < 0: the model's error code, the
    segment is dropped); returns the token count."""
    if m < 0:
        errors[row] = -m
        m = segment_first
    for t in range(segment_first, m):
        first_src = nsrc[out_start[t]]
        last_src = nsrc[out_end[t] - 1]
        out_start[t] = first_src if first_src >= 0 else 0
        out_end[t] = last_src + 1 if last_src >= 0 else 0
        out_added[t] = 0
    return m


@kernel
def _model_and_offsets(ncp, nsrc, p_start, p_end, n_pieces, word, model, scratch, out_ids, out_start, out_end,
                       out_word, out_added, m, errors, row, unk_chars, n_unk_chars):
    """Model tokens for the pieces (any model), offsets in original chars; returns (m, next word,
    unk_chars, n_unk_chars). Called once per segment, so the large BPE and Unigram code is compiled
    here only. ``scratch``: the BPE scratch, then the Unigram one. A Unigram unk token is spelled
    by the normalized text it covers (as HuggingFace): that text goes to ``unk_chars``."""
    if model[0] != MODEL_BPE and model[0] != MODEL_UNIGRAM:
        return (_wordpiece_family_tokens(ncp, nsrc, p_start, p_end, n_pieces, word, model, out_ids, out_start, out_end,
                                         out_word, out_added, m, errors, row), word + n_pieces, unk_chars, n_unk_chars)
    first = m
    if model[0] == MODEL_BPE:
        m = bpe(ncp, p_start, p_end, n_pieces, word, model[5:BPE_ARGS_END], scratch[0], out_ids, out_start, out_end,
                out_word, m)
        return _original_offsets(nsrc, out_start, out_end, out_added, first, m, errors, row), word + n_pieces, \
            unk_chars, n_unk_chars
    m = unigram(ncp, p_start, p_end, n_pieces, word, model[BPE_ARGS_END:], scratch[1], out_ids, out_start,
                out_end, out_word, m)
    texts_at = n_unk_chars
    for t in range(first, m):
        if out_ids[t] == model[3]:
            needed = n_unk_chars + 1 + out_end[t] - out_start[t]
            if needed > unk_chars.shape[0]:
                unk_chars = _grown(unk_chars, max(needed, 2 * unk_chars.shape[0]))
            unk_chars[n_unk_chars] = out_end[t] - out_start[t]
            unk_chars[n_unk_chars + 1:needed] = ncp[out_start[t]:out_end[t]]
            n_unk_chars = needed
    m = _original_offsets(nsrc, out_start, out_end, out_added, first, m, errors, row)
    for t in range(first, m):
        if out_ids[t] == model[3]:
            out_added[t] = UNK_TEXT | texts_at
            texts_at += 1 + unk_chars[texts_at]
    return m, word + n_pieces, unk_chars, n_unk_chars


@inline_kernel
def _whole(n, seg_start, seg_end, seg_token):
    """One plain-text segment covering everything (none for empty text); returns the count."""
    seg_start[0] = 0
    seg_end[0] = n
    seg_token[0] = -1
    return 1 if n > 0 else 0


@inline_kernel
def _added_token(cp, flags, start, stop, token_id, kind, word, out_ids, out_start, out_end, out_word,
                 out_added, m):
    """Append one added-token match (offsets = its span); returns (m, next word)."""
    out_ids[m] = token_id
    out_start[m] = start
    out_end[m] = stop
    out_word[m] = word
    out_added[m] = added_match_info(cp, flags, start, stop, kind)
    return m + 1, word + 1


@kernel
def _encode_ascii_rows(text, row_bytes, row_chars, row, last_row, flags, ascii_mode, raw_added, model, cp, src,
                       seg_start, seg_end, seg_token, piece_start, piece_end, out_ids, out_start, out_end,
                       out_word, out_added, m, counts, errors):
    """The fused fast path over consecutive pure-ASCII rows from ``row`` (at least that one).

    Stops at the first row that is not ASCII or does not fit the scratch or output buffers, so the
    caller can grow them; returns (that row, token count). One call per run of rows instead of
    several calls per row: short texts are dominated by per-call costs otherwise.
    """
    raw_cells, raw_token_ids, raw_options = raw_added
    has_raw_added = raw_token_ids.shape[0] > 0
    start_row = row
    while row < last_row:
        lo = row_bytes[row]
        n = row_bytes[row + 1] - lo
        if n != row_chars[row + 1] - row_chars[row]:
            break
        if row > start_row and (n + 1 > seg_start.shape[0] or n + 1 > cp.shape[0] or n + 1 > piece_start.shape[0]
                                or m + n + 2 > out_ids.shape[0]):
            break
        raw = text[lo:lo + n]
        if has_raw_added:
            n_seg = find_added_tokens_inline(raw, 0, n, flags, raw_cells, raw_token_ids, raw_options,
                                             seg_start, seg_end, seg_token)
        else:
            n_seg = _whole(n, seg_start, seg_end, seg_token)
        first_token = m
        word = 0
        for s in range(n_seg):
            if seg_token[s] >= 0:
                m, word = _added_token(raw, flags, seg_start[s], seg_end[s], seg_token[s], ADDED, word,
                                       out_ids, out_start, out_end, out_word, out_added, m)
                continue
            n_pieces = ascii_bert(raw, seg_start[s], seg_end[s], flags, ascii_mode, cp, src, piece_start, piece_end)
            m = _wordpiece_family_tokens(cp, src, piece_start, piece_end, n_pieces, word, model, out_ids, out_start,
                                         out_end, out_word, out_added, m, errors, row)
            word += n_pieces
        counts[row] = m - first_token
        row += 1
    return row, m


@kernel
def _encode_chunk(text, row_bytes, row_chars, first_row, last_row, bounds, char_tables, form_tables, normalizer,
                  pre_tokenizer, regex, ascii_mode, model, raw_added, normalized_added, counts, errors):
    """Encode texts ``first_row..last_row`` serially into fresh arrays (ids, start, end, word, added,
    unk_chars).

    ``bounds``: per input char, at most how many chars the normalizer and then the pre-tokenizer
    make, and how many tokens come out (``tables.compiled``); buffers grow to fit each row."""
    flags = char_tables[0]
    norm_expansion, text_expansion, token_expansion = bounds
    scratch = (new_bpe_scratch(model[5:BPE_ARGS_END]), new_unigram_scratch(model[BPE_ARGS_END:]))
    program, program_chars, precompiled_tables = normalizer[0], normalizer[1], normalizer[2:]
    raw_cells, raw_token_ids, raw_options = raw_added
    norm_cells, norm_token_ids, norm_options = normalized_added
    has_raw_added = raw_token_ids.shape[0] > 0
    has_normalized_added = norm_token_ids.shape[0] > 0

    capacity = (row_bytes[last_row] - row_bytes[first_row]) // 2 + 16
    out_ids = np.empty(capacity, np.int32)
    out_start = np.empty(capacity, np.int32)
    out_end = np.empty(capacity, np.int32)
    out_word = np.empty(capacity, np.int32)
    out_added = np.empty(capacity, np.int32)

    cp = np.empty(0, np.int32)
    src = np.empty(0, np.int32)
    norm_a_cp = np.empty(0, np.int32)
    norm_a_src = np.empty(0, np.int32)
    norm_b_cp = np.empty(0, np.int32)
    norm_b_src = np.empty(0, np.int32)
    work_a_cp = np.empty(0, np.int32)
    work_a_src = np.empty(0, np.int32)
    work_b_cp = np.empty(0, np.int32)
    work_b_src = np.empty(0, np.int32)
    match_start = np.empty(0, np.int64)
    match_end = np.empty(0, np.int64)
    seg_start = np.empty(0, np.int64)
    seg_end = np.empty(0, np.int64)
    seg_token = np.empty(0, np.int32)
    seg2_start = np.empty(0, np.int64)
    seg2_end = np.empty(0, np.int64)
    seg2_token = np.empty(0, np.int32)
    piece_a_start = np.empty(0, np.int64)
    piece_a_end = np.empty(0, np.int64)
    piece_b_start = np.empty(0, np.int64)
    piece_b_end = np.empty(0, np.int64)

    unk_chars = np.empty(0, np.int32)
    n_unk_chars = 0
    m = 0
    row = first_row
    while row < last_row:
        lo = row_bytes[row]
        n = row_bytes[row + 1] - lo
        ascii_row = ascii_mode and not has_normalized_added and n == row_chars[row + 1] - row_chars[row]
        # the fused ASCII path never grows the text; the general one may, up to `bounds` times
        chars_needed = n + 1 if ascii_row else n * norm_expansion + 8
        text_needed = n + 1 if ascii_row else n * text_expansion + 8
        if n + 1 > seg_start.shape[0]:
            segments = max(n + 1, 2 * seg_start.shape[0])
            seg_start = np.empty(segments, np.int64)
            seg_end = np.empty(segments, np.int64)
            seg_token = np.empty(segments, np.int32)
        if chars_needed > cp.shape[0]:
            size = max(chars_needed, 2 * cp.shape[0])
            cp = np.empty(size, np.int32)
            src = np.empty(size, np.int32)
        if text_needed > piece_a_start.shape[0]:
            size = max(text_needed, 2 * piece_a_start.shape[0])
            piece_a_start = np.empty(size, np.int64)
            piece_a_end = np.empty(size, np.int64)
        needed = m + (n + 2 if ascii_row else n * (token_expansion + 1) + 2)
        if needed > out_ids.shape[0]:
            size = max(needed, 2 * out_ids.shape[0])
            out_ids = _grown(out_ids, size)
            out_start = _grown(out_start, size)
            out_end = _grown(out_end, size)
            out_word = _grown(out_word, size)
            out_added = _grown(out_added, size)

        if ascii_row:
            row, m = _encode_ascii_rows(text, row_bytes, row_chars, row, last_row, flags, ascii_mode, raw_added,
                                        model, cp, src, seg_start, seg_end, seg_token, piece_a_start, piece_a_end,
                                        out_ids, out_start, out_end, out_word, out_added, m, counts, errors)
            continue

        if chars_needed > norm_a_cp.shape[0]:
            size = max(chars_needed, 2 * norm_a_cp.shape[0])
            norm_a_cp = np.empty(size, np.int32)
            norm_a_src = np.empty(size, np.int32)
            norm_b_cp = np.empty(size, np.int32)
            norm_b_src = np.empty(size, np.int32)
            seg2_start = np.empty(size, np.int64)
            seg2_end = np.empty(size, np.int64)
            seg2_token = np.empty(size, np.int32)
        if text_needed > work_a_cp.shape[0]:
            size = max(text_needed, 2 * work_a_cp.shape[0])
            work_a_cp = np.empty(size, np.int32)
            work_a_src = np.empty(size, np.int32)
            work_b_cp = np.empty(size, np.int32)
            work_b_src = np.empty(size, np.int32)
            piece_b_start = np.empty(size, np.int64)
            piece_b_end = np.empty(size, np.int64)
            match_start = np.empty(size + 1, np.int64)
            match_end = np.empty(size + 1, np.int64)
        first_token = m
        word = 0
        n = read_text(text, lo, lo + n, cp, src)
        if has_raw_added:
            n_seg = find_added_tokens(cp, 0, n, flags, raw_cells, raw_token_ids, raw_options,
                                      seg_start, seg_end, seg_token)
        else:
            n_seg = _whole(n, seg_start, seg_end, seg_token)
        for s in range(n_seg):
            if seg_token[s] >= 0:
                m, word = _added_token(cp, flags, seg_start[s], seg_end[s], seg_token[s], ADDED, word,
                                       out_ids, out_start, out_end, out_word, out_added, m)
                continue
            length = seg_end[s] - seg_start[s]
            if length == n and program.shape[0] == 0:
                ncp, nsrc, nn = cp, src, n      # no normalizer: skip the call (its arguments cost ~1 µs)
            elif length == n:
                # the whole text: normalize the raw buffer itself, nothing reads it afterwards
                ncp, nsrc, nn = run_normalizer(cp, src, n, norm_b_cp, norm_b_src, program, program_chars,
                                               precompiled_tables, char_tables, form_tables, regex, match_start,
                                               match_end)
            else:
                norm_a_cp[:length] = cp[seg_start[s]:seg_end[s]]
                norm_a_src[:length] = src[seg_start[s]:seg_end[s]]
                ncp, nsrc, nn = run_normalizer(norm_a_cp, norm_a_src, length, norm_b_cp, norm_b_src, program,
                                               program_chars, precompiled_tables, char_tables, form_tables, regex,
                                               match_start, match_end)
            if has_normalized_added:
                n_seg2 = find_added_tokens(ncp, 0, nn, flags, norm_cells, norm_token_ids, norm_options,
                                           seg2_start, seg2_end, seg2_token)
            else:
                n_seg2 = _whole(nn, seg2_start, seg2_end, seg2_token)
            for s2 in range(n_seg2):
                if seg2_token[s2] >= 0:
                    m, word = _added_token(ncp, flags, seg2_start[s2], seg2_end[s2], seg2_token[s2],
                                           ADDED | NORMALIZED_MATCH, word, out_ids, out_start, out_end, out_word,
                                           out_added, m)
                    first_src = nsrc[seg2_start[s2]]
                    last_src = nsrc[seg2_end[s2] - 1]
                    out_start[m - 1] = first_src if first_src >= 0 else 0
                    out_end[m - 1] = last_src + 1 if last_src >= 0 else 0
                    continue
                piece_a_start[0] = seg2_start[s2]
                piece_a_end[0] = seg2_end[s2]
                tcp, tsrc, p_start, p_end, n_pieces = run_pre_tokenizer(
                    ncp, nsrc, work_a_cp, work_a_src, work_b_cp, work_b_src, flags, piece_a_start, piece_a_end, 1,
                    piece_b_start, piece_b_end, pre_tokenizer, regex, match_start, match_end)
                m, word, unk_chars, n_unk_chars = _model_and_offsets(
                    tcp, tsrc, p_start, p_end, n_pieces, word, model, scratch, out_ids, out_start, out_end, out_word,
                    out_added, m, errors, row, unk_chars, n_unk_chars)
        counts[row] = m - first_token
        row += 1
    return out_ids[:m], out_start[:m], out_end[:m], out_word[:m], out_added[:m], unk_chars[:n_unk_chars]


@kernel
def pre_tokenized(text, bounds, char_tables, form_tables, normalizer, pre_tokenizer, regex):
    """One text (UTF-8 bytes) through the normalizer and the pre-tokenizer alone, no added tokens:
    what the model sees, for the Unigram extras (n-best, sampling). Returns (chars, each one's
    original char index or -1, piece starts, piece ends)."""
    n_bytes = text.shape[0]
    size = n_bytes * bounds[1] + 8       # bounds[1] (normalizer × pre-tokenizer growth) ≥ bounds[0]
    cp = np.empty(size, np.int32)
    src = np.empty(size, np.int32)
    spare_cp = np.empty(size, np.int32)
    spare_src = np.empty(size, np.int32)
    match_start = np.empty(size + 1, np.int64)
    match_end = np.empty(size + 1, np.int64)
    n = read_text(text, 0, n_bytes, cp, src)
    ncp, nsrc, n = run_normalizer(cp, src, n, spare_cp, spare_src, normalizer[0], normalizer[1], normalizer[2:],
                                  char_tables, form_tables, regex, match_start, match_end)
    piece_start = np.zeros(size, np.int64)
    piece_end = np.full(size, n, np.int64)
    work_a_cp = np.empty(size, np.int32)
    work_a_src = np.empty(size, np.int32)
    work_b_cp = np.empty(size, np.int32)
    work_b_src = np.empty(size, np.int32)
    tcp, tsrc, p_start, p_end, n_pieces = run_pre_tokenizer(
        ncp, nsrc, work_a_cp, work_a_src, work_b_cp, work_b_src, char_tables[0], piece_start, piece_end, 1,
        np.empty(size, np.int64), np.empty(size, np.int64), pre_tokenizer, regex, match_start, match_end)
    return tcp.copy(), tsrc.copy(), p_start[:n_pieces].copy(), p_end[:n_pieces].copy()


@kernel
def encode_serial(text, row_bytes, row_chars, bounds, char_tables, form_tables, normalizer, pre_tokenizer, regex,
                  ascii_mode, model, raw_added, normalized_added):
    """Encode every row on the calling thread; returns (ids, start, end, word, added, row_splits, errors,
    unk_chars)."""
    n_rows = row_bytes.shape[0] - 1
    counts = np.zeros(n_rows, np.int64)
    errors = np.zeros(n_rows, np.int32)
    # np.int64(0), not a literal 0: the prange driver calls the same specialisation (one compile)
    ids, start, end, word, added, unk_chars = _encode_chunk(text, row_bytes, row_chars, np.int64(0), n_rows, bounds,
                                                char_tables, form_tables, normalizer, pre_tokenizer, regex,
                                                ascii_mode, model, raw_added, normalized_added, counts, errors)
    row_splits = np.zeros(n_rows + 1, np.int64)
    row_splits[1:] = np.cumsum(counts)
    return ids, start, end, word, added, row_splits, errors, unk_chars


@parallel_kernel
def encode_parallel(text, row_bytes, row_chars, chunk_rows, bounds, char_tables, form_tables, normalizer,
                    pre_tokenizer, regex, ascii_mode, model, raw_added, normalized_added):
    """Encode chunks of rows (``chunk_rows`` are their boundaries) in parallel, then concatenate."""
    n_rows = row_bytes.shape[0] - 1
    n_chunks = chunk_rows.shape[0] - 1
    counts = np.zeros(n_rows, np.int64)
    errors = np.zeros(n_rows, np.int32)
    chunk_ids = [np.empty(0, np.int32) for _ in range(n_chunks)]
    chunk_start = [np.empty(0, np.int32) for _ in range(n_chunks)]
    chunk_end = [np.empty(0, np.int32) for _ in range(n_chunks)]
    chunk_word = [np.empty(0, np.int32) for _ in range(n_chunks)]
    chunk_added = [np.empty(0, np.int32) for _ in range(n_chunks)]
    chunk_unk_chars = [np.empty(0, np.int32) for _ in range(n_chunks)]
    for c in prange(n_chunks):
        ids, start, end, word, added, unk_chars = _encode_chunk(text, row_bytes, row_chars, chunk_rows[c],
                                                                chunk_rows[c + 1],
                                                    bounds, char_tables, form_tables, normalizer, pre_tokenizer,
                                                    regex, ascii_mode, model, raw_added, normalized_added, counts,
                                                    errors)
        chunk_ids[c] = ids
        chunk_start[c] = start
        chunk_end[c] = end
        chunk_word[c] = word
        chunk_added[c] = added
        chunk_unk_chars[c] = unk_chars
    row_splits = np.zeros(n_rows + 1, np.int64)
    row_splits[1:] = np.cumsum(counts)
    total = row_splits[n_rows]
    ids = np.empty(total, np.int32)
    start = np.empty(total, np.int32)
    end = np.empty(total, np.int32)
    word = np.empty(total, np.int32)
    added = np.empty(total, np.int32)
    for c in prange(n_chunks):
        at = row_splits[chunk_rows[c]]
        size = chunk_ids[c].shape[0]
        ids[at:at + size] = chunk_ids[c]
        start[at:at + size] = chunk_start[c]
        end[at:at + size] = chunk_end[c]
        word[at:at + size] = chunk_word[c]
        added[at:at + size] = chunk_added[c]
    unk_at = np.zeros(n_chunks + 1, np.int64)
    for c in range(n_chunks):
        unk_at[c + 1] = unk_at[c] + chunk_unk_chars[c].shape[0]
    unk_chars = np.empty(unk_at[n_chunks], np.int32)
    for c in prange(n_chunks):
        unk_chars[unk_at[c]:unk_at[c + 1]] = chunk_unk_chars[c]
        if unk_at[c] > 0:
            at = row_splits[chunk_rows[c]]
            for t in range(at, at + chunk_ids[c].shape[0]):
                if added[t] & UNK_TEXT:
                    added[t] += unk_at[c]
    return ids, start, end, word, added, row_splits, errors, unk_chars
