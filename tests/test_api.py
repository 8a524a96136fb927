"""The public ``budtiktok.Tokenizer`` API against HuggingFace ``tokenizers``: loading (file, gzip,
str, local folder, HF hub cache), vocabulary accessors, truncation / padding properties, decode,
``encode_batch_arrays`` and pre-tokenized input. Every expected value is HuggingFace's.

Data location: ``$BUDTIKTOK_TEST_DATA`` or the ``shared`` folder beside the repository; missing
data skips the shared-file tests locally and fails them under ``CI=true``.
"""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import numpy as np
import pytest
from tokenizers import Tokenizer as HFTokenizer

import budtiktok
from shared_data import assert_same_encoding, tokenizer_json as shared_json

os.environ["RUST_BACKTRACE"] = "0"

SHARED = ("bert-base-uncased", "bert-base-cased", "bert-base-multilingual-cased", "all-mpnet-base-v2",
          "all-MiniLM-L6-v2-padded")

TEXTS = [
    "Hello, world!", "", "   ", "İstanbul'da ΑΣ straße ǅ K", "[CLS] hi[MASK]there [mask] <mask>x",
    "Hello <mask> world<mask>!", "你好，世界。 \U0002b920\U0002b820", "a" * 101, "don't stop-believing 1½ $100",
    "مرحبا بالعالم שלום עולם สวัสดีครับ नमस्ते दुनिया", "e\u0301 \u00a0x\u200by\ufeffz\t\n\r\x0b\x0c\x85",
    "👨\u200d👩\u200d👧 😀👍🏽 ¡¿«»،。", "The quick brown fox jumps over the lazy dog " * 6,
]


def fresh(name: str):
    """A new (ours, HF) pair, so settings changed by one test never reach another."""
    text = shared_json(name)
    return budtiktok.Tokenizer.from_str(text), HFTokenizer.from_str(text)


def assert_same_batch(ours, theirs):
    assert len(ours) == len(theirs)
    for i, (a, b) in enumerate(zip(ours, theirs)):
        assert_same_encoding(a, b, f"batch[{i}]")


def check_same_tokenizer(ours: budtiktok.Tokenizer, hf: HFTokenizer):
    assert_same_batch(ours.encode_batch(TEXTS), hf.encode_batch(TEXTS))
    assert ours.get_vocab() == hf.get_vocab()


# ---------------------------------------------------------------------------------------------
# loading


@pytest.mark.parametrize("name", ["bert-base-uncased", "all-mpnet-base-v2"])
def test_from_file_json_and_gz(tmp_path, name):
    text = shared_json(name)
    plain = tmp_path / "tokenizer.json"
    plain.write_text(text, encoding="utf-8")
    packed = tmp_path / "tokenizer.json.gz"
    packed.write_bytes(gzip.compress(text.encode("utf-8")))
    hf = HFTokenizer.from_file(str(plain))
    check_same_tokenizer(budtiktok.Tokenizer.from_file(plain), hf)
    check_same_tokenizer(budtiktok.Tokenizer.from_file(str(plain)), hf)
    check_same_tokenizer(budtiktok.Tokenizer.from_file(packed), hf)


def test_from_str_and_bytes():
    text = shared_json("bert-base-cased")
    hf = HFTokenizer.from_str(text)
    check_same_tokenizer(budtiktok.Tokenizer.from_str(text), hf)
    check_same_tokenizer(budtiktok.Tokenizer.from_str(text.encode("utf-8")), hf)


def test_from_pretrained_local_dir(tmp_path):
    text = shared_json("bert-base-multilingual-cased")
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "tokenizer.json").write_text(text, encoding="utf-8")
    hf = HFTokenizer.from_str(text)
    check_same_tokenizer(budtiktok.Tokenizer.from_pretrained(str(tmp_path / "model")), hf)


def make_hub_cache(root: Path, repo: str, text: str, revision: str = "0123456789abcdef0123456789abcdef01234567"):
    """The HF hub cache layout: hub/models--org--name/{refs/main, snapshots/<hash>/tokenizer.json}."""
    model = root / "hub" / f"models--{repo.replace('/', '--')}"
    snapshot = model / "snapshots" / revision
    snapshot.mkdir(parents=True)
    (snapshot / "tokenizer.json").write_text(text, encoding="utf-8")
    (model / "refs").mkdir()
    (model / "refs" / "main").write_text(revision)
    return snapshot


def test_from_pretrained_hub_cache(tmp_path, monkeypatch):
    text = shared_json("all-mpnet-base-v2")
    make_hub_cache(tmp_path, "sentence-transformers/all-mpnet-base-v2", text)
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    monkeypatch.chdir(tmp_path)  # no local folder of that name
    ours = budtiktok.Tokenizer.from_pretrained("sentence-transformers/all-mpnet-base-v2")
    hf = HFTokenizer.from_str(text)
    check_same_tokenizer(ours, hf)
    assert ours.truncation == hf.truncation and ours.padding == hf.padding


def test_from_pretrained_hub_cache_env(tmp_path, monkeypatch):
    """``HF_HUB_CACHE`` names the hub folder itself."""
    text = shared_json("bert-base-uncased")
    make_hub_cache(tmp_path / "elsewhere", "google/bert-base-uncased", text)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "elsewhere" / "hub"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "empty"))
    monkeypatch.chdir(tmp_path)
    check_same_tokenizer(budtiktok.Tokenizer.from_pretrained("google/bert-base-uncased"), HFTokenizer.from_str(text))


def test_from_pretrained_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    monkeypatch.delenv("HF_HUB_CACHE", raising=False)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError):
        budtiktok.Tokenizer.from_pretrained("nobody/nothing")


# ---------------------------------------------------------------------------------------------
# vocabulary


@pytest.mark.parametrize("name", SHARED)
def test_vocabulary_accessors(name):
    ours, hf = fresh(name)
    for with_added in (True, False):
        assert ours.get_vocab(with_added_tokens=with_added) == hf.get_vocab(with_added_tokens=with_added)
        assert ours.get_vocab_size(with_added_tokens=with_added) == hf.get_vocab_size(with_added_tokens=with_added)
    assert ours.get_vocab() == hf.get_vocab()  # defaults
    size = hf.get_vocab_size()
    assert [ours.id_to_token(i) for i in range(size + 5)] == [hf.id_to_token(i) for i in range(size + 5)]
    tokens = list(hf.get_vocab()) + ["[unk]", "<MASK>", "nope", "", " ", "##", "hello world"]
    assert [ours.token_to_id(t) for t in tokens] == [hf.token_to_id(t) for t in tokens]


@pytest.mark.parametrize("bad_id", [-1, 2**32, 2**40])
def test_id_to_token_out_of_range_ids(bad_id):
    """HF takes a u32: a negative or too-large id raises OverflowError (not None)."""
    ours, hf = fresh("bert-base-uncased")
    with pytest.raises(OverflowError):
        hf.id_to_token(bad_id)
    with pytest.raises(OverflowError):
        ours.id_to_token(bad_id)


# ---------------------------------------------------------------------------------------------
# truncation / padding properties


@pytest.mark.parametrize("name", SHARED)
def test_settings_as_loaded(name):
    ours, hf = fresh(name)
    assert ours.truncation == hf.truncation
    assert ours.padding == hf.padding
    check_same_tokenizer(ours, hf)


@pytest.mark.parametrize("truncation", [
    {"max_length": 7},
    {"max_length": 12, "stride": 3, "strategy": "only_first", "direction": "left"},
    {"max_length": 9, "stride": 1, "strategy": "only_second"},
    {"max_length": 512, "strategy": "longest_first", "direction": "right"},
])
@pytest.mark.parametrize("padding", [
    {},
    {"direction": "left", "pad_id": 3, "pad_type_id": 1, "pad_token": "<pad>", "length": 20},
    {"pad_to_multiple_of": 8},
    {"length": 5, "pad_to_multiple_of": 4, "direction": "right"},
])
def test_settings_after_enable(truncation, padding):
    ours, hf = fresh("all-MiniLM-L6-v2-padded")
    for tok in (ours, hf):
        tok.enable_truncation(**truncation)
        tok.enable_padding(**padding)
    assert ours.truncation == hf.truncation
    assert ours.padding == hf.padding
    pairs = [(a, b) for a, b in zip(TEXTS, reversed(TEXTS))]
    if truncation.get("strategy") != "only_second":
        assert_same_batch(ours.encode_batch(TEXTS), hf.encode_batch(TEXTS))
    try:
        expected = hf.encode_batch(pairs)
    except Exception as error:
        with pytest.raises(Exception) as info:
            ours.encode_batch(pairs)
        assert "Truncation error" in str(info.value) and "Truncation error" in str(error)
    else:
        assert_same_batch(ours.encode_batch(pairs), expected)
    for tok in (ours, hf):
        tok.no_truncation()
        tok.no_padding()
    assert ours.truncation is None and hf.truncation is None
    assert ours.padding is None and hf.padding is None
    check_same_tokenizer(ours, hf)


def test_settings_defaults():
    ours, hf = fresh("bert-base-uncased")
    for tok in (ours, hf):
        tok.enable_truncation(16)
        tok.enable_padding()
    assert ours.truncation == hf.truncation
    assert ours.padding == hf.padding


# ---------------------------------------------------------------------------------------------
# encode: singles, pairs, add_special_tokens, pre-tokenized input


@pytest.mark.parametrize("name", SHARED)
def test_encode_and_pairs(name):
    ours, hf = fresh(name)
    for text in TEXTS:
        for add in (True, False):
            assert_same_encoding(ours.encode(text, add_special_tokens=add), hf.encode(text, add_special_tokens=add))
            assert_same_encoding(ours.encode(text, "second: " + text, add_special_tokens=add),
                                 hf.encode(text, "second: " + text, add_special_tokens=add))
    mixed = [TEXTS[0], (TEXTS[3], TEXTS[4]), [TEXTS[5], TEXTS[6]], TEXTS[7]]
    assert_same_batch(ours.encode_batch(mixed), hf.encode_batch(mixed))
    assert_same_batch(ours.encode_batch(mixed, add_special_tokens=False),
                      hf.encode_batch(mixed, add_special_tokens=False))


WORD_INPUTS = [
    ["Hello", "wörld", "you're"],
    ["[CLS]", "hi", "[MASK]", "<mask>", " <mask>", "x<mask>"],
    ["", " ", "a b", "你好", "İ", "a" * 120],
    [],
    ("tuple", "of", "words"),
]


@pytest.mark.parametrize("name", SHARED)
def test_pretokenized(name):
    ours, hf = fresh(name)
    for words in WORD_INPUTS:
        for add in (True, False):
            assert_same_encoding(ours.encode(words, is_pretokenized=True, add_special_tokens=add),
                                 hf.encode(words, is_pretokenized=True, add_special_tokens=add))
            assert_same_encoding(ours.encode(words, ["pair", "words"], is_pretokenized=True, add_special_tokens=add),
                                 hf.encode(words, ["pair", "words"], is_pretokenized=True, add_special_tokens=add))
    batch = [list(w) for w in WORD_INPUTS] + [(list(WORD_INPUTS[0]), list(WORD_INPUTS[1]))]
    assert_same_batch(ours.encode_batch(batch, is_pretokenized=True), hf.encode_batch(batch, is_pretokenized=True))


def test_pretokenized_with_truncation_and_padding():
    ours, hf = fresh("bert-base-uncased")
    for tok in (ours, hf):
        tok.enable_truncation(10, stride=1)
        tok.enable_padding(pad_to_multiple_of=4, direction="left")
    batch = [list(w) for w in WORD_INPUTS] + [(["a", "b", "c"], ["d", "e", "f", "g"])]
    assert_same_batch(ours.encode_batch(batch, is_pretokenized=True), hf.encode_batch(batch, is_pretokenized=True))


def test_encoding_object():
    ours, hf = fresh("bert-base-uncased")
    got, expected = ours.encode("Hello world"), hf.encode("Hello world")
    assert len(got) == len(expected)
    assert got.words == expected.word_ids
    assert isinstance(got.ids, list) and all(type(i) is int for i in got.ids)
    assert all(type(o) is tuple for o in got.offsets)
    assert ours.encode_batch([]) == [] == hf.encode_batch([])


def test_nested_overflowing():
    """HF nests further windows inside the overflow windows of a pair
    (``encode("a b c d", "e f g h").overflowing[0].overflowing`` holds 3 encodings); ours has none."""
    ours, hf = fresh("bert-base-uncased")
    for tok in (ours, hf):
        tok.enable_truncation(4)
    expected = hf.encode("a b c d", "e f g h")
    got = ours.encode("a b c d", "e f g h")
    assert [len(o.overflowing) for o in got.overflowing] == [len(o.overflowing) for o in expected.overflowing]
    for i, (a, b) in enumerate(zip(got.overflowing, expected.overflowing)):
        for j, (c, d) in enumerate(zip(a.overflowing, b.overflowing)):
            assert_same_encoding(c, d, f"overflowing[{i}].overflowing[{j}]")


# ---------------------------------------------------------------------------------------------
# decode

ID_LISTS = {
    "bert-base-uncased": [[101, 7592, 1010, 2088, 999, 102], [101, 103, 100, 0, 102, 102], [2023, 2003, 1037, 3231,
                          1011, 2015, 1005, 1056, 1012], [], [999999, 7592, 2088], [1, 2, 3, 4, 5, 99, 104]],
    "all-mpnet-base-v2": [[0, 3, 104, 7592, 30526, 2, 1, 99999999], [0, 7592, 2, 2, 2088, 2], [30526], [1, 1, 1]],
}


@pytest.mark.parametrize("name", SHARED)
def test_decode(name):
    ours, hf = fresh(name)
    id_lists = ID_LISTS.get(name, []) + [hf.encode(t).ids for t in TEXTS] + [hf.encode(a, b).ids
                                                                            for a, b in zip(TEXTS, TEXTS[1:])]
    for ids in id_lists:
        for skip in (True, False):
            assert ours.decode(ids, skip_special_tokens=skip) == hf.decode(ids, skip_special_tokens=skip), ids
        assert ours.decode(ids) == hf.decode(ids), ids  # default: skip_special_tokens=True
    for skip in (True, False):
        assert ours.decode_batch(id_lists, skip_special_tokens=skip) == hf.decode_batch(id_lists,
                                                                                         skip_special_tokens=skip)
    assert ours.decode_batch(id_lists) == hf.decode_batch(id_lists)
    assert ours.decode_batch([]) == hf.decode_batch([]) == []


def test_decode_numpy_ids():
    ours, hf = fresh("bert-base-uncased")
    ids = hf.encode("Hello world, numpy ids").ids
    assert ours.decode(np.asarray(ids, dtype=np.int64)) == hf.decode(ids)
    assert ours.decode(np.asarray(ids, dtype=np.int32).tolist()) == hf.decode(ids)


@pytest.mark.parametrize("ids", [[-1, 5], [7592, 2**32], [7592, -(2**40)]])
def test_decode_out_of_range_ids(ids):
    """HF takes u32 ids: a negative or too-large id raises OverflowError; it is not dropped like
    an unknown (in-range) id."""
    ours, hf = fresh("bert-base-uncased")
    with pytest.raises(OverflowError):
        hf.decode(ids)
    with pytest.raises(OverflowError):
        ours.decode(ids)


# ---------------------------------------------------------------------------------------------
# encode_batch_arrays


def flat_expected(encodings):
    ids = [i for e in encodings for i in e.ids]
    splits = np.cumsum([0] + [len(e) for e in encodings]).tolist()
    offsets = [tuple(o) for e in encodings for o in e.offsets]
    return ids, splits, offsets


@pytest.mark.parametrize("name", SHARED)
@pytest.mark.parametrize("add_special_tokens", [True, False])
def test_encode_batch_arrays_unpadded(name, add_special_tokens):
    ours, hf = fresh(name)
    for tok in (ours, hf):
        tok.no_padding()
    expected = hf.encode_batch(TEXTS, add_special_tokens=add_special_tokens)
    got = ours.encode_batch_arrays(TEXTS, add_special_tokens=add_special_tokens, return_offsets=True)
    ids, splits, offsets = flat_expected(expected)
    assert got.ids.tolist() == ids
    assert got.row_splits.tolist() == splits
    assert [tuple(o) for o in got.offsets.tolist()] == offsets
    assert got.input_ids is None and got.attention_mask is None and got.token_type_ids is None
    assert ours.encode_batch_arrays(TEXTS, add_special_tokens=add_special_tokens).offsets is None


@pytest.mark.parametrize("name", SHARED)
@pytest.mark.parametrize("padding", [{}, {"direction": "left", "pad_id": 7, "pad_type_id": 1},
                                     {"pad_to_multiple_of": 8}, {"length": 200}])
def test_encode_batch_arrays_padded(name, padding):
    ours, hf = fresh(name)
    for tok in (ours, hf):
        tok.enable_truncation(64, stride=4)
        tok.enable_padding(**padding)
    expected = hf.encode_batch(TEXTS)
    got = ours.encode_batch_arrays(TEXTS, return_offsets=True)
    ids, splits, offsets = flat_expected(expected)
    assert got.ids.tolist() == ids
    assert got.row_splits.tolist() == splits
    assert [tuple(o) for o in got.offsets.tolist()] == offsets
    for matrix in (got.input_ids, got.attention_mask, got.token_type_ids):
        assert matrix.dtype == np.int64 and matrix.shape == (len(TEXTS), len(expected[0]))
    assert got.input_ids.tolist() == [e.ids for e in expected]
    assert got.attention_mask.tolist() == [e.attention_mask for e in expected]
    assert got.token_type_ids.tolist() == [e.type_ids for e in expected]


def test_encode_batch_arrays_padded_flag_without_padding():
    """``padded=True`` with padding off pads to the batch's longest row with id 0 (HF's default
    ``enable_padding()``); ``padded=False`` with padding on gives no matrices."""
    ours, hf = fresh("bert-base-cased")
    hf.enable_padding()
    expected = hf.encode_batch(TEXTS)
    got = ours.encode_batch_arrays(TEXTS, padded=True)
    assert got.input_ids.tolist() == [e.ids for e in expected]
    assert got.attention_mask.tolist() == [e.attention_mask for e in expected]
    assert got.token_type_ids.tolist() == [e.type_ids for e in expected]
    ours.enable_padding()
    assert ours.encode_batch_arrays(TEXTS, padded=False).input_ids is None


def test_encode_batch_arrays_excludes_overflow():
    ours, hf = fresh("bert-base-uncased")
    for tok in (ours, hf):
        tok.enable_truncation(5, stride=1)
    expected = hf.encode_batch(TEXTS)
    assert any(e.overflowing for e in expected)
    got = ours.encode_batch_arrays(TEXTS)
    assert got.ids.tolist() == [i for e in expected for i in e.ids]


def test_encode_batch_arrays_empty():
    ours, _ = fresh("all-MiniLM-L6-v2-padded")
    got = ours.encode_batch_arrays([])
    assert got.ids.tolist() == [] and got.row_splits.tolist() == [0]


def test_encode_batch_arrays_large_batch():
    """Big enough for the multi-threaded kernels."""
    ours, hf = fresh("all-MiniLM-L6-v2-padded")
    batch = [t + f" {i}" for i in range(60) for t in TEXTS]
    expected = hf.encode_batch(batch)
    got = ours.encode_batch_arrays(batch, return_offsets=True)
    assert got.input_ids.tolist() == [e.ids for e in expected]
    assert got.attention_mask.tolist() == [e.attention_mask for e in expected]
    assert [tuple(o) for o in got.offsets.tolist()] == [tuple(o) for e in expected for o in e.offsets]
