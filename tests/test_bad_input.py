"""Bad input: malformed tokenizer.json, wrong argument types and shapes, invalid text, huge
inputs, truncation errors and bad settings. Every expectation is HuggingFace ``tokenizers``'
behaviour (same outcome, same exception class family), checked side by side.

Data location: ``$BUDTIKTOK_TEST_DATA`` or the ``shared`` folder beside the repository; missing
data skips the shared-file tests locally and fails them under ``CI=true``.
"""

from __future__ import annotations

import copy
import json
import os

import pytest
from tokenizers import Tokenizer as HFTokenizer

import budtiktok
from shared_data import assert_same_encoding, tokenizer_json as shared_json

os.environ["RUST_BACKTRACE"] = "0"



@pytest.fixture
def bert():
    """A fresh (ours, HF) pair of bert-base-uncased, so settings never leak between tests."""
    text = shared_json("bert-base-uncased")
    return budtiktok.Tokenizer.from_str(text), HFTokenizer.from_str(text)


def raises_both(call_ours, call_hf, exc_type=Exception):
    """Both raise; ours is ``exc_type`` and so is HF's (HF raises bare ``Exception`` for some)."""
    with pytest.raises(BaseException) as hf_info:
        call_hf()
    with pytest.raises(exc_type) as ours_info:
        call_ours()
    if exc_type is not Exception:
        assert isinstance(hf_info.value, exc_type), f"HF raised {hf_info.value!r}"
    return ours_info.value, hf_info.value


# ---------------------------------------------------------------------------------------------
# malformed tokenizer.json

BASE = {
    "version": "1.0", "truncation": None, "padding": None, "added_tokens": [], "normalizer": None,
    "pre_tokenizer": None,
    "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
              "max_input_chars_per_word": 100, "vocab": {"[UNK]": 0, "a": 1}},
    "post_processor": None, "decoder": None,
}


def variant(**changes) -> str:
    config = copy.deepcopy(BASE)
    config.update(changes)
    return json.dumps(config)


MALFORMED = [
    ("not json", '{"version": "1.0", ', ""),
    ("empty file", "", ""),
    ("top level list", "[]", ""),
    ("bad version", variant(version="2.0"), "version"),
    ("no model", json.dumps({k: v for k, v in BASE.items() if k != "model"}), "model"),
    ("unknown model", variant(model={"type": "Nope", "vocab": {}}), "model.type"),
    ("unknown normalizer in a sequence",
     variant(normalizer={"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "Nope"}]}),
     "normalizer.normalizers[1].type"),
    ("unknown pre-tokenizer in a sequence",
     variant(pre_tokenizer={"type": "Sequence", "pretokenizers": [{"type": "Whitespace"}, {"type": "Nope"}]}),
     "pre_tokenizer.pretokenizers[1].type"),
    ("bad Punctuation behaviour", variant(pre_tokenizer={"type": "Punctuation", "behavior": "Sideways"}),
     "pre_tokenizer.behavior"),
    ("multi-char delimiter", variant(pre_tokenizer={"type": "CharDelimiterSplit", "delimiter": "ab"}),
     "pre_tokenizer.delimiter"),
    ("Strip without fields", variant(normalizer={"type": "Strip"}), "normalizer.strip_left"),
    ("vocab is a list", variant(model={**BASE["model"], "vocab": [1, 2]}), "model.vocab"),
    ("vocab id is a string", variant(model={**BASE["model"], "vocab": {"[UNK]": "0"}}), 'model.vocab["[UNK]"]'),
    ("added token content not str",
     variant(added_tokens=[{"id": 0, "content": 5, "single_word": False, "lstrip": False, "rstrip": False,
                            "normalized": False, "special": True}]), "added_tokens[0].content"),
    ("added token without content", variant(added_tokens=[{"id": 0}]), "added_tokens[0].content"),
    ("BertProcessing sep of one item",
     variant(post_processor={"type": "BertProcessing", "sep": ["[SEP]"], "cls": ["[CLS]", 1]}),
     "post_processor.sep"),
    ("bad padding strategy",
     variant(padding={"strategy": "Sometimes", "direction": "Right", "pad_to_multiple_of": None, "pad_id": 0,
                      "pad_type_id": 0, "pad_token": "[PAD]"}), "padding.strategy"),
    ("negative max_length", variant(truncation={"max_length": -1, "strategy": "LongestFirst", "stride": 0}),
     "truncation.max_length"),
    ("unknown decoder", variant(decoder={"type": "Nope"}), "decoder.type"),
]


@pytest.mark.parametrize("what, text, path", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_json_raises_config_error_with_path(what, text, path):
    with pytest.raises(Exception):
        HFTokenizer.from_str(text)
    with pytest.raises(budtiktok.TokenizerConfigError) as info:
        budtiktok.Tokenizer.from_str(text)
    assert info.value.path == path
    assert isinstance(info.value, ValueError)


UNSUPPORTED = [
    ("UnicodeScripts in a sequence",
     variant(pre_tokenizer={"type": "Sequence", "pretokenizers": [{"type": "Whitespace"}, {"type": "UnicodeScripts"}]}),
     "pre_tokenizer.pretokenizers[1].type"),
    ("Split with a look-behind regex",
     variant(pre_tokenizer={"type": "Split", "pattern": {"Regex": "(?<=a)b"}, "behavior": "Isolated",
                            "invert": False}), "pre_tokenizer.pattern"),
    ("Replace with a backreference",
     variant(normalizer={"type": "Sequence", "normalizers": [
         {"type": "NFC"}, {"type": "Replace", "pattern": {"Regex": "(a)\\1"}, "content": " "}]}),
     "normalizer.normalizers[1].pattern"),
]


@pytest.mark.parametrize("what, text, path", UNSUPPORTED, ids=[m[0] for m in UNSUPPORTED])
def test_unsupported_components(what, text, path):
    """Valid files (HF loads them) using components this version does not run."""
    HFTokenizer.from_str(text)
    with pytest.raises(budtiktok.UnsupportedComponentError) as info:
        budtiktok.Tokenizer.from_str(text)
    assert info.value.path == path
    assert isinstance(info.value, budtiktok.TokenizerConfigError)


def test_precompiled_without_charsmap_is_a_no_op():
    """HuggingFace 0.23 panics on a null charsmap (a PanicException, not a clean error); budtiktok
    reads it as SentencePiece does an empty one: no normalization."""
    text = variant(normalizer={"type": "Precompiled", "precompiled_charsmap": None})
    plain = variant(normalizer=None)
    assert budtiktok.Tokenizer.from_str(text).encode("Ａ ab").ids == budtiktok.Tokenizer.from_str(plain).encode("Ａ ab").ids


@pytest.mark.parametrize("model", ["WordPiece", "WordLevel"])
def test_unk_token_missing_from_vocab_loads_like_hf(model):
    """HF loads a WordPiece/WordLevel model whose unk_token is not in the vocab and only fails when
    a word actually needs the unk token ("WordPiece error: Missing [UNK] token from the vocabulary")."""
    config = copy.deepcopy(BASE)
    config["model"] = ({"type": "WordLevel", "vocab": {"a": 0}, "unk_token": "[UNK]"} if model == "WordLevel"
                       else {**BASE["model"], "vocab": {"a": 0}})
    text = json.dumps(config)
    hf = HFTokenizer.from_str(text)
    ours = budtiktok.Tokenizer.from_str(text)
    assert_same_encoding(ours.encode("a"), hf.encode("a"))
    assert_same_encoding(ours.encode(""), hf.encode(""))
    raises_both(lambda: ours.encode("b"), lambda: hf.encode("b"))


def test_from_file_missing(tmp_path):
    with pytest.raises(budtiktok.TokenizerConfigError):
        budtiktok.Tokenizer.from_file(tmp_path / "nope.json")
    with pytest.raises(Exception):
        HFTokenizer.from_file(str(tmp_path / "nope.json"))


def test_from_str_wrong_type():
    with pytest.raises(TypeError):
        budtiktok.Tokenizer.from_str({"version": "1.0"})


# ---------------------------------------------------------------------------------------------
# wrong types and shapes: TypeError like HF


@pytest.mark.parametrize("bad", [3, None, b"abc", 1.5, ["a"], ("a",), {"a": 1}])
def test_encode_non_str(bert, bad):
    ours, hf = bert
    raises_both(lambda: ours.encode(bad), lambda: hf.encode(bad), TypeError)
    if bad is not None:  # a None pair means "no pair"
        raises_both(lambda: ours.encode("a", bad), lambda: hf.encode("a", bad), TypeError)


@pytest.mark.parametrize("bad", [3, None, b"x", 2.0, {"a": 1}])
@pytest.mark.parametrize("index", [0, 1, 4])
def test_encode_batch_non_str_names_its_index(bert, bad, index):
    ours, hf = bert
    batch = ["hello", "world", ("a", "b"), "x", "y"]
    batch[index] = bad
    error, _ = raises_both(lambda: ours.encode_batch(batch), lambda: hf.encode_batch(batch), TypeError)
    assert str(index) in str(error)


def test_encode_batch_arrays_non_str_names_its_index(bert):
    ours, _ = bert
    with pytest.raises(TypeError, match="3"):
        ours.encode_batch_arrays(["a", "b", "c", 7])


@pytest.mark.parametrize("pair_item", [("a", 3), (3, "a"), ("a", b"b")])
def test_encode_batch_bad_pair_member_names_the_input_index(bert, pair_item):
    """The bad member of the pair at input 1 is reported as input 1 (not its index in an internal
    flattened list: ours said "input 2 is int" for ``["x", ("a", 3)]``)."""
    ours, hf = bert
    batch = ["x", pair_item, "y"]
    error, _ = raises_both(lambda: ours.encode_batch(batch), lambda: hf.encode_batch(batch), TypeError)
    assert "input 1" in str(error), str(error)


@pytest.mark.parametrize("bad_item", [("a", "b", "c"), ["a", "b", "c"], ("a",), (), []])
def test_encode_batch_wrong_pair_shapes(bert, bad_item):
    ours, hf = bert
    batch = ["x", bad_item]
    error, _ = raises_both(lambda: ours.encode_batch(batch), lambda: hf.encode_batch(batch), TypeError)
    assert "1" in str(error)


def test_encode_batch_list_of_two_is_a_pair(bert):
    ours, hf = bert
    batch = ["x", ["a", "b"]]
    for a, b in zip(ours.encode_batch(batch), hf.encode_batch(batch)):
        assert_same_encoding(a, b)


def test_encode_batch_pair_with_none_member(bert):
    """HF rejects ``("a", None)`` in a batch (TypeError); it is not a single sequence."""
    ours, hf = bert
    batch = ["x", ("a", None)]
    raises_both(lambda: ours.encode_batch(batch), lambda: hf.encode_batch(batch), TypeError)


def test_encode_batch_of_a_str(bert):
    """HF rejects a bare str as the batch ("Can't extract `str` to `Vec`"), it does not encode
    each character."""
    ours, hf = bert
    raises_both(lambda: ours.encode_batch("xy"), lambda: hf.encode_batch("xy"), TypeError)


def test_encode_batch_pretokenized_tuple_of_str_is_a_sequence(bert):
    """With is_pretokenized=True a tuple of str is one pre-tokenized sequence
    (``Tuple[str]``), not a pair: HF ``encode_batch([("a", "b")], is_pretokenized=True)`` gives
    ``[CLS] a b [SEP]``."""
    ours, hf = bert
    batch = [("a", "b"), ("hello", "world", "x")]
    expected = hf.encode_batch(batch, is_pretokenized=True)
    assert expected[0].tokens == ["[CLS]", "a", "b", "[SEP]"]
    for a, b in zip(ours.encode_batch(batch, is_pretokenized=True), expected):
        assert_same_encoding(a, b)


@pytest.mark.parametrize("call", [
    lambda t: t.encode("ab", is_pretokenized=True),
    lambda t: t.encode(["a", 3], is_pretokenized=True),
    lambda t: t.encode(["a"], "b", is_pretokenized=True),
    lambda t: t.encode_batch([("a", ["c"])], is_pretokenized=True),
    lambda t: t.encode_batch([["a", ["c"]]], is_pretokenized=True),
    lambda t: t.encode_batch([(["a"], ["c"], ["d"])], is_pretokenized=True),
    lambda t: t.encode_batch([["a"], "b"], is_pretokenized=True),
    lambda t: t.encode_batch([(["a"], "b")], is_pretokenized=True),
])
def test_pretokenized_wrong_shapes(bert, call):
    ours, hf = bert
    raises_both(lambda: call(ours), lambda: call(hf), TypeError)


# ---------------------------------------------------------------------------------------------
# invalid text


@pytest.mark.parametrize("text", ["a\ud800b", "\udfff", "ok\udc00", "\ud83d"])
def test_lone_surrogates_raise_type_error(bert, text):
    ours, hf = bert
    raises_both(lambda: ours.encode(text), lambda: hf.encode(text), TypeError)
    raises_both(lambda: ours.encode("fine", text), lambda: hf.encode("fine", text), TypeError)
    error, _ = raises_both(lambda: ours.encode_batch(["fine", "also fine", text]),
                           lambda: hf.encode_batch(["fine", "also fine", text]), TypeError)
    assert "2" in str(error)
    raises_both(lambda: ours.encode(["fine", text], is_pretokenized=True),
                lambda: hf.encode(["fine", text], is_pretokenized=True), TypeError)
    with pytest.raises(TypeError):
        ours.encode_batch_arrays(["fine", text])


def test_surrogate_pair_written_as_one_char_is_fine(bert):
    ours, hf = bert
    text = "a\U0001f600b \U0002b920"
    assert_same_encoding(ours.encode(text), hf.encode(text))


# ---------------------------------------------------------------------------------------------
# huge inputs: no crash, no hang, same as HF


HUGE = {
    "1 MB single word": "a" * 1_000_000,
    "1 MB of spaces": " " * 1_000_000,
    "10^5 CJK chars": "你" * 100_000,
    "1 MB of words": "Hello, world! " * 75_000,
    "combining marks": "a" + "\u0301" * 300_000,
    "zero-width and controls": ("\u200b\x00\ufeff" * 100_000) + "end",
    "long non-ascii word": "é" * 300_000,
}


@pytest.mark.parametrize("what", list(HUGE))
def test_huge_inputs(bert, what):
    ours, hf = bert
    text = HUGE[what]
    expected = hf.encode(text)
    got = ours.encode(text)
    assert got.ids == expected.ids
    assert got.offsets == expected.offsets
    assert got.word_ids == expected.word_ids


def test_huge_batch_with_truncation_and_padding(bert):
    ours, hf = bert
    batch = [HUGE["10^5 CJK chars"], "short", HUGE["1 MB of words"][:200_000], ""]
    for tok in bert:
        tok.enable_truncation(64, stride=8)
        tok.enable_padding(pad_to_multiple_of=16)
    expected = hf.encode_batch(batch)
    got = ours.encode_batch(batch)
    for i, (a, b) in enumerate(zip(got, expected)):
        assert_same_encoding(a, b, f"batch[{i}]")


# ---------------------------------------------------------------------------------------------
# truncation errors and settings


def test_only_second_without_pair(bert):
    ours, hf = bert
    ours.enable_truncation(5, strategy="only_second")
    hf.enable_truncation(5, strategy="only_second")
    error, hf_error = raises_both(lambda: ours.encode("a b c d e f g"), lambda: hf.encode("a b c d e f g"))
    assert str(hf_error) in str(error)
    error, hf_error = raises_both(lambda: ours.encode_batch(["a b c d e f g"]),
                                  lambda: hf.encode_batch(["a b c d e f g"]))
    assert str(hf_error) in str(error)
    # short enough: no truncation needed, no error (as HF)
    assert_same_encoding(ours.encode("a b"), hf.encode("a b"))


@pytest.mark.parametrize("strategy, first, second", [
    ("only_first", "a", "b c d e f g h"),
    ("only_second", "a b c d e f g h", "b"),
])
def test_sequence_too_short_to_truncate(bert, strategy, first, second):
    ours, hf = bert
    ours.enable_truncation(6, strategy=strategy)
    hf.enable_truncation(6, strategy=strategy)
    error, hf_error = raises_both(lambda: ours.encode(first, second), lambda: hf.encode(first, second))
    assert str(hf_error) in str(error)
    assert "too short" in str(error)


@pytest.mark.parametrize("max_length, stride", [(5, 4), (5, 10), (3, 2), (130, 200)])
def test_stride_too_large(bert, max_length, stride):
    ours, hf = bert
    error, hf_error = raises_both(lambda: ours.enable_truncation(max_length, stride=stride),
                                  lambda: hf.enable_truncation(max_length, stride=stride), ValueError)
    assert str(hf_error).rstrip(", ") in str(error)
    assert ours.truncation is None and hf.truncation is None


def test_stride_equal_to_effective_length(bert):
    """Accepted by both at configuration time; encoding then needs windows that never advance:
    HF panics (a documented HF panic), ours raises ValueError."""
    ours, hf = bert
    ours.enable_truncation(5, stride=3)
    hf.enable_truncation(5, stride=3)
    assert ours.truncation == hf.truncation
    with pytest.raises(BaseException) as info:
        hf.encode("a b c d e f")
    assert type(info.value).__name__ == "PanicException"
    with pytest.raises(ValueError, match="stride"):
        ours.encode("a b c d e f")
    assert_same_encoding(ours.encode("a b c"), hf.encode("a b c"))  # fits: no window needed


@pytest.mark.parametrize("kwargs", [{"strategy": "nope"}, {"direction": "up"}, {"strategy": "OnlyFirst"}])
def test_bad_truncation_settings(bert, kwargs):
    ours, hf = bert
    raises_both(lambda: ours.enable_truncation(10, **kwargs), lambda: hf.enable_truncation(10, **kwargs), ValueError)
    assert ours.truncation is None and hf.truncation is None


def test_bad_padding_direction(bert):
    ours, hf = bert
    raises_both(lambda: ours.enable_padding(direction="up"), lambda: hf.enable_padding(direction="up"), ValueError)
    assert ours.padding is None and hf.padding is None


@pytest.mark.parametrize("call", [
    lambda t: t.enable_truncation(-1),
    lambda t: t.enable_truncation(10, stride=-1),
    lambda t: t.enable_padding(length=-1),
    lambda t: t.enable_padding(pad_to_multiple_of=-8),
    lambda t: t.enable_padding(pad_id=-1),
])
def test_negative_settings_rejected(bert, call):
    """HF rejects negative lengths / ids with OverflowError ("can't convert negative int to
    unsigned"); ours must reject them too (ArithmeticError family)."""
    ours, hf = bert
    raises_both(lambda: call(ours), lambda: call(hf), OverflowError)


# ---------------------------------------------------------------------------------------------
# caller data left untouched


def test_caller_data_untouched(bert):
    ours, hf = bert
    ours.enable_truncation(10, stride=1)
    ours.enable_padding(length=12)
    texts = ["Hello world, this is long enough to overflow", ("a pair", "of texts"), ["list", "pair"], ""]
    snapshot = copy.deepcopy(texts)
    ours.encode_batch(texts)
    assert texts == snapshot
    words = [["Hello", "wörld"], ["x"]]
    words_snapshot = copy.deepcopy(words)
    ours.encode_batch(words, is_pretokenized=True)
    ours.encode(words[0], words[1], is_pretokenized=True)
    assert words == words_snapshot
    plain = ["a b c", "d e f g h i j k l"]
    plain_snapshot = list(plain)
    ours.encode_batch_arrays(plain, return_offsets=True)
    assert plain == plain_snapshot
    ids = [101, 7592, 102]
    ours.decode(ids)
    ours.decode_batch([ids, ids])
    assert ids == [101, 7592, 102]


def test_results_are_independent_of_later_calls(bert):
    """An Encoding from one call is not changed by later calls or settings changes."""
    ours, hf = bert
    first = ours.encode("hello world")
    batch = ours.encode_batch(["one two", "three"])
    snapshot = (first.ids, first.tokens, first.offsets, [e.ids for e in batch])
    ours.enable_padding(length=20)
    ours.enable_truncation(3)
    ours.encode_batch(["something else entirely"] * 50)
    ids = first.ids
    ids.append(-1)  # mutating a returned list must not reach the encoding
    assert (first.ids, first.tokens, first.offsets, [e.ids for e in batch]) == snapshot
