"""The Precompiled normalizer kernel against HuggingFace's ``normalizers.Precompiled``: the
normalized string, and the alignment of every normalized char to the original (read from HF by
splitting the normalized string into single chars), on the real charsmaps of t5-small and
marian-nmt-ortx and on charsmaps the tests build to probe grapheme segmentation."""
from __future__ import annotations

import base64
import collections
import json
import os
import random
import struct
from functools import cache

import numpy as np
import pytest
import regex
import tokenizers
import unicodedata2
from hypothesis import given, settings
from hypothesis import strategies as st
from shared_data import corpus_files, corpus_lines, tokenizer_json

from budtiktok.kernels._jit import kernel
from budtiktok.kernels.precompiled import cluster_end, precompiled
from budtiktok.tables import _grapheme_break
from budtiktok.tables.precompiled import (
    build_precompiled_tables,
    decode_charsmap,
    precompiled_args,
    precompiled_expansion,
)

MAX_EXAMPLES = int(os.environ.get("BUDTIKTOK_MAX_EXAMPLES", "60"))
REAL = ["t5-small", "marian-nmt-ortx"]
SURROGATES = range(0xD800, 0xE000)


def encode_charsmap(mapping: dict[str, str]) -> bytes:
    """A SentencePiece-style charsmap: a Darts double array over the UTF-8 keys whose values are
    offsets of NUL-terminated replacements. Nodes with many children take a fresh 256-unit block."""
    blob = bytearray()
    offsets: dict[str, int] = {}
    for replacement in mapping.values():
        if replacement not in offsets:
            offsets[replacement] = len(blob)
            blob += replacement.encode() + b"\0"
    children: list[dict[int, int]] = [{}]
    value: list[int | None] = [None]
    for key, replacement in mapping.items():
        node = 0
        for byte in key.encode():
            if byte not in children[node]:
                children[node][byte] = len(children)
                children.append({})
                value.append(None)
            node = children[node][byte]
        value[node] = offsets[replacement]
    used = bytearray(1 << 12)
    units = [0] * len(used)
    used[0] = 1
    slot = [0] * len(children)
    cursor, frontier = 1, 256
    order = [0]
    for node in order:
        labels = sorted(children[node])
        while cursor < len(used) and used[cursor]:
            cursor += 1
        base = cursor if len(labels) < 4 else frontier
        while True:
            if (base | 0xFF) >= len(used):
                units += [0] * len(used)
                used += bytearray(len(used))
            if not used[base] and not any(used[base ^ c] for c in labels):
                break
            base += 1
        used[base] = 1
        frontier = max(frontier, (base | 0xFF) + 1)
        if node == 0:
            units[0] = base << 10
        else:
            at = slot[node]
            assert base ^ at < 1 << 21
            units[at] |= ((base ^ at) << 10) | ((value[node] is not None) << 8)
            if value[node] is not None:
                units[base] = value[node] | 1 << 31
        for c in labels:
            used[base ^ c] = 1
            units[base ^ c] = c
            slot[children[node][c]] = base ^ c
            order.append(children[node][c])
    n_units = max(i for i, u in enumerate(used) if u) + 257
    units += [0] * max(0, n_units - len(units))
    trie = struct.pack(f"<{n_units}I", *units[:n_units])
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


class Normalizer:
    """Our kernel and HuggingFace's normalizer over one charsmap."""

    def __init__(self, charsmap: bytes):
        self.tables = build_precompiled_tables(charsmap)
        self.args = precompiled_args(self.tables)
        self.expansion = precompiled_expansion(self.tables)
        self.hf = tokenizers.normalizers.Precompiled(charsmap) if charsmap else None   # HF rejects b""

    def ours(self, text: str, src: np.ndarray | None = None) -> tuple[str, list[int]]:
        """Normalized text and, per char, the original char index it aligns to (-1: none)."""
        cp = np.frombuffer(text.encode("utf-32-le"), np.int32)
        n = len(cp)
        src = np.arange(n, dtype=np.int32) if src is None else src
        out_cp = np.full(n * self.expansion + 1, -7, np.int32)
        out_src = np.full(n * self.expansion + 1, -7, np.int32)
        m = precompiled(cp, src, n, out_cp, out_src, *self.args)
        assert m <= n * self.expansion
        return out_cp[:m].astype(np.uint32).tobytes().decode("utf-32-le"), out_src[:m].tolist()

    def theirs(self, text: str) -> str:
        return self.hf.normalize_str(text)

    def hf_alignment(self, text: str) -> list[int]:
        """Per normalized char, HF's original char index (its offsets are one char, or (0, 0))."""
        pretokenized = tokenizers.PreTokenizedString(text)
        pretokenized.normalize(lambda normalized: self.hf.normalize(normalized))
        pretokenized.split(lambda _, normalized: [normalized[i:i + 1] for i in range(len(normalized.normalized))])
        aligned = []
        for _, (start, end), _ in pretokenized.get_splits(offset_referential="original", offset_type="char"):
            assert end - start == 1 or start == end == 0
            aligned.append(start if end else -1)
        return aligned

    def assert_same(self, text: str, alignment: bool = True) -> None:
        got, src = self.ours(text)
        assert got == self.theirs(text), f"{text!r}"
        if alignment:
            assert src == self.hf_alignment(text), f"alignment of {text!r}"


@cache
def real(name: str) -> Normalizer:
    tokenizer = json.loads(tokenizer_json(name))
    normalizer = tokenizer["normalizer"]
    steps = normalizer["normalizers"] if normalizer["type"] == "Sequence" else [normalizer]
    charsmap = next(step["precompiled_charsmap"] for step in steps if step["type"] == "Precompiled")
    return Normalizer(base64.b64decode(charsmap))


@cache
def corpus_sample(lines: int) -> list[str]:
    return [line for name in corpus_files() for line in corpus_lines(name, lines)]


@pytest.mark.parametrize("name", REAL)
def test_real_charsmaps_on_corpora(name):
    normalizer = real(name)
    for text in corpus_sample(200):
        normalizer.assert_same(text, alignment=False)
    for text in corpus_sample(15):
        normalizer.assert_same(text[:400])


REFERENCE = [  # tokenizer-json-reference.md §3.8, t5-small ("ｶﾞ" is 6 bytes: char by char, not "ガ")
    ("Ａ\u0301", "A"), ("Ａ\u0301\u0301", "A\u0301\u0301"), ("e\u0301", "é"), ("ﬁ\u0301", "fi"), ("Ⅻ", "XII"),
    ("½", "1⁄2"), ("ｶﾞ", "カ\u3099"), ("x\u00a0y", "x y"), ("a\u200bb", "a b"), ("\ufeffa", " a"), ("\x00a\x01", "\x00a"),
    ("👨\u200d👩\u200d👧", "👨 👩 👧"), ("  a  ", "  a  "),
]


@pytest.mark.parametrize(("text", "expected"), REFERENCE)
def test_reference_examples(text, expected):
    normalizer = real("t5-small")
    assert normalizer.ours(text)[0] == expected
    normalizer.assert_same(text)


@pytest.mark.parametrize(("text", "aligned"), [
    ("\x01ab", [0, 1]),        # a deletion at the very start is lost: later chars align one early
    ("™\x1eg", [0, 1, 2]),     # the deleted \x1e takes the inserted M's place
    ("a\x01b", [0, 2]),
    ("Ⅻ", [0, 0, 0]),
    ("ﬁ\u0301x", [0, 1, 2]),   # the 2-char cluster becomes 2 chars: i aligns to the accent
])
def test_alignment_quirks(text, aligned):
    normalizer = real("t5-small")
    assert normalizer.ours(text)[1] == aligned
    normalizer.assert_same(text)


def test_alignment_goes_through_src():
    normalizer = real("t5-small")
    src = np.array([7, -1, 9, 9, 12], np.int32)
    assert normalizer.ours("aⅫ\x01b\t", src) == ("aXIIb ", [7, -1, -1, 9, 9, 12])
    normalizer.assert_same("aⅫ\x01b\t")


def test_empty_charsmap_copies():
    normalizer = Normalizer(b"")
    assert normalizer.ours("Ａb\u0301") == ("Ａb\u0301", [0, 1, 2])


def test_expansion_bound():
    assert precompiled_expansion(real("t5-small").tables) == 18           # U+FDFA, 18 chars
    assert precompiled_expansion(real("marian-nmt-ortx").tables) == 2
    assert real("t5-small").ours("\ufdfa")[0] == real("t5-small").theirs("\ufdfa")


def test_decoding_keeps_only_keys_that_can_match():
    keys = decode_charsmap(encode_charsmap({"a": "b", "abcde": "x", "abcdef": "y", "é": "", "éé": "z"}))
    assert keys == {"a": "b", "abcde": "x", "é": "", "éé": "z"}


# --- grapheme clusters ---------------------------------------------------------------------------

def every_code_point(skip=()):
    return [c for c in range(0x110000) if c not in SURROGATES and c not in skip]


def test_every_code_point_after_a_base():
    """``"a" + c``: c joins the cluster (Extend, ZWJ, SpacingMark) exactly when HF drops it."""
    normalizer = Normalizer(encode_charsmap({"a": "A"}))
    text = "".join("a" + chr(c) + "\n" for c in every_code_point(skip=(10,)))
    assert normalizer.ours(text)[0] == normalizer.theirs(text)


def test_every_code_point_before_a_base():
    """``c + "a"`` with c a key: "a" joins c's cluster (c Prepend) exactly when HF drops it."""
    code_points = every_code_point(skip=(0, 10))
    for first in range(0, len(code_points), 100_000):
        chunk = code_points[first:first + 100_000]
        normalizer = Normalizer(encode_charsmap({chr(c): "P" for c in chunk}))
        text = "".join(chr(c) + "a\n" for c in chunk)
        assert normalizer.ours(text)[0] == normalizer.theirs(text)


@cache
def class_pools() -> dict:
    """Per break-class value, up to 12 assigned code points (the shortest in UTF-8 first)."""
    rng = random.Random(5)
    ranges = collections.defaultdict(list)
    for first, last, value in _grapheme_break.RUNS:
        if first not in SURROGATES:
            ranges[value].append((first, last))
    ranges["other"] = [(0x61, 0x62), (0xE9, 0xE9), (0x416, 0x417), (0x4E00, 0x4E01), (0x1D400, 0x1D401)]
    pools = {}
    for value, spans in ranges.items():
        found = sorted({rng.randint(a, b) for a, b in spans for _ in range(3)}, key=lambda c: (len(chr(c).encode()), c))
        found = [c for c in found if unicodedata2.category(chr(c)) != "Cn"] or found
        pools[value] = [chr(c) for c in found[:6] + rng.sample(found, min(6, len(found)))]
    return pools


def class_sequences(seed: int, count: int, consonants: bool = True) -> list[str]:
    """Random short strings that pick a break class, then a char of it."""
    rng = random.Random(seed)
    pools = class_pools()
    values = [v for v in pools if consonants or v == "other" or v & 15 != 15]
    return ["".join(rng.choice(pools[rng.choice(values)]) for _ in range(rng.randint(1, 8))) for _ in range(count)]


@pytest.mark.parametrize("seed", range(4))
def test_class_sequences_with_random_charsmaps(seed):
    rng = random.Random(seed)
    pool = sorted({c for chars in class_pools().values() for c in chars} | set("ab \r\n\x01"))
    mapping = {c: rng.choice(["", c, "#", "xy", c + c, "uvw"]) for c in pool if rng.random() < 0.7}
    for _ in range(300):
        key = "".join(rng.choice(pool) for _ in range(rng.randint(2, 3)))
        if len(key.encode()) <= 5:
            mapping[key] = rng.choice(["M", "", "mn"])
    normalizer = Normalizer(encode_charsmap(mapping))
    texts = class_sequences(seed, 20_000)
    joined = "".join(texts)
    assert normalizer.ours(joined)[0] == normalizer.theirs(joined)
    for text in texts[:1500]:
        normalizer.assert_same(text)


@kernel
def cluster_ends(cp, index, blocks):
    """End of every grapheme cluster of ``cp`` (test helper over ``cluster_end``)."""
    ends = np.empty(cp.shape[0], np.int64)
    count = 0
    i = 0
    while i < cp.shape[0]:
        i = cluster_end(cp, i, cp.shape[0], index, blocks)
        ends[count] = i
        count += 1
    return ends[:count]


@cache
def break_class_tables():
    return build_precompiled_tables(b"")         # no keys: the break classes alone


def clusters(text: str) -> list[str]:
    tables = break_class_tables()
    ends = cluster_ends(np.frombuffer(text.encode("utf-32-le"), np.int32), tables.info_index,
                        tables.info_blocks).tolist()
    return [text[a:b] for a, b in zip([0] + ends, ends)]


def test_clusters_match_regex_without_conjuncts():
    """``regex``'s ``\\X`` agrees on everything but GB9c, where it joins a linker and a consonant
    with no consonant before them (unicode-segmentation, hence HF, does not)."""
    for text in class_sequences(11, 20_000, consonants=False):
        assert clusters(text) == regex.findall(r"\X", text), [hex(ord(c)) for c in text]


@pytest.mark.parametrize(("text", "expected"), [
    ("क्ष", ["क्ष"]),                                   # GB9c: consonant linker × consonant
    ("क\u093c\u094d\u200dष", ["क\u093c\u094d\u200dष"]),  # extends and ZWJ around the linker
    ("क\u093cष", ["क\u093c", "ष"]),                      # no linker
    ("\u094dष", ["\u094d", "ष"]),                         # a linker with no consonant before it
    ("🇺🇸🇬🇧🇫", ["🇺🇸", "🇬🇧", "🇫"]),                       # GB12/13
    ("👨\u200d👩\u200d👧x", ["👨\u200d👩\u200d👧", "x"]),  # GB11
    ("a\u200d👩", ["a\u200d", "👩"]),
    ("\r\n\n", ["\r\n", "\n"]),
    ("\u0600a", ["\u0600a"]),                              # Prepend
    ("각\u11a8\u1100\u1161", ["각\u11a8", "\u1100\u1161"]),    # Hangul syllables
])
def test_cluster_rules(text, expected):
    assert clusters(text) == expected


@settings(max_examples=MAX_EXAMPLES * 2, deadline=None)
@given(st.text(max_size=40))
def test_arbitrary_text_on_t5(text):
    real("t5-small").assert_same(text)


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(st.text(st.sampled_from(sorted({c for chars in class_pools().values() for c in chars})), max_size=12))
def test_arbitrary_cluster_text_on_marian(text):
    real("marian-nmt-ortx").assert_same(text)
