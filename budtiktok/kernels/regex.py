"""Regex matching with Oniguruma's semantics, as HuggingFace `tokenizers` iterates matches.

``find_matches`` lists the matches of one bank entry (``tables.regex.compile_regex_bank``) inside
``cp[lo:hi]``: a hand-written scanner for the well-known pre-tokenizer patterns, literals and
single-class runs, else a backtracking interpreter of the compiled program (explicit stack,
leftmost-first alternation, greedy/lazy repeats, atomic lookahead).

Iteration follows the ``onig`` crate's ``find_iter``: each search starts where the last match
ended; an empty match exactly at the end of the previous match is dropped and the search moves
one char on. An empty ``cp[lo:hi]`` has no matches (HF never searches an empty string).
"""
import numpy as np

from ._jit import inline_kernel, kernel

# The bank is (ints: int32[:], bytes: uint8[:]); ints starts with the offsets of its sections and
# of the sections of bytes.
H_PROGRAM = 0          # ints: instructions, rows (op, a, b, c)
H_SET_INFO = 1         # ints: per set (first range, end of ranges, negated)
H_RANGES = 2           # ints: inclusive (first, last) code point ranges
H_ENTRIES = 3          # ints: per pattern, ENTRY_WIDTH columns (see below)
H_FIRST_SETS = 4       # ints: set ids
H_LITERALS = 5         # ints: code points of literal patterns
H_SET_TABLE = 6        # bytes: per set, 256 flags by category byte
H_SCAN_CLASS = 7       # bytes: the scanner class (C_*) of each category byte
H_DFA = 8              # bytes: the scanners' DFA tables, [table][DFA_STATES][N_CLASSES]
HEADER = 9

# Instructions: rows (op, a, b, c).
OP_CHAR = 0            # a: code point
OP_SET = 1             # a: set
OP_SPLIT = 2           # try a first, then b; c: a set the char at pos must be in for a to be tried (-1: any)
OP_JMP = 3             # a: target
OP_REPEAT = 4          # a: set, b: min, c: max (-1: unbounded); greedy
OP_REPEAT_LAZY = 5     # same, lazy
OP_ASSERT = 6          # a: ASSERT_*, b: the \w set (word boundaries)
OP_LOOK = 7            # a: 1 for (?!..), 0 for (?=..); b: the instruction after the matching OP_LOOK_END
OP_LOOK_END = 8
OP_MATCH = 9

ASSERT_LINE_START = 0          # ^
ASSERT_LINE_END = 1            # $
ASSERT_BOS = 2                 # \A
ASSERT_EOS = 3                 # \z
ASSERT_EOS_NEWLINE = 4         # \Z
ASSERT_WORD_BOUNDARY = 5       # \b
ASSERT_NOT_WORD_BOUNDARY = 6   # \B

# Backtrack stack entries: int64 rows (kind, pc, pos, extra).
_BT_ALT = 0            # resume at pc, pos
_BT_GREEDY = 1         # a greedy repeat gives back one char: resume pc at pos, then pos - 1 ... down to extra
_BT_LAZY = 2           # a lazy repeat (instruction pc) takes one more char after pos; extra: chars taken so far
_BT_LOOK = 3           # a lookaround (instruction pc) started at pos: its body failed if this is popped

# Entry columns: program start, scanner, first-set start, first-set count (-1: no filter), scanner args.
ENTRY_WIDTH = 8
SCAN_PROGRAM = 0
SCAN_LITERAL = 1       # args: literal start, length
SCAN_RUN = 2           # args: set, min, max (-1: unbounded): the pattern is one greedy single-class repeat
SCAN_GPT2 = 3          # arg: DFA table
SCAN_CL100K = 4        # args: DFA table, max digits per number (3: cl100k / Llama-3, 1: Qwen2)
SCAN_O200K = 5         # arg: DFA table
SCAN_CLIP = 6          # arg: DFA table
SCAN_DEEPSEEK = 7      # arg: DFA table (DeepSeek-V3's third Split)

# Scanner char classes (scan_class[category byte]) and masks of them (1 << class).
C_UPPER = 0            # Lu Lt above ASCII
C_LOWER = 1            # Ll above ASCII
C_LETTER_OTHER = 2     # Lm Lo (upper-ish and lower-ish for o200k)
C_MARK = 3             # M (not a letter; upper-ish and lower-ish for o200k)
C_NUMBER = 4           # N
C_OTHER = 5            # not \s, L, M, N, P or S
C_SPACE = 6            # U+0020
C_BLANK = 7            # \s but not U+0020, CR, LF
C_NEWLINE = 8          # CR LF
C_APOSTROPHE = 9       # '
C_SLASH = 10           # /
C_ASCII_UPPER = 11     # A-Z
C_ASCII_LOWER = 12     # a-z
C_PUNCT = 13           # P S above ASCII
C_ASCII_PUNCT = 14     # ASCII P S but ' / <
C_LESS = 15            # <
N_CLASSES = 16
M_LETTER = (1 << C_UPPER) | (1 << C_LOWER) | (1 << C_LETTER_OTHER) | (1 << C_ASCII_UPPER) | (1 << C_ASCII_LOWER)
M_NUMBER = 1 << C_NUMBER
M_SPACE = (1 << C_SPACE) | (1 << C_BLANK) | (1 << C_NEWLINE)
M_NEWLINE = 1 << C_NEWLINE
M_ASCII_LETTER = (1 << C_ASCII_UPPER) | (1 << C_ASCII_LOWER)
M_ASCII_PUNCT = (1 << C_ASCII_PUNCT) | (1 << C_APOSTROPHE) | (1 << C_SLASH) | (1 << C_LESS)
M_PUNCT = M_ASCII_PUNCT | (1 << C_PUNCT)                                          # [\p{P}\p{S}]
M_NOT_LNS = (1 << C_MARK) | (1 << C_OTHER) | M_PUNCT                              # [^\s\p{L}\p{N}]
M_UPPERISH = (1 << C_UPPER) | (1 << C_ASCII_UPPER) | (1 << C_LETTER_OTHER) | (1 << C_MARK)
M_LOWERISH = (1 << C_LOWER) | (1 << C_ASCII_LOWER) | (1 << C_LETTER_OTHER) | (1 << C_MARK)

# DFA cells (uint8): next state | EMIT (a match starts at this char) | FALLBACK (the branchy
# per-match function decides the match that started last; -1 from it: no match starts there, that
# char is skipped) | GAP (this char is in no match) | EMIT_PREVIOUS (a match starts at the char
# before this one; only in DFAs whose matches tile the text). State 0 is "at a match start".
DFA_STATES = 16
DFA_EMIT = 16
DFA_FALLBACK = 32
DFA_GAP = 64
DFA_EMIT_PREVIOUS = 128

_APOSTROPHE = 0x27
_SPACE = 0x20
_START_OF_TEXT = tuple(ord(ch) for ch in "<|startoftext|>")
_END_OF_TEXT = tuple(ord(ch) for ch in "<|endoftext|>")


@kernel
def _grown(stack):
    """The backtrack stack with twice the room."""
    grown = np.empty((2 * stack.shape[0], 4), dtype=np.int64)
    grown[:stack.shape[0]] = stack
    return grown


@kernel
def search_program(cp, lo, hi, categories, ints, bytes_, entry, match_start, match_end):
    """find_matches for entries without a scanner: the backtracking interpreter at every admissible
    start, all in this one kernel: inlined helpers that take arrays and loop or call can leave Numba's
    reference counting on those arrays in the loops (~20 ns a step)."""
    def member(c, s):
        # An inner function sees the arrays without binding them: no reference counting per call.
        hit = bytes_[ints[H_SET_TABLE] + 256 * s + categories[c]] != 0
        info = ints[H_SET_INFO] + 3 * s
        r = ints[H_RANGES] + 2 * ints[info]
        end = ints[H_RANGES] + 2 * ints[info + 1]
        while not hit and r < end and c >= ints[r]:
            hit = c <= ints[r + 1]
            r += 2
        return hit != (ints[info + 2] != 0)

    program = ints[H_PROGRAM]
    row = ints[H_ENTRIES] + ENTRY_WIDTH * entry
    pc0 = ints[row]
    first = ints[H_FIRST_SETS] + ints[row + 2]
    n_first = ints[row + 3]
    stack = np.empty((32, 4), dtype=np.int64)
    n = 0
    search = lo
    last_end = -1
    while search <= hi:
        start = search
        end = -1
        while start <= hi and end < 0:
            if n_first >= 0:
                # Skip the chars no match can start with.
                while start < hi:
                    k = first
                    while k < first + n_first and not member(cp[start], ints[k]):
                        k += 1
                    if k < first + n_first:
                        break
                    start += 1
                if start == hi:
                    break
            # Run the program anchored at start: end is where it matched, -1 if it did not.
            pos = start
            pc = pc0
            top = 0
            running = True
            while running:
                at = program + 4 * pc
                op = ints[at]
                ok = True
                if op == OP_CHAR:
                    ok = pos < hi and cp[pos] == ints[at + 1]
                    if ok:
                        pos += 1
                        pc += 1
                elif op == OP_SET:
                    ok = pos < hi and member(cp[pos], ints[at + 1])
                    if ok:
                        pos += 1
                        pc += 1
                elif op == OP_SPLIT:
                    guard = ints[at + 3]
                    if guard < 0 or (pos < hi and member(cp[pos], guard)):
                        if top == stack.shape[0]:
                            stack = _grown(stack)
                        stack[top, 0] = _BT_ALT
                        stack[top, 1] = ints[at + 2]
                        stack[top, 2] = pos
                        top += 1
                        pc = ints[at + 1]
                    else:
                        pc = ints[at + 2]
                elif op == OP_JMP:
                    pc = ints[at + 1]
                elif op == OP_REPEAT:
                    s = ints[at + 1]
                    least = pos + ints[at + 2]
                    limit = hi if ints[at + 3] < 0 else min(hi, pos + ints[at + 3])
                    p = pos
                    while p < limit and member(cp[p], s):
                        p += 1
                    ok = p >= least
                    if ok:
                        if p > least:
                            if top == stack.shape[0]:
                                stack = _grown(stack)
                            stack[top, 0] = _BT_GREEDY
                            stack[top, 1] = pc + 1
                            stack[top, 2] = p - 1
                            stack[top, 3] = least
                            top += 1
                        pos = p
                        pc += 1
                elif op == OP_REPEAT_LAZY:
                    s = ints[at + 1]
                    least = ints[at + 2]
                    p = pos
                    while ok and p < pos + least:
                        ok = p < hi and member(cp[p], s)
                        p += 1
                    if ok:
                        if ints[at + 3] < 0 or least < ints[at + 3]:
                            if top == stack.shape[0]:
                                stack = _grown(stack)
                            stack[top, 0] = _BT_LAZY
                            stack[top, 1] = pc
                            stack[top, 2] = p
                            stack[top, 3] = least
                            top += 1
                        pos = p
                        pc += 1
                elif op == OP_ASSERT:
                    kind = ints[at + 1]
                    if kind == ASSERT_LINE_START:
                        ok = pos == lo or cp[pos - 1] == 0x0A
                    elif kind == ASSERT_LINE_END:
                        ok = pos == hi or cp[pos] == 0x0A
                    elif kind == ASSERT_BOS:
                        ok = pos == lo
                    elif kind == ASSERT_EOS:
                        ok = pos == hi
                    elif kind == ASSERT_EOS_NEWLINE:
                        ok = pos == hi or (pos == hi - 1 and cp[pos] == 0x0A)
                    else:
                        word = ints[at + 2]
                        before = pos > lo and member(cp[pos - 1], word)
                        after = pos < hi and member(cp[pos], word)
                        ok = (before != after) == (kind == ASSERT_WORD_BOUNDARY)
                    if ok:
                        pc += 1
                elif op == OP_LOOK:
                    if top == stack.shape[0]:
                        stack = _grown(stack)
                    stack[top, 0] = _BT_LOOK
                    stack[top, 1] = pc
                    stack[top, 2] = pos
                    top += 1
                    pc += 1
                elif op == OP_LOOK_END:
                    # The body matched: drop its backtrack entries (lookarounds are atomic), back to the start.
                    t = top - 1
                    while stack[t, 0] != _BT_LOOK:
                        t -= 1
                    look = program + 4 * stack[t, 1]
                    top = t
                    ok = ints[look + 1] == 0
                    if ok:
                        pos = stack[t, 2]
                        pc = ints[look + 2]
                else:
                    end = pos
                    running = False
                while not ok:
                    if top == 0:
                        running = False
                        break
                    top -= 1
                    kind = stack[top, 0]
                    if kind == _BT_ALT:
                        pc = stack[top, 1]
                        pos = stack[top, 2]
                        ok = True
                    elif kind == _BT_GREEDY:
                        pc = stack[top, 1]
                        pos = stack[top, 2]
                        if pos > stack[top, 3]:
                            stack[top, 2] = pos - 1
                            top += 1
                        ok = True
                    elif kind == _BT_LAZY:
                        repeat = program + 4 * stack[top, 1]
                        p = stack[top, 2]
                        taken = stack[top, 3]
                        if p < hi and member(cp[p], ints[repeat + 1]):
                            pc = stack[top, 1] + 1
                            if ints[repeat + 3] < 0 or taken + 1 < ints[repeat + 3]:
                                stack[top, 2] = p + 1
                                stack[top, 3] = taken + 1
                                top += 1
                            pos = p + 1
                            ok = True
                    elif ints[program + 4 * stack[top, 1] + 1] == 1:
                        # The body of a negative lookaround failed: the lookaround holds.
                        pos = stack[top, 2]
                        pc = ints[program + 4 * stack[top, 1] + 2]
                        ok = True
            if end < 0:
                start += 1
        if end < 0:
            break
        if end == start and end == last_end:
            search = start + 1
            continue
        match_start[n] = start
        match_end[n] = end
        n += 1
        search = end
        last_end = end
    return n


@inline_kernel
def _scan_literal(cp, lo, hi, ints, first, length, match_start, match_end):
    """Leftmost non-overlapping occurrences of the non-empty literal ints[first:first + length]."""
    n = 0
    i = lo
    head = ints[first]
    while i + length <= hi:
        if cp[i] == head:
            k = 1
            while k < length and cp[i + k] == ints[first + k]:
                k += 1
            if k == length:
                match_start[n] = i
                match_end[n] = i + length
                n += 1
                i += length
                continue
        i += 1
    return n


@inline_kernel
def _scan_run(cp, lo, hi, categories, ints, bytes_, s, least, most, match_start, match_end):
    """Matches of ``[set]{least,most}`` (greedy, least ≥ 1)."""
    # Set membership written out (no call) so that no reference counting stays in the loop.
    table = ints[H_SET_TABLE] + 256 * s
    info = ints[H_SET_INFO] + 3 * s
    first_range = ints[H_RANGES] + 2 * ints[info]
    end_range = ints[H_RANGES] + 2 * ints[info + 1]
    negated = ints[info + 2] != 0
    n = 0
    i = lo
    while i < hi:
        j = i
        limit = hi if most < 0 else min(hi, i + most)
        while j < limit:
            c = cp[j]
            hit = bytes_[table + categories[c]] != 0
            r = first_range
            while not hit and r < end_range and c >= ints[r]:
                hit = c <= ints[r + 1]
                r += 2
            hit = hit != negated
            if not hit:
                break
            j += 1
        if j - i >= least:
            match_start[n] = i
            match_end[n] = j
            n += 1
            i = j
        else:
            i = j + 1
    return n


@inline_kernel
def _mask(c, categories, bytes_, sc):
    """1 << the scanner class of code point c."""
    return 1 << bytes_[sc + categories[c]]


@inline_kernel
def _run(cp, j, hi, categories, bytes_, sc, mask):
    """First index ≥ j whose char's class is not in ``mask`` (or hi)."""
    while j < hi and ((1 << bytes_[sc + categories[cp[j]]]) & mask) != 0:
        j += 1
    return j


@inline_kernel
def _contraction(cp, i, hi, fold):
    """End of ``'s|'t|'re|'ve|'m|'ll|'d`` at i (an apostrophe), or -1; ``fold`` makes it (?i:..)."""
    if i + 1 >= hi:
        return -1
    a = cp[i + 1]
    if fold:
        if 0x41 <= a <= 0x5A:
            a += 0x20
        elif a == 0x17F:  # ſ folds to s
            a = 0x73
    if a == 0x73 or a == 0x74 or a == 0x6D or a == 0x64:  # s t m d
        return i + 2
    if i + 2 >= hi:
        return -1
    b = cp[i + 2]
    if fold and 0x41 <= b <= 0x5A:
        b += 0x20
    if (a == 0x72 and b == 0x65) or (a == 0x76 and b == 0x65) or (a == 0x6C and b == 0x6C):  # re ve ll
        return i + 3
    return -1


@inline_kernel
def _space_end(cp, i, hi, categories, bytes_, sc, newline_rule):
    """End of the whitespace match at i: ``\\s*[\\r\\n]+`` when ``newline_rule`` and a CR/LF is in the
    run, else ``\\s+(?!\\S)`` (the run less its last char when \\S follows), else ``\\s+``."""
    j = _run(cp, i + 1, hi, categories, bytes_, sc, M_SPACE)
    if newline_rule:
        k = j - 1
        while k >= i:
            if cp[k] == 0x0A or cp[k] == 0x0D:
                return k + 1
            k -= 1
    if j == hi or j - i == 1:
        return j
    return j - 1


@inline_kernel
def _gpt2_match(cp, i, hi, categories, bytes_, sc):
    """End of the match at i of the GPT-2 pattern
    ``'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+``."""
    c = cp[i]
    if c == _APOSTROPHE:
        end = _contraction(cp, i, hi, False)
        if end >= 0:
            return end
    m = _mask(c, categories, bytes_, sc)
    j = i
    if c == _SPACE and i + 1 < hi:
        m2 = _mask(cp[i + 1], categories, bytes_, sc)
        if (m2 & M_SPACE) == 0:
            j = i + 1
            m = m2
    if m & M_LETTER:
        return _run(cp, j + 1, hi, categories, bytes_, sc, M_LETTER)
    if m & M_NUMBER:
        return _run(cp, j + 1, hi, categories, bytes_, sc, M_NUMBER)
    if (m & M_SPACE) == 0:
        return _run(cp, j + 1, hi, categories, bytes_, sc, M_NOT_LNS)
    return _space_end(cp, i, hi, categories, bytes_, sc, False)


@inline_kernel
def _cl100k_match(cp, i, hi, categories, bytes_, sc, max_digits):
    """End of the match at i of ``(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,max_digits}|
    ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+`` (cl100k / Llama-3, Qwen2)."""
    c = cp[i]
    if c == _APOSTROPHE:
        end = _contraction(cp, i, hi, True)
        if end >= 0:
            return end
    m = _mask(c, categories, bytes_, sc)
    if m & M_LETTER:
        return _run(cp, i + 1, hi, categories, bytes_, sc, M_LETTER)
    if m & M_NUMBER:
        end = i + 1
        while end < hi and end - i < max_digits and (_mask(cp[end], categories, bytes_, sc) & M_NUMBER) != 0:
            end += 1
        return end
    m2 = _mask(cp[i + 1], categories, bytes_, sc) if i + 1 < hi else 0
    if (m & M_NEWLINE) == 0 and (m2 & M_LETTER) != 0:
        return _run(cp, i + 2, hi, categories, bytes_, sc, M_LETTER)
    if (m & M_SPACE) == 0 or (c == _SPACE and (m2 & M_NOT_LNS) != 0):
        end = _run(cp, i + 1, hi, categories, bytes_, sc, M_NOT_LNS)
        return _run(cp, end, hi, categories, bytes_, sc, M_NEWLINE)
    return _space_end(cp, i, hi, categories, bytes_, sc, True)


@inline_kernel
def _o200k_word(cp, s, hi, categories, bytes_, sc, upper_first):
    """End of ``[U]*[W]+`` (upper_first False) or ``[U]+[W]*`` (True) from s, then an optional (?i)
    contraction, or -1; U and W are the upper-ish and lower-ish classes of the o200k pattern."""
    u = _run(cp, s, hi, categories, bytes_, sc, M_UPPERISH)
    if upper_first:
        if u == s:
            return -1
        end = _run(cp, u, hi, categories, bytes_, sc, M_LOWERISH)
    else:
        end = _run(cp, u, hi, categories, bytes_, sc, M_LOWERISH)
        if end == u:
            # [U]* gives chars back until one of them is also lower-ish: [W]+ is then that one char.
            k = u - 1
            while k >= s and (_mask(cp[k], categories, bytes_, sc) & M_LOWERISH) == 0:
                k -= 1
            if k < s:
                return -1
            end = k + 1
    if end < hi and cp[end] == _APOSTROPHE:
        after = _contraction(cp, end, hi, True)
        if after >= 0:
            end = after
    return end


@inline_kernel
def _o200k_match(cp, i, hi, categories, bytes_, sc):
    """End of the match at i of the GPT-4o (o200k) pattern, ``tables.regex.O200K_PATTERN``."""
    c = cp[i]
    m = _mask(c, categories, bytes_, sc)
    prefix = (m & (M_LETTER | M_NUMBER | M_NEWLINE)) == 0 and i + 1 < hi
    end = -1
    if prefix:
        end = _o200k_word(cp, i + 1, hi, categories, bytes_, sc, False)
    if end < 0:
        end = _o200k_word(cp, i, hi, categories, bytes_, sc, False)
    if end < 0 and prefix:
        end = _o200k_word(cp, i + 1, hi, categories, bytes_, sc, True)
    if end < 0:
        end = _o200k_word(cp, i, hi, categories, bytes_, sc, True)
    if end >= 0:
        return end
    if m & M_NUMBER:
        end = i + 1
        while end < hi and end - i < 3 and (_mask(cp[end], categories, bytes_, sc) & M_NUMBER) != 0:
            end += 1
        return end
    m2 = _mask(cp[i + 1], categories, bytes_, sc) if i + 1 < hi else 0
    if (m & M_SPACE) == 0 or (c == _SPACE and (m2 & M_NOT_LNS) != 0):
        end = _run(cp, i + 1, hi, categories, bytes_, sc, M_NOT_LNS)
        while end < hi and (cp[end] == 0x0A or cp[end] == 0x0D or cp[end] == 0x2F):
            end += 1
        return end
    return _space_end(cp, i, hi, categories, bytes_, sc, True)


@inline_kernel
def _starts_with(cp, i, hi, word):
    """Whether cp[i:hi] starts with the code points of the tuple ``word``."""
    if i + len(word) > hi:
        return False
    k = 0
    while k < len(word) and cp[i + k] == word[k]:
        k += 1
    return k == len(word)


@inline_kernel
def _clip_match(cp, i, hi, categories, bytes_, sc):
    """End of the match at i of the CLIP pattern (``tables.regex.CLIP_PATTERN``), or -1 when none
    starts there (whitespace)."""
    m = _mask(cp[i], categories, bytes_, sc)
    if m & M_SPACE:
        return -1
    if cp[i] == _APOSTROPHE:
        end = _contraction(cp, i, hi, False)
        if end >= 0:
            return end
    elif _starts_with(cp, i, hi, _START_OF_TEXT):
        return i + len(_START_OF_TEXT)
    elif _starts_with(cp, i, hi, _END_OF_TEXT):
        return i + len(_END_OF_TEXT)
    if m & M_LETTER:
        return _run(cp, i + 1, hi, categories, bytes_, sc, M_LETTER)
    if m & M_NUMBER:
        return i + 1
    return _run(cp, i + 1, hi, categories, bytes_, sc, M_NOT_LNS)


@inline_kernel
def _deepseek_match(cp, i, hi, categories, bytes_, sc):
    """End of the match at i of DeepSeek-V3's third Split pattern (``tables.regex.DEEPSEEK_PATTERN``),
    or -1 when none starts at i."""
    m = _mask(cp[i], categories, bytes_, sc)
    m2 = _mask(cp[i + 1], categories, bytes_, sc) if i + 1 < hi else 0
    if (m & M_ASCII_PUNCT) != 0 and (m2 & M_ASCII_LETTER) != 0:
        return _run(cp, i + 2, hi, categories, bytes_, sc, M_ASCII_LETTER)
    letter_mark = M_LETTER | (1 << C_MARK)
    if (m & (M_LETTER | M_PUNCT | M_NEWLINE)) == 0 and (m2 & letter_mark) != 0:
        return _run(cp, i + 2, hi, categories, bytes_, sc, letter_mark)
    if m & letter_mark:
        return _run(cp, i + 1, hi, categories, bytes_, sc, letter_mark)
    if (m & M_PUNCT) != 0 or (cp[i] == _SPACE and (m2 & M_PUNCT) != 0):
        end = _run(cp, i + 1, hi, categories, bytes_, sc, M_PUNCT)
        return _run(cp, end, hi, categories, bytes_, sc, M_NEWLINE)
    if m & M_SPACE:
        return _space_end(cp, i, hi, categories, bytes_, sc, True)
    return -1


@kernel
def _match_end(cp, start, hi, categories, bytes_, sc, scanner, max_digits):
    """End of the scanner's match at start (-1: none starts there), by its branchy per-match function."""
    if scanner == SCAN_GPT2:
        return _gpt2_match(cp, start, hi, categories, bytes_, sc)
    if scanner == SCAN_CL100K:
        return _cl100k_match(cp, start, hi, categories, bytes_, sc, max_digits)
    if scanner == SCAN_O200K:
        return _o200k_match(cp, start, hi, categories, bytes_, sc)
    if scanner == SCAN_CLIP:
        return _clip_match(cp, start, hi, categories, bytes_, sc)
    return _deepseek_match(cp, start, hi, categories, bytes_, sc)


@kernel
def scan_dfa(cp, lo, hi, categories, bytes_, sc, base, scanner, max_digits, match_start, match_end):
    """Matches by a branch-free DFA over scanner classes (table at bytes_[base:]) that marks where
    matches start and which chars are in none; where it cannot decide, and for the last match (the
    DFA may still be waiting for the char after the text), the branchy per-match function of the
    scanner does. A kernel of its own (not inlined) so that it compiles once."""
    tiles = scanner < SCAN_CLIP   # every char is in a match: ends are the next starts
    # Unsigned indexes on the state chain: Numba adds no negative-index wraparound to them (~1 ns a char).
    table = np.uint64(base)
    classes = np.uint64(sc)
    row = np.uint64(N_CLASSES)
    n = 0
    state = np.uint64(0)
    start = lo
    k = lo
    while k < hi:
        cell = bytes_[table + state * row + bytes_[classes + categories[np.uint64(cp[k])]]]
        previous = (cell & DFA_EMIT_PREVIOUS) != 0
        match_start[n] = k - 1
        n += previous
        emit = (cell & DFA_EMIT) != 0
        match_start[n] = k
        n += emit
        start = k if emit else (k - 1 if previous else start)
        if cell & DFA_FALLBACK:
            end = _match_end(cp, start, hi, categories, bytes_, sc, scanner, max_digits)
            if end < 0:
                n -= 1
                end = start + 1
            elif not tiles:
                match_end[n - 1] = end
            k = end
            state = np.uint64(0)
        else:
            if not tiles and (cell & DFA_GAP) == 0:
                match_end[n - 1] = k + 1
            state = np.uint64(cell & (DFA_STATES - 1))
            k += 1
    if n > 0:
        # Settle the last match (and any after it) with the per-match function.
        n -= 1
        k = match_start[n]
        while k < hi:
            end = _match_end(cp, k, hi, categories, bytes_, sc, scanner, max_digits)
            if end < 0:
                k += 1
            else:
                match_start[n] = k
                match_end[n] = end
                n += 1
                k = end
    if tiles:
        for t in range(n - 1):
            match_end[t] = match_start[t + 1]
    return n


@inline_kernel
def find_matches(cp, lo, hi, categories, bank, entry, match_start, match_end):
    """Write the matches of bank entry ``entry`` inside ``cp[lo:hi]`` as absolute [start, end) pairs
    into match_start/match_end (capacity ≥ hi - lo + 1); returns their count."""
    if hi <= lo:
        return 0
    ints = bank[0]
    bytes_ = bank[1]
    row = ints[H_ENTRIES] + ENTRY_WIDTH * entry
    scanner = ints[row + 1]
    if scanner >= SCAN_GPT2:
        return scan_dfa(cp, lo, hi, categories, bytes_, ints[H_SCAN_CLASS],
                         ints[H_DFA] + DFA_STATES * N_CLASSES * ints[row + 4], scanner, ints[row + 5],
                         match_start, match_end)
    if scanner == SCAN_LITERAL:
        return _scan_literal(cp, lo, hi, ints, ints[H_LITERALS] + ints[row + 4], ints[row + 5], match_start,
                             match_end)
    if scanner == SCAN_RUN:
        return _scan_run(cp, lo, hi, categories, ints, bytes_, ints[row + 4], ints[row + 5], ints[row + 6],
                         match_start, match_end)
    return search_program(cp, lo, hi, categories, ints, bytes_, entry, match_start, match_end)
