"""Compile every kernel once (or load it from Numba's on-disk cache).

Kernels are specialised on argument *types* only and every tokenizer of a family passes the same
types, so a tiny built-in tokenizer that walks every code path warms the cache for all of them.
"""
from __future__ import annotations

import json
import time

TINY_WORDPIECE = {
    "version": "1.0",
    "added_tokens": [
        {"id": i, "content": t, "single_word": False, "lstrip": t == "[MASK]", "rstrip": False,
         "normalized": t == "[MASK]", "special": True}
        for i, t in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
    ],
    "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                   "strip_accents": None, "lowercase": True},
    "pre_tokenizer": {"type": "BertPreTokenizer"},
    "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 3], "cls": ["[CLS]", 2]},
    "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
    "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
              "max_input_chars_per_word": 100,
              "vocab": {t: i for i, t in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world",
                                                    "##s", "!", "cafe", "你"])}},
}


TINY_UNIGRAM = {
    "version": "1.0",
    "pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": True},
    "model": {"type": "Unigram", "unk_id": 0, "byte_fallback": False,
              "vocab": [["<unk>", 0.0], ["\u2581", -2.0], ["a", -1.0], ["b", -1.5], ["ab", -2.0]]},
}


def run_warmup(tokenizer=None) -> float:
    """Run every encode path of ``tokenizer`` (default: a tiny WordPiece one); returns seconds."""
    from .tokenizer import Tokenizer

    started = time.perf_counter()
    tok = tokenizer if tokenizer is not None else Tokenizer.from_str(json.dumps(TINY_WORDPIECE))
    saved = tok.truncation, tok.padding
    texts = ["Hello worlds! [MASK] café 你好", "hello"] * 600   # large enough for the parallel kernels
    tok.encode(texts[0], texts[1])
    tok.encode_batch(texts[:4])
    tok.encode_batch_arrays(texts, padded=True, return_offsets=True)
    tok.encode_batch([(a, b) for a, b in zip(texts[::2], texts[1::2])])
    tok.enable_truncation(4 + tok._compiled.post.n_added_single, stride=1)
    tok.enable_padding(pad_to_multiple_of=8)
    tok.encode_batch(texts)
    tok.encode_batch(texts[:3])
    tok.decode(tok.encode(texts[0]).ids)
    _restore(tok, *saved)
    if tokenizer is None:       # the Unigram extras are kernels of their own
        unigram = Tokenizer.from_str(json.dumps(TINY_UNIGRAM))
        unigram.encode_nbest("ab abc", 3)
        unigram.sample("ab abc", 0.5, seed=1)
    return time.perf_counter() - started


def _restore(tok, truncation, padding) -> None:
    tok.no_truncation()
    tok.no_padding()
    if truncation is not None:
        tok.enable_truncation(**truncation)
    if padding is not None:
        tok.enable_padding(**padding)
