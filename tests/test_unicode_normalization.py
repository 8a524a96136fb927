"""The NFD / NFKD / NFC / NFKC kernel against HuggingFace tokenizers: text and per-char alignment.

HF's alignment of each normalized char is read from a WordLevel tokenizer whose pre-tokenizer
isolates every char: each token's offsets are the original char it is aligned to, or (0, 0).
"""
import gzip
import os
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from budtiktok.kernels.unicode_normalization import (
    NFC, NFD, NFKC, NFKD, normalization_table_args, unicode_normalize,
)
from budtiktok.tables import _hf_normalization_overrides as overrides
from budtiktok.tables.unicode_normalization import (
    N_CODE_POINTS, build_normalization_tables, unicodedata2_normalization_data,
)

tokenizers = pytest.importorskip("tokenizers")

FORMS = {"NFD": NFD, "NFKD": NFKD, "NFC": NFC, "NFKC": NFKC}
# Private use: never decomposes, composes or reorders, so it keeps single chars apart.
SEPARATOR = "\ue000"
GUARD = 16
SENTINEL = -12345
DATA_DIR = Path(os.environ.get("BUDTIKTOK_TEST_DATA")
                or Path(__file__).resolve().parents[1].parent / "shared")
CORPUS_CHAR_BUDGET = 100_000
LINE_CHAR_LIMIT = 2_000
CORPORA = [
    "corpora/xquad_vi_contexts_lines.txt.gz", "corpora/short_xquad_vi_questions_lines.txt",
    "corpora/ud_ko_gsd_sentences_lines.txt.gz", "corpora/short_ko_nsmc_movie_reviews_lines.txt.gz",
    "corpora/ja_wagahai_lines.txt.gz", "corpora/ud_ja_gsd_sentences_lines.txt.gz",
    "corpora/xquad_hi_contexts_lines.txt.gz", "corpora/ud_hi_pud_sentences_lines.txt.gz",
    "corpora/xquad_ar_contexts_lines.txt.gz", "corpora/ud_ar_pud_sentences_lines.txt.gz",
    "corpora/xquad_th_contexts_lines.txt.gz", "corpora/xquad_el_contexts_lines.txt.gz",
    "corpora/short_xquad_el_questions_lines.txt.gz", "corpora/ud_he_htb_sentences_lines.txt.gz",
    "corpora/xquad_ru_contexts_lines.txt.gz", "corpora/xquad_zh_contexts_lines.txt.gz",
    "corpora/xquad_de_contexts_lines.txt.gz", "corpora/xquad_tr_contexts_lines.txt.gz",
    "corpora/emoji_gemoji_lines.txt", "corpora/emoji_tweets_lines.txt",
    "corpora/raw/stress_mixed_input.txt", "corpora/raw/stress_small_input.txt",
]


def _hf_tokenizer(form_name):
    tokenizer = tokenizers.Tokenizer(tokenizers.models.WordLevel({"[UNK]": 0}, unk_token="[UNK]"))
    tokenizer.normalizer = getattr(tokenizers.normalizers, form_name)()
    tokenizer.pre_tokenizer = tokenizers.pre_tokenizers.Split(tokenizers.Regex(r"[\s\S]"), "isolated")
    return tokenizer


HF = {name: _hf_tokenizer(name) for name in FORMS}


@pytest.fixture(scope="module")
def tables():
    return build_normalization_tables()


def to_code_points(text):
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.int32)


def ours(tables, text, form_name, sources=None):
    """Our (normalized text, per-char source index) for ``text``; checks the buffer contract."""
    form = FORMS[form_name]
    cps = to_code_points(text)
    n = len(cps)
    if sources is None:
        sources = np.arange(n, dtype=np.int32)
    size = n * int(tables.max_expansion[form]) + 4
    out_cp = np.full(size + GUARD, SENTINEL, np.int32)
    out_src = np.full(size + GUARD, SENTINEL, np.int32)
    m = unicode_normalize(cps, sources, n, out_cp, out_src, form, *normalization_table_args(tables))
    assert (out_cp[size:] == SENTINEL).all() and (out_src[size:] == SENTINEL).all(), "wrote past the buffer"
    return out_cp[:m].tobytes().decode("utf-32-le"), out_src[:m].tolist()


def hf(form_name, texts):
    """HF's (normalized text, per-char source index, -1 for (0, 0)) for each text."""
    tokenizer = HF[form_name]
    results = []
    for text, encoding in zip(texts, tokenizer.encode_batch(texts)):
        normalized = tokenizer.normalizer.normalize_str(text)
        sources = []
        for start, end in encoding.offsets:
            assert end == start + 1 or start == end == 0
            sources.append(start if end else -1)
        assert len(sources) == len(normalized)
        results.append((normalized, sources))
    return results


def assert_same_as_hf(tables, form_name, texts):
    expected = hf(form_name, texts)
    for text, want in zip(texts, expected):
        got = ours(tables, text, form_name)
        assert got == want, f"{form_name} {text!r}: ours {got!r} != HF {want!r}"


def test_tables_are_frozen_compact_arrays(tables):
    for name, array in tables._asdict().items():
        assert isinstance(array, np.ndarray), name
        assert array.flags.c_contiguous and not array.flags.writeable, name
    assert tables.block_index.dtype == tables.block_records.dtype == np.uint16
    assert sum(array.nbytes for array in tables) < 1 << 20
    assert tables.max_expansion.tolist() == [4, 18, 4, 18]


@pytest.mark.parametrize("form_name", FORMS)
def test_every_code_point_alone(tables, form_name):
    chars = [chr(cp) for cp in range(N_CODE_POINTS) if not 0xD800 <= cp < 0xE000 and chr(cp) != SEPARATOR]
    text = SEPARATOR.join(chars)
    normalized, _ = ours(tables, text, form_name)
    expected = HF[form_name].normalizer.normalize_str(text)
    if normalized != expected:
        pieces = zip(chars, normalized.split(SEPARATOR), expected.split(SEPARATOR))
        wrong = [(hex(ord(ch)), got, want) for ch, got, want in pieces if got != want]
        pytest.fail(f"{form_name}: {len(wrong)} code points differ, e.g. {wrong[:10]}")
    # Alignments are only interesting where the form changes the char.
    changed = SEPARATOR.join(ch for ch, piece in zip(chars, expected.split(SEPARATOR)) if piece != ch)
    assert_same_as_hf(tables, form_name, [changed])


def test_every_composition_pair(tables):
    """Each pair unicodedata2 or Hangul composes: alone, with a ccc-1 mark between, and doubled."""
    composites = unicodedata2_normalization_data().composites
    pairs = [(chr(first), chr(second)) for first, second in composites.values()]
    leading = [chr(0x1100 + l) for l in range(19)]
    vowels = [chr(0x1161 + v) for v in range(21)]
    pairs += [(l, v) for l in leading for v in vowels]
    pairs += [(chr(0xAC00 + 28 * lv), chr(0x11A7 + t)) for lv in range(0, 399, 7) for t in range(28)]
    pairs += [(l + v, chr(0x11A8 + t)) for l in leading[:3] for v in vowels[:3] for t in range(27)]
    texts = [variant for first, second in pairs
             for variant in (first + second, first + "\u0334" + second, "x" + first + second + second)]
    for form_name in FORMS:
        assert_same_as_hf(tables, form_name, [SEPARATOR.join(texts)])


def corpus_lines(relative_path, char_budget=CORPUS_CHAR_BUDGET, line_limit=LINE_CHAR_LIMIT):
    """Leading lines of a corpus file (each cut to ``line_limit`` chars) up to ``char_budget`` chars."""
    path = DATA_DIR / relative_path
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"missing test data {path}")
        pytest.skip(f"missing test data {path} (set BUDTIKTOK_TEST_DATA)")
    opener = gzip.open if path.suffix == ".gz" else open
    lines, total = [], 0
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")[:line_limit]
            lines.append(line)
            total += len(line)
            if total >= char_budget:
                break
    return lines


@pytest.mark.parametrize("relative_path", CORPORA)
def test_corpus_lines(tables, relative_path):
    check_lines(tables, corpus_lines(relative_path))


def test_every_udhr_language(tables):
    check_lines(tables, corpus_lines("corpora/multi_udhr2_lines.txt.gz", char_budget=10**9, line_limit=1_500))


def check_lines(tables, lines):
    for form_name in FORMS:
        normalizer = HF[form_name].normalizer
        changed = []
        for line in lines:
            if normalizer.normalize_str(line) != line:
                changed.append(line)
            else:
                assert ours(tables, line, form_name) == (line, list(range(len(line))))
        assert_same_as_hf(tables, form_name, changed)


def test_code_point_stress_file(tables):
    lines = corpus_lines("corpora/raw/stress_utf8_sequence_0x10ffff.txt.gz", char_budget=10**9, line_limit=None)
    text = "".join(lines)
    for form_name in FORMS:
        assert ours(tables, text, form_name)[0] == HF[form_name].normalizer.normalize_str(text)
        assert_same_as_hf(tables, form_name, [text[:20_000]])


MARKS = [chr(cp) for cp in [
    *range(0x300, 0x370), *range(0x591, 0x5C8), 0x93C, 0x94D, *range(0x951, 0x955), 0xE38, 0xE48,
    *range(0xF71, 0xF85), 0x1DCE, 0x302A, 0x302E, 0x3099, 0x309A, 0x1D165, 0x1D16D, *overrides.COMBINING_CLASSES,
]]
COMPATIBILITY = list("\ufb01\u2460\uff21\U0001d400\u00bd\u212b\u2126\u01c4\u0344\u0f73\u0f77\u1e09\u01d6\ufdfa"
                     "\u3200\u321d\u00a0\u2002\u2075\u33c0\u0958\u2adc\u1e9b\ufb2c\u0390\u1fee")
# Starters, including ones that compose with what follows or with what precedes them.
BASES = list("aeiouAEIOUcnszCNSZwyY <>=\u03b1\u03c9\u0391\u0b47\u0b3e\u0bc6\u0bbe\u0dd9\u0dcf\u1025"
             "\u102e\u3046\u304b\u30a6\u05d0\u05e9\u00e9\u00c5\u1ec7\u01d6\u304c\u0b4b\u1100\u1161\u11a8\uac00")
HANGUL_JAMO = st.characters(min_codepoint=0x1100, max_codepoint=0x11FF)
HANGUL_SYLLABLES = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)
ALPHABET = st.one_of(
    st.sampled_from(MARKS), st.sampled_from(MARKS), st.sampled_from(MARKS),
    st.sampled_from(COMPATIBILITY), st.sampled_from(BASES), st.sampled_from(BASES),
    HANGUL_JAMO, HANGUL_SYLLABLES,
    st.sampled_from([chr(cp) for cp in overrides.UNDECOMPOSED]),
    st.characters(exclude_categories=("Cs",)),
)


@settings(max_examples=1500, deadline=None)
@given(st.text(ALPHABET, max_size=24))
def test_generated_mark_sequences(tables, text):
    for form_name in FORMS:
        assert_same_as_hf(tables, form_name, [text])


def test_long_shuffled_mark_runs_sort_like_hf(tables):
    rng = random.Random(7)
    texts = ["".join(rng.choice(MARKS) for _ in range(length)) for length in (40, 300)]
    texts += ["a" + text + "\u1e09" + text[::-1] + "e" for text in texts]
    for form_name in FORMS:
        assert_same_as_hf(tables, form_name, texts)


def test_empty_and_ascii_input(tables):
    text = "Hello, world! <=> ~\t\n"
    for form_name in FORMS:
        assert ours(tables, "", form_name) == ("", [])
        assert ours(tables, text, form_name) == (text, list(range(len(text))))


def test_alignment_follows_input_sources(tables):
    text = "x\u1e09\u0316\u00bd e\u0301\uac00\u11a8"
    sources = np.array([-1, 3, 5, 8, 9, 11, 12, 20, 21], dtype=np.int32)
    for form_name in FORMS:
        normalized, positions = ours(tables, text, form_name)
        assert ours(tables, text, form_name, sources) == (
            normalized, [int(sources[p]) if p >= 0 else -1 for p in positions])
