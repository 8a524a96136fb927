"""Hypothesis: real BPE and Unigram tokenizers agree with HuggingFace on arbitrary, trap-weighted Unicode."""
from __future__ import annotations

from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tokenizers import Tokenizer as HFTokenizer

import budtiktok
from shared_data import tokenizer_json

FIELDS = ("ids", "tokens", "offsets", "type_ids", "special_tokens_mask", "attention_mask", "word_ids",
          "sequence_ids")
# Byte-level with and without a Split regex, o200k's case classes, chained Splits, the
# SentencePiece-style ones (no pre-tokenizer, byte fallback) and CLIP's normalizer + suffix.
TOKENIZERS = ["gpt2", "llama-3", "gpt-4o", "deepseek-v3", "falcon", "clip", "llama-2", "gemma-2", "t5-small",
              "marian-nmt-ortx"]
TRAPS = (" \t\n\r\u00a0\u3000\u2028\x0b\x0c\x1c\x85'’sStTdDmMlLrRvVeEſ0123456789٣²½Ⅻ" "ÀéİıßﬁＡ\u0301\u0903"
         "😀👍🏽\u200d👩🏳️‍🌈<>|/\\_-.,!?你好カタカナーひらがなабвگ한국어ไทย▁Ġ<s></s><unk>")


@lru_cache(maxsize=None)
def pair(name: str):
    text = tokenizer_json(name)
    return budtiktok.Tokenizer.from_str(text), HFTokenizer.from_str(text)


texts = st.text(alphabet=st.one_of(st.sampled_from(TRAPS), st.characters(blacklist_categories=("Cs",))),
                max_size=60)


@pytest.mark.parametrize("name", TOKENIZERS)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(texts, min_size=1, max_size=6))
def test_encode_batch_matches_hf(name, batch):
    ours, theirs = pair(name)
    for special in (True, False):
        got = ours.encode_batch(batch, add_special_tokens=special)
        want = theirs.encode_batch(batch, add_special_tokens=special)
        for text, a, b in zip(batch, got, want):
            for field in FIELDS:
                assert getattr(a, field) == getattr(b, field), f"{name} {text!r} {field}"
    ids = [e.ids for e in want]
    assert ours.decode_batch(ids) == theirs.decode_batch(ids)
