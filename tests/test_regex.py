"""The regex engine (``tables.regex`` + ``kernels.regex``) against HuggingFace's Oniguruma.

HF ``Split(p, "isolated")`` gives the segmentation a pattern makes (empty matches cut),
``Split(p, "removed", invert=True)`` its non-empty matches and ``Replace(p, MARK)`` every match,
empty ones included; the same views are derived from ``find_matches`` and compared on the shared
corpora, trap-weighted random text, adversarial input and every code point.
"""
from __future__ import annotations

import json
import os
import time
from functools import lru_cache

import numba
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shared_data import TOKENIZERS_DIR, corpus_files, corpus_lines, require, tokenizer_json
from tokenizers import Regex
from tokenizers import normalizers as hf_normalizers
from tokenizers import pre_tokenizers as hf_pre

from budtiktok.errors import UnsupportedComponentError
from budtiktok.kernels._jit import kernel
from budtiktok.kernels.regex import find_matches
from budtiktok.tables import regex as rx

SETTINGS = settings(max_examples=int(os.environ.get("BUDTIKTOK_MAX_EXAMPLES", "150")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
# Characters of each corpus compared with HF (its first 300 lines, cut to this many chars); HF
# needs ~0.3 µs a char per view. 0 compares the whole 300 lines.
CORPUS_CHARS = int(os.environ.get("BUDTIKTOK_REGEX_CORPUS_CHARS", "12000"))
MARK = "\ue000"   # Replace content: a private-use char no test text holds

# Every Split / Replace / ByteLevel pattern of the shared tokenizers (test_shared_patterns_are_listed).
SHARED = {
    "gpt2": ("Regex", rx.GPT2_PATTERN),
    "cl100k": ("Regex", rx.CL100K_PATTERN),
    "qwen2": ("Regex", rx.QWEN2_PATTERN),
    "o200k": ("Regex", rx.O200K_PATTERN),
    "deepseek_digits": ("Regex", r"\p{N}{1,3}"),
    "deepseek_cjk": ("Regex", "[一-龥\u3040-ゟ゠-ヿ]+"),
    "deepseek_words": ("Regex", rx.DEEPSEEK_PATTERN),
    "clip": ("Regex", rx.CLIP_PATTERN),
    "clip_spaces": ("Regex", r"\s+"),
    "falcon_digits": ("Regex", "[0-9][0-9][0-9]"),
    "marian_spaces": ("Regex", " {2,}"),
    "space": ("String", " "),
    "metaspace": ("String", "▁"),
}
NAMES = list(SHARED)
SCANNED = ["gpt2", "cl100k", "qwen2", "o200k", "clip", "deepseek_words", "deepseek_digits", "deepseek_cjk",
           "clip_spaces", "marian_spaces", "space", "metaspace"]


@lru_cache(maxsize=1)
def categories() -> np.ndarray:
    return rx.character_categories()


@lru_cache(maxsize=2)
def shared_bank(use_scanners: bool = True):
    bank, entries = rx.compile_regex_bank(list(SHARED.values()), NAMES, use_scanners=use_scanners)
    return bank, dict(zip(NAMES, entries))


@kernel
def _matches(cp, starts, ends, categories, bank, entry, out_start, out_end, counts):
    """find_matches on each range [starts[i], ends[i]) of cp, matches packed in order."""
    longest = 0
    for i in range(starts.shape[0]):
        longest = max(longest, ends[i] - starts[i])
    match_start = np.empty(longest + 1, dtype=np.int64)
    match_end = np.empty(longest + 1, dtype=np.int64)
    n = 0
    for i in range(starts.shape[0]):
        k = find_matches(cp, starts[i], ends[i], categories, bank, entry, match_start, match_end)
        out_start[n:n + k] = match_start[:k]
        out_end[n:n + k] = match_end[:k]
        counts[i] = k
        n += k
    return n


def code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.int32)


def our_matches(bank, entry, text: str, ranges) -> list[list[tuple[int, int]]]:
    """Per range, the (start, end) matches find_matches reports (absolute char offsets)."""
    cp = code_points(text)
    starts = np.array([r[0] for r in ranges], dtype=np.int64)
    ends = np.array([r[1] for r in ranges], dtype=np.int64)
    total = int((ends - starts).sum()) + len(ranges)
    out_start = np.empty(total, dtype=np.int64)
    out_end = np.empty(total, dtype=np.int64)
    counts = np.empty(len(ranges), dtype=np.int64)
    _matches(cp, starts, ends, categories(), bank, entry, out_start, out_end, counts)
    result, k = [], 0
    for count in counts.tolist():
        result.append(list(zip(out_start[k:k + count].tolist(), out_end[k:k + count].tolist())))
        k += count
    return result


def isolated(matches, lo: int, hi: int) -> list[tuple[int, int]]:
    """HF's Isolated pieces from the matches of [lo, hi): gaps and matches, empty ones dropped."""
    pieces, prev = [], lo
    for start, end in matches:
        if start > prev:
            pieces.append((prev, start))
        if end > start:
            pieces.append((start, end))
        prev = end
    if hi > prev:
        pieces.append((prev, hi))
    return pieces


def replaced(text: str, matches, lo: int, hi: int) -> str:
    out, prev = [], lo
    for start, end in matches:
        out += [text[prev:start], MARK]
        prev = end
    return "".join(out) + text[prev:hi]


def hf_pattern(kind: str, pattern: str):
    return Regex(pattern) if kind == "Regex" else pattern


def hf_views(kind: str, pattern: str, text: str, by_line: bool):
    """HF's (isolated pieces, kept matches) on text, each line its own piece when by_line."""
    views = []
    for behavior, invert in (("isolated", False), ("removed", True)):
        split = hf_pre.Split(hf_pattern(kind, pattern), behavior, invert=invert)
        if by_line:
            split = hf_pre.Sequence([hf_pre.Split("\n", "removed"), split])
        views.append([offsets for _, offsets in split.pre_tokenize_str(text)])
    return views


def assert_same_as_hf(name: str, texts: list[str], bank_and_entries=None, replace: bool = True):
    """Our isolated pieces, kept matches (and Replace output) equal HF's for each text;
    ``bank_and_entries`` = (bank, {name: entry}, (kind, pattern)) for a pattern outside SHARED."""
    kind, pattern = SHARED[name] if bank_and_entries is None else bank_and_entries[2]
    bank, entries = shared_bank() if bank_and_entries is None else bank_and_entries[:2]
    entry = entries[name]
    as_lines = not any("\n" in t for t in texts)
    if as_lines:
        # One HF call for all texts: each is a line of the joined text, split on its own.
        joined = "\n".join(texts)
        ranges, at = [], 0
        for t in texts:
            ranges.append((at, at + len(t)))
            at += len(t) + 1
        found = our_matches(bank, entry, joined, ranges)
        hf_iso, hf_kept = hf_views(kind, pattern, joined, by_line=True)
        assert [p for (lo, hi), m in zip(ranges, found) for p in isolated(m, lo, hi)] == hf_iso, name
        assert [m for ms in found for m in ms if m[1] > m[0]] == hf_kept, name
        if not replace:
            return
    for text in texts:
        (matches,) = our_matches(bank, entry, text, [(0, len(text))])
        where = f"{name} on {text[:80]!r}"
        if not as_lines:
            hf_iso, hf_kept = hf_views(kind, pattern, text, by_line=False)
            assert isolated(matches, 0, len(text)) == hf_iso, f"{where}: isolated pieces differ"
            assert [m for m in matches if m[1] > m[0]] == hf_kept, f"{where}: matches differ"
        if replace and text:
            hf = hf_normalizers.Replace(hf_pattern(kind, pattern), MARK).normalize_str(text)
            assert replaced(text, matches, 0, len(text)) == hf, f"{where}: Replace differs"


def corpus_sample(name: str) -> list[str]:
    lines, total = [], 0
    for line in corpus_lines(name, 300):
        if CORPUS_CHARS and total + len(line) > CORPUS_CHARS:
            lines.append(line[:CORPUS_CHARS - total])
            break
        lines.append(line)
        total += len(line)
    return lines


# ------------------------------------------------------------------------------------------------ patterns


def _collect_patterns(node, found: set):
    if isinstance(node, dict):
        if node.get("type") in ("Split", "Replace") and isinstance(node.get("pattern"), dict):
            found.update(node["pattern"].items())
        for value in node.values():
            _collect_patterns(value, found)
    elif isinstance(node, list):
        for value in node:
            _collect_patterns(value, found)


def test_shared_patterns_are_listed():
    require(TOKENIZERS_DIR)
    found = {("Regex", rx.GPT2_PATTERN)}
    for folder in sorted(p for p in TOKENIZERS_DIR.iterdir() if p.is_dir()):
        spec = json.loads(tokenizer_json(folder.name))
        for key in ("normalizer", "pre_tokenizer", "decoder"):
            _collect_patterns(spec.get(key), found)
    assert found == set(SHARED.values())


@pytest.mark.parametrize("name", NAMES)
def test_shared_pattern_on_the_corpora(name):
    texts = [line for corpus in corpus_files() for line in corpus_sample(corpus)]
    assert_same_as_hf(name, texts, replace=False)


@pytest.mark.parametrize("name", SCANNED)
def test_scanners_agree_with_the_generic_matcher(name):
    texts = [line for corpus in corpus_files() for line in corpus_lines(corpus, 300)]
    text = "\n".join(texts)
    ranges, at = [], 0
    for t in texts:
        ranges.append((at, at + len(t)))
        at += len(t) + 1
    fast_bank, entries = shared_bank(True)
    slow_bank, _ = shared_bank(False)
    ints = fast_bank[0]
    assert ints[ints[rx.ops.H_ENTRIES] + rx.ops.ENTRY_WIDTH * entries[name] + 1] != rx.ops.SCAN_PROGRAM
    assert our_matches(fast_bank, entries[name], text, ranges) == our_matches(slow_bank, entries[name], text, ranges)


TRAPS = [
    " ", "  ", "   ", "\t", "\n", "\r\n", "\r", "\n\n", " \n", "\u00a0", "\u001c", "\u0085", "\u2028", "\u3000",
    "\u200b", "\ufeff", "\u180e", "\x0b", "\x0c", "'", "'s", "'S", "'ſ", "'t", "'T", "'re", "'RE", "'rE", "'ve", "'m",
    "'M", "'ll", "'LL", "'d", "'D", "'x", "''", "’s", "0", "12", "123", "1234", "12345", "٣", "²", "½", "Ⅻ", "१२",
    "①", "é", "e\u0301", "\u0301", "\u0903", "\u20dd", "a", "s", "Z", "Hello", "HELLO", "hello", "HeLLo", "ǅ", "ʰ",
    "ſ", "K", "ß", "😀", "👍🏽", "👨\u200d👩\u200d👧", "\u200d", "中文", "日本語", "カタカナー", "ひらがな", "한국어",
    "Ελληνικά", "Русский", "עברית", "العربية", "हिन्दी", "ไทย", "!", "?!", ".", ",", "-", "/", "//", "/\n",
    "<|endoftext|>", "<|startoftext|>", "$", "€", "^", "_", "`", "~", "\\", "[", "]", "{", "}", "|", "<", ">", "x",
]
trap_text = st.lists(st.sampled_from(TRAPS) | st.characters(exclude_categories=("Cs",)), max_size=30).map("".join)


@SETTINGS
@given(st.lists(trap_text, min_size=1, max_size=6))
def test_trap_weighted_text(texts):
    for name in NAMES:
        assert_same_as_hf(name, texts)


def all_code_points() -> str:
    return "".join(chr(cp) for cp in range(0x110000) if not 0xD800 <= cp < 0xE000)


@pytest.mark.parametrize("name", NAMES)
def test_adversarial_input(name):
    texts = [" " * 10**5, "1" * 10**5, "a" * 10**5, "\n" * 5000, " \n" * 5000, "'s" * 5000, " a" * 10000,
             "ab " * 5000 + "  ", "\u00a0" * 5000 + "x", "日" * 10000, "1a" * 5000]
    assert_same_as_hf(name, texts, replace=False)


@pytest.mark.parametrize("name", ["gpt2", "cl100k", "qwen2", "o200k", "deepseek_words", "clip"])
def test_every_code_point(name):
    text = all_code_points()
    kind, pattern = SHARED[name]
    bank, entries = shared_bank()
    (matches,) = our_matches(bank, entries[name], text, [(0, len(text))])
    hf = hf_pre.Split(hf_pattern(kind, pattern), "isolated").pre_tokenize_str(text)
    assert isolated(matches, 0, len(text)) == [offsets for _, offsets in hf]


@pytest.mark.parametrize("use_scanners", [True, False])
def test_linear_time_on_long_runs(use_scanners):
    bank, entries = shared_bank(use_scanners)
    for text in (" " * 10**6, "1" * 10**6, "a" * 10**6, "\n" * 10**6, " " * 10**6 + "x"):
        for name in NAMES:
            start = time.perf_counter()
            our_matches(bank, entries[name], text, [(0, len(text))])
            elapsed = time.perf_counter() - start
            assert elapsed < 1.0, f"{name} on {text[:3]!r}×{len(text)}: {elapsed:.2f} s"


# ------------------------------------------------------------------------------------------------ classes


def test_categories_match_hf_on_every_code_point():
    """General categories, \\s and \\w of every code point as HF's Oniguruma classifies them, and every
    class the compiler derives from them, checked on one char per run of equal category bytes."""
    cats = categories()
    assert cats.dtype == np.uint8 and cats.shape == (0x110000,)
    text = all_code_points()
    cps = code_points(text)
    decoded = np.array([rx.decode_category(b) for b in range(256)], dtype=np.uint8)[cats[cps]]
    gc = decoded & rx.GC_MASK
    runs = [offsets for _, offsets in hf_pre.Split(
        Regex("|".join(rf"\p{{{name}}}+" for name in rx.GC_NAMES)), "isolated").pre_tokenize_str(text)]
    cuts = np.flatnonzero(np.diff(gc)) + 1
    assert runs == list(zip([0, *cuts.tolist()], [*cuts.tolist(), len(text)]))
    extra = np.isin(cps, rx.onig.WORD_ESCAPE_EXTRA)
    for members, escape in (((decoded & rx.WHITE_SPACE) != 0, r"\s"), ((decoded & rx.WORD) != 0, r"[\w]"),
                            (((decoded & rx.WORD) != 0) | extra, r"\w")):
        hf = np.zeros(len(cps), dtype=bool)
        for _, (start, end) in hf_pre.Split(Regex(escape + "+"), "removed", invert=True).pre_tokenize_str(text):
            hf[start:end] = True
        assert np.array_equal(hf, members), escape
    # One char per run of equal bytes, and all of ASCII: every class is a function of the byte (+ ranges).
    change = np.flatnonzero(np.diff(cats[cps])) + 1
    sample = "".join(text[i] for i in [0, *change.tolist()]) + "".join(map(chr, range(256)))
    classes = [rf"\p{{{name}}}" for name in [*rx.GC_NAMES, "L", "M", "N", "P", "S", "Z", "C", "LC", "Any"]]
    classes += [r"\P{L}", r"\p{^N}", r"[\P{^Lu}]", r"\p{Letter}", r"\p{lowercase_letter}", r"\p{Decimal Number}",
                r"\p{Other}", r"\p{Punctuation}", r"\s", r"\S", r"\d", r"\D", r"\w", r"\W", r"\h", r"\H", ".",
                r"[^\s\p{L}\p{N}]", r"[^\r\n\p{L}\p{N}]", r"[\p{L}\p{M}]", r"[\p{P}\p{S}]", r"[\S\d]", r"\b.",
                r"\B.", r"[\w]", r"[\W]", r"[^\w]"]
    compare_classes(classes, sample)


def compare_classes(patterns: list[str], text: str):
    bank, entries = rx.compile_regex_bank([("Regex", p + "+") for p in patterns], patterns)
    for pattern, entry in zip(patterns, entries):
        (matches,) = our_matches(bank, entry, text, [(0, len(text))])
        hf = hf_pre.Split(Regex(pattern + "+"), "removed", invert=True).pre_tokenize_str(text)
        assert matches == [offsets for _, offsets in hf], pattern


def test_case_insensitive_classes_match_hf():
    chars = sorted({cp for orbit in rx.onig.CASE_ORBITS for cp in orbit}
                   | {cp for cp in range(0x3000) if chr(cp).lower() != chr(cp) or chr(cp).upper() != chr(cp)})
    text = "".join(map(chr, chars))
    patterns = [rf"(?i:\x{{{orbit[0]:x}}})" for orbit in rx.onig.CASE_ORBITS
                if not any(cp in rx.onig.MULTI_FOLDS for cp in orbit)]
    patterns += [rf"(?i:\x{{{cp:x}}})" for cp in chars
                 if not any(c in rx.onig.MULTI_FOLDS for c in rx._ORBIT.get(cp, (cp,)))][::7]
    patterns += [r"(?i:[a-z])", r"(?i:[^a-z])", "(?i:[α-ω])", r"(?i:\S)"]
    bank, entries = rx.compile_regex_bank([("Regex", p) for p in patterns], patterns)
    for pattern, entry in zip(patterns, entries):
        (matches,) = our_matches(bank, entry, text, [(0, len(text))])
        hf = hf_pre.Split(Regex(pattern), "removed", invert=True).pre_tokenize_str(text)
        assert matches == [offsets for _, offsets in hf], pattern


# ------------------------------------------------------------------------------------------------ syntax

SYNTAX = [
    ("x*", "abxxc"), ("a|$", "ab"), ("a|(?=b)", "acb"), ("(?=b)|b", "ab"), ("a??", "aab"), ("a|", "aab"),
    ("|a", "ab"), ("", "abc"), ("(?:)", "ab"), ("(?=a)|a", "aa"), (r"\bab\b", "ab abc cab ab"), (r"\Bb", "ab b"),
    (r"\b", "ab, cd!"), ("^a", "a\na a"), ("a$", "a\na a"), ("^", "ab\ncd"), ("$", "ab\ncd\n"), (r"\Aa", "a\na"),
    (r"a\z", "a\na"), (r"a\Z", "a\na\n"), (r"a\Z", "a\na"), (".", "a\r\n\x85\u2028b"), ("(?m:.)", "a\nb"),
    ("(?m).+", "a\nb"), ("a.c", "abc a\nc"), ("[a-c]+", "abcd"), ("[^a-c]+", "abcd"), ("[]a]+", "]a]b"),
    ("[^]a]+", "]ab"), ("[a-]+", "a-b"), ("[-a]+", "a-b"), (r"[\]\\\-^]+", "]\\-^a"), ("[a^]+", "^a"),
    (r"[\s\d]+", "1 2\t٣x"), (r"[\S]+", "a b"), (r"[^\S]+", "a b"), (r"[\w]+", "a_b²③ c"), (r"\w+", "a_b²③ c"),
    (r"[\W]+", "a²③ c"), (r"\W+", "a!b"),
    (r"\D+", "1a2"), (r"\h+", "0fFg"), (r"\H+", "0fFg"), (r"\p{L}+", "abc١23"), (r"\P{L}+", "abc123"),
    (r"\p{^L}+", "abc123"), (r"\p{Lu}\p{Ll}+", "Hello WORLD"), (r"\p{uppercase letter}+", "aAB"),
    (r"\p{Nd}+", "1²٣"), (r"\p{LC}+", "aAʰ"), (r"\t\n\r\f\v\a\e", "\t\n\r\f\v\a\x1b"),
    (r"\x41\x{42}\u0043\0\012", "ABC\x00\n"), ("a{2}", "aaaaa"), ("a{2,}", "aaaaa"), ("a{,2}", "aaaaa"),
    ("a{2,3}", "aaaaa"), ("a{2,3}?", "aaaaa"), ("a+?", "aaa"), ("a*?b", "aaab"), ("(?:ab){2}", "ababab"),
    ("(?:ab)+?", "abab"), ("(?:a|b)*c", "abac"), ("(?:ab|a)(?:bc|c)", "abc"), ("(?:a|ab)(?:c|bcd)", "abcd"),
    ("(?:x{2,3}y)?x", "xxxxy"), ("a{x", "a{x"), ("a{", "a{"), ("{", "{"), ("}", "}"), ("x{,}", "x{,}"),
    ("(a)(?<n>b)", "ab"), ("(?i)ab|c", "ABC"), ("a(?i)b|c", "aBaCC"), ("(?i:[a-c])+", "aBcD"),
    ("(?i:[^a-c])+", "aBcD"), ("(?i:s)", "sSſ"), ("(?i:k)", "kKK"), ("(?i:ǅ)", "ǄǅǆDž"),
    ("(?i:'s|'t|'re|'ve|'m|'ll|'d)", "'S 'ſ 'RE 'Ll"), ("(?i:ι)", "\u0345ιΙι"), ("(?-i:a)", "aA"),
    ("(?i)a(?-i:b)", "AbAB"), ("(?=a)a", "aa"), ("(?!a).", "ab"), ("a(?=b)", "abac"), ("a(?!b)", "abac"),
    ("(?=(?!a)b)b", "ab"), (r"\s+(?!\S)|\s+", "a  b\t\tc   "), ("(?#comment)a", "a"), ("a|b|c", "cba"),
    ("(?:a|b)?c", "c bc"), (r"\d{1,3}(?=(?:\d{3})+(?!\d))", "1234567"), ("[一-龥぀-ゟ゠-ヿ]+", "日本語のテキストabc"),
    ("(?:(?i)a)b", "Ab AB"), ("a(?:b|(?=c))", "ab ac ad"), ("(?!)", "ab"), ("(?=)", "ab"), ("a{0}", "aa"),
    ("(?:ab){0,2}?c", "ababc"), (r"[\x{1F600}-\x{1F64F}]+", "😀😃 x"), (r"\p{So}", "©😀"), ("日本", "日本日本"),
]


@pytest.mark.parametrize(("pattern", "text"), SYNTAX, ids=[p or "<empty>" for p, _ in SYNTAX])
def test_supported_syntax_matches_hf(pattern, text):
    bank, entries = rx.compile_regex_bank([("Regex", pattern)], ["p"])
    assert_same_as_hf("p", [text], bank_and_entries=(bank, {"p": entries[0]}, ("Regex", pattern)))
    # The range is the whole string: anchors, \b and lookaheads see nothing around it.
    (alone,) = our_matches(bank, entries[0], text, [(0, len(text))])
    for around in ("ab", "\n\n", "  "):
        (inside,) = our_matches(bank, entries[0], around + text + around, [(2, 2 + len(text))])
        assert inside == [(s + 2, e + 2) for s, e in alone], around


@pytest.mark.parametrize("literal", ["", " ", "▁", "ab", "aa", "a.b", "\\", "日本"])
def test_string_patterns_match_hf(literal):
    bank, entries = rx.compile_regex_bank([("String", literal)], ["p"])
    texts = ["a b  c ", "▁▁x▁", "aaaab", "a.b axb", "\\\\", "日本日本語", ""]
    assert_same_as_hf("p", texts, bank_and_entries=(bank, {"p": entries[0]}, ("String", literal)))


UNSUPPORTED = ["(?<=a)b", "(?<!a)b", "(?>a)", r"(a)\1", r"\k<n>", r"\g<1>", "a++", "a*+", "a?+", "a{1,2}+", "a{2}?",
               "a**", "[[:alpha:]]", "[a-z&&[^b]]", "[a[b]]", r"\p{Han}", r"\p{Alpha}", r"\R", r"\X", r"\K", r"\G",
               r"\Q.\E", "(?x)a b", "(?s).", "*a", "a{2,1}", "[z-a]", "(a", "a)", "[a", r"\x{110000}", "(?i:ss)",
               "(?i:ß)", "(?i:[ß])", "(?i:[a-ÿ])", r"(?i:\p{Lu})", r"(?i:\w)", "(a*)*", "(a|)+", "(?:a?){2,}",
               r"\y", r"\1", "(?=a)*", r"[\w-z]", "\\"]


@pytest.mark.parametrize("pattern", UNSUPPORTED)
def test_unsupported_syntax_raises_with_the_path(pattern):
    with pytest.raises(UnsupportedComponentError) as error:
        rx.compile_regex_bank([("Regex", "a"), ("Regex", pattern)], ["first.pattern", "pre_tokenizer.pattern"])
    assert error.value.path == "pre_tokenizer.pattern"
    assert repr(pattern) in str(error.value)


def test_unknown_pattern_kind_raises():
    with pytest.raises(UnsupportedComponentError, match="kind"):
        rx.compile_regex_bank([("Glob", "*")], ["normalizer.pattern"])


def test_reference_doc_traps():
    """Reference doc §13 traps 15-17, 31 and 32, as stated there and as HF runs them."""
    bank, entries = rx.compile_regex_bank([("Regex", "x*"), ("Regex", "(?i:'s)"), ("Regex", rx.GPT2_PATTERN),
                                           ("Regex", rx.CL100K_PATTERN)], ["a", "b", "c", "d"])

    def pieces(entry, text):
        (matches,) = our_matches(bank, entry, text, [(0, len(text))])
        return [text[s:e] for s, e in isolated(matches, 0, len(text))]

    cases = [(0, "abxxc", ["a", "b", "xx", "c"]), (1, "'ſ", ["'ſ"]),
             (2, "a\u00a0\u00a0b", ["a", "\u00a0", "\u00a0", "b"]), (2, "a\x1c\x1cb", ["a", "\x1c\x1c", "b"]),
             (2, "don'T", ["don", "'", "T"]), (3, "don'T", ["don", "'T"])]
    for entry, text, expected in cases:
        hf = hf_pre.Split(Regex(["x*", "(?i:'s)", rx.GPT2_PATTERN, rx.CL100K_PATTERN][entry]), "isolated")
        assert [piece for piece, _ in hf.pre_tokenize_str(text)] == expected
        assert pieces(entries[entry], text) == expected


def test_bank_types_do_not_depend_on_the_patterns():
    empty, entries = rx.compile_regex_bank([], [])
    assert entries == []
    banks = [empty, shared_bank(True)[0], shared_bank(False)[0],
             rx.compile_regex_bank([("String", " ")], ["p"])[0], rx.compile_regex_bank([("Regex", "(?=a)")], ["p"])[0]]
    assert len({numba.typeof(bank) for bank in banks}) == 1
    assert all(not array.flags.writeable for bank in banks for array in bank)


def test_empty_range_has_no_matches():
    bank, entries = shared_bank()
    for name in NAMES:
        assert our_matches(bank, entries[name], "abc", [(1, 1)]) == [[]]
