"""Parity with HuggingFace `tokenizers` on the real WordPiece-family tokenizers and every corpus.

Every Encoding field (and the overflowing windows) must be identical to HF's for encode_batch,
encode, pairs, truncation with stride, padding and decode.
"""
from __future__ import annotations

from functools import lru_cache

import pytest
from tokenizers import Tokenizer as HFTokenizer

import budtiktok
from shared_data import corpus_files, corpus_lines, tokenizer_json

TOKENIZERS = [
    "bert-base-uncased", "bert-base-cased", "bert-base-multilingual-cased", "bert-base-chinese",
    "all-MiniLM-L6-v2", "all-MiniLM-L6-v2-padded", "all-mpnet-base-v2",
]
LINES_PER_CORPUS = 500
FIELDS = ("ids", "type_ids", "tokens", "offsets", "attention_mask", "special_tokens_mask", "word_ids",
          "sequence_ids", "n_sequences")


@lru_cache(maxsize=None)
def pair_of_tokenizers(name: str):
    text = tokenizer_json(name)
    return budtiktok.Tokenizer.from_str(text), HFTokenizer.from_str(text)


def encoding_fields(encoding, with_overflow: bool = True):
    fields = tuple(getattr(encoding, f) for f in FIELDS)
    if with_overflow:
        fields += (tuple(encoding_fields(o, False) for o in encoding.overflowing),)
    return fields


def short_pairs(lines):
    """Consecutive lines as pairs, cut short: when both sides overflow, HF's merge makes n_A * n_B
    rows (a 200 kB code line under the stored max_length 128 would make a million)."""
    return [(a[:300], b[:200]) for a, b in zip(lines[::2], lines[1::2])]


def assert_same(ours, theirs, inputs):
    assert len(ours) == len(theirs)
    for i, (a, b) in enumerate(zip(ours, theirs)):
        got, want = encoding_fields(a), encoding_fields(b)
        if got != want:
            for name, x, y in zip(FIELDS + ("overflowing",), got, want):
                assert x == y, f"input {i} {inputs[i]!r:.120}: field {name} differs"


@pytest.mark.parametrize("corpus", corpus_files())
@pytest.mark.parametrize("name", TOKENIZERS)
def test_encode_batch_matches(name, corpus):
    ours, theirs = pair_of_tokenizers(name)
    lines = list(corpus_lines(corpus, LINES_PER_CORPUS))
    for add_special_tokens in (True, False):
        assert_same(ours.encode_batch(lines, add_special_tokens=add_special_tokens),
                    theirs.encode_batch(lines, add_special_tokens=add_special_tokens), lines)
    pairs = short_pairs(lines)
    assert_same(ours.encode_batch(pairs), theirs.encode_batch(pairs), pairs)
    for line in lines[:10]:
        assert encoding_fields(ours.encode(line)) == encoding_fields(theirs.encode(line))
    ids = [e.ids for e in theirs.encode_batch(lines[:50])]
    for skip in (True, False):
        assert ours.decode_batch(ids, skip_special_tokens=skip) == theirs.decode_batch(ids, skip_special_tokens=skip)


@pytest.mark.parametrize("corpus", corpus_files())
@pytest.mark.parametrize("name", ["bert-base-uncased", "all-mpnet-base-v2", "bert-base-multilingual-cased"])
def test_truncation_and_padding_match(name, corpus):
    ours, theirs = pair_of_tokenizers(name)
    lines = list(corpus_lines(corpus, LINES_PER_CORPUS))
    pairs = short_pairs(lines[:200])
    settings = [
        (dict(max_length=128, stride=32), dict()),
        (dict(max_length=64, stride=8, direction="left"), dict(direction="left", pad_to_multiple_of=8)),
        (dict(max_length=96, strategy="only_first"), dict(length=100)),
    ]
    try:
        for truncation, padding in settings:
            for tok in (ours, theirs):
                tok.enable_truncation(**truncation)
                tok.enable_padding(pad_id=tok.token_to_id("[PAD]") or 0, **padding)
            assert_same(ours.encode_batch(lines), theirs.encode_batch(lines), lines)
            if truncation.get("strategy") != "only_first":
                assert_same(ours.encode_batch(pairs), theirs.encode_batch(pairs), pairs)
            assert encoding_fields(ours.encode(lines[0])) == encoding_fields(theirs.encode(lines[0]))
    finally:
        for tok in (ours, theirs):
            tok.no_truncation()
            tok.no_padding()
