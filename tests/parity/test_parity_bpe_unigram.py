"""Parity with HuggingFace `tokenizers` on the real BPE and Unigram tokenizers and every corpus, and
on Unigram tokenizers trained here with HuggingFace's trainer.

Every Encoding field must be identical to HF's for encode_batch (with and without special
tokens), encode, pairs and decode. Lines are cut at ``MAX_LINE_CHARS`` so the whole matrix stays
within CI's budget; ``BUDTIKTOK_FULL_PARITY=1`` runs the lines whole.
"""
from __future__ import annotations

import json
import os
import random
from functools import lru_cache

import pytest
from tokenizers import Tokenizer as HFTokenizer
from tokenizers import decoders, models, normalizers, pre_tokenizers, trainers

import budtiktok
from shared_data import corpus_files, corpus_lines, tokenizer_json

BYTE_LEVEL = ["gpt2", "roberta-base", "phi-2", "whisper-large-v3", "gpt-neox-20b", "claude-legacy", "cohere",
              "llama-3", "cl100k-gpt-3.5-turbo", "gpt-4o", "qwen2.5", "deepseek-v3", "falcon", "clip"]
SENTENCEPIECE = ["llama-2", "mistral-7b", "phi-3-mini", "gemma-2"]
UNIGRAM = ["t5-small", "marian-nmt-ortx"]
TOKENIZERS = BYTE_LEVEL + SENTENCEPIECE + UNIGRAM
LINES_PER_CORPUS = 500
MAX_LINE_CHARS = None if os.environ.get("BUDTIKTOK_FULL_PARITY") == "1" else 2000
FIELDS = ("ids", "type_ids", "tokens", "offsets", "attention_mask", "special_tokens_mask", "word_ids",
          "sequence_ids", "n_sequences")


@lru_cache(maxsize=2)
def pair_of_tokenizers(name: str):
    text = tokenizer_json(name)
    return budtiktok.Tokenizer.from_str(text), HFTokenizer.from_str(text)


def fields(encoding):
    return tuple(getattr(encoding, f) for f in FIELDS)


def assert_same(ours, theirs, inputs):
    assert len(ours) == len(theirs)
    for i, (a, b) in enumerate(zip(ours, theirs)):
        got, want = fields(a), fields(b)
        if got != want:
            for name, x, y in zip(FIELDS, got, want):
                assert x == y, (f"input {i} {inputs[i]!r:.120}: field {name} differs:\n"
                                f" ours {x!r:.600}\n HF   {y!r:.600}")


def lines_of(corpus: str) -> list[str]:
    return [line[:MAX_LINE_CHARS] for line in corpus_lines(corpus, LINES_PER_CORPUS)]


@pytest.mark.parametrize("corpus", corpus_files())
@pytest.mark.parametrize("name", TOKENIZERS)
def test_encode_batch_matches(name, corpus):
    ours, theirs = pair_of_tokenizers(name)
    lines = lines_of(corpus)
    for add_special_tokens in (True, False):
        assert_same(ours.encode_batch(lines, add_special_tokens=add_special_tokens),
                    theirs.encode_batch(lines, add_special_tokens=add_special_tokens), lines)
    pairs = [(a[:300], b[:200]) for a, b in zip(lines[:40:2], lines[1:40:2])]
    assert_same(ours.encode_batch(pairs), theirs.encode_batch(pairs), pairs)
    for line in lines[:5]:
        assert fields(ours.encode(line)) == fields(theirs.encode(line))
    ids = [e.ids for e in theirs.encode_batch(lines[:50])]
    for skip in (True, False):
        assert ours.decode_batch(ids, skip_special_tokens=skip) == theirs.decode_batch(ids, skip_special_tokens=skip)


def adversarial_texts() -> list[str]:
    rng = random.Random(7)
    random_bytes = bytes(rng.randrange(256) for _ in range(3000)).decode("utf-8", errors="replace")
    return [
        " " * 5000, "\n" * 300 + "x", " \t\r\n\u00a0\u3000" * 200, "1234567890" * 300, "a" * 20000,
        "😀" * 2000, "👨‍👩‍👧‍👦🏳️‍🌈👍🏽" * 100, "".join(map(chr, range(256))), random_bytes,
        "don't DON'T 'S 'ſ it's they'RE", "   leading and trailing   ", "", " ", "<|endoftext|>" * 3,
        "x" + "\u0301" * 500, "ﬁ ﬂ Ａ Ⅻ ½ ² ٣", "\x00\x01\x1c\x1f\x7f",
    ]


@pytest.mark.parametrize("name", TOKENIZERS)
def test_adversarial_inputs_match(name):
    ours, theirs = pair_of_tokenizers(name)
    texts = adversarial_texts()
    for add_special_tokens in (True, False):
        assert_same(ours.encode_batch(texts, add_special_tokens=add_special_tokens),
                    theirs.encode_batch(texts, add_special_tokens=add_special_tokens), texts)
    for text in texts:
        assert fields(ours.encode(text)) == fields(theirs.encode(text)), repr(text[:80])


TRAINING_CORPORA = ("en_abc", "ja_", "multi_udhr2", "code_", "xquad_ar", "xquad_ru", "xquad_hi", "xquad_th", "emoji_tw")


@lru_cache(maxsize=2)
def _trained(normalizer: str) -> str:
    lines = [line for corpus in corpus_files() if any(k in corpus for k in TRAINING_CORPORA)
             for line in corpus_lines(corpus, 60)]
    tokenizer = HFTokenizer(models.Unigram())
    tokenizer.normalizer = {"nfkc": normalizers.NFKC(),
                            "strip-lowercase": normalizers.Sequence([normalizers.Strip(), normalizers.Lowercase(),
                                                                     normalizers.NFKC()])}[normalizer]
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
    tokenizer.decoder = decoders.Metaspace()
    trainer = trainers.UnigramTrainer(vocab_size=3000, unk_token="<unk>", special_tokens=["<unk>", "<s>"],
                                      shrinking_factor=0.75, n_sub_iterations=2)
    tokenizer.train_from_iterator(lines, trainer)
    return tokenizer.to_str()


def trained_unigram(byte_fallback: bool, normalizer: str) -> str:
    """A Unigram tokenizer.json trained by HuggingFace on a slice of the multilingual corpora. Its
    trainer has no byte fallback: for that, the 256 ``<0xXX>`` pieces are appended and the flag set,
    as SentencePiece-converted files have them."""
    config = json.loads(_trained(normalizer))
    if byte_fallback:
        lowest = min(score for _, score in config["model"]["vocab"])
        config["model"]["vocab"] += [[f"<0x{byte:02X}>", lowest - 1.0] for byte in range(256)]
        config["model"]["byte_fallback"] = True
    return json.dumps(config)


@pytest.mark.parametrize("normalizer", ["nfkc", "strip-lowercase"])
@pytest.mark.parametrize("byte_fallback", [False, True])
def test_trained_unigram_matches(byte_fallback, normalizer):
    text = trained_unigram(byte_fallback, normalizer)
    ours, theirs = budtiktok.Tokenizer.from_str(text), HFTokenizer.from_str(text)
    lines = [line for corpus in corpus_files() for line in lines_of(corpus)[:60]] + adversarial_texts()
    assert_same(ours.encode_batch(lines), theirs.encode_batch(lines), lines)
    ids = [e.ids for e in theirs.encode_batch(lines[:200])]
    assert ours.decode_batch(ids) == theirs.decode_batch(ids)
