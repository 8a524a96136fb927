"""Malformed documents raise TokenizerConfigError naming the exact JSON path of the problem.

Each case also records whether HuggingFace 0.23.3 rejects the document too; the few where it
does not are deliberate: budtiktok refuses at load time what HuggingFace would only trip over
(or panic on) while encoding.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest

from budtiktok.errors import TokenizerConfigError
from budtiktok.spec import load_spec

WORD_LEVEL = {"type": "WordLevel", "vocab": {"a": 0, "b": 1, "[UNK]": 2}, "unk_token": "[UNK]"}
WORD_PIECE = {
    "type": "WordPiece",
    "vocab": {"a": 0, "##b": 1, "[UNK]": 2},
    "unk_token": "[UNK]",
    "continuing_subword_prefix": "##",
    "max_input_chars_per_word": 100,
}
BPE = {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]}
UNIGRAM = {"type": "Unigram", "vocab": [["<unk>", 0.0], ["a", -1.5]], "unk_id": 0}
TEMPLATE = {
    "type": "TemplateProcessing",
    "single": [
        {"SpecialToken": {"id": "[CLS]", "type_id": 0}},
        {"Sequence": {"id": "A", "type_id": 0}},
    ],
    "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
    "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [0], "tokens": ["[CLS]"]}},
}
TRUNCATION = {"max_length": 8, "stride": 0, "strategy": "LongestFirst"}
PADDING = {
    "strategy": "BatchLongest",
    "direction": "Right",
    "pad_to_multiple_of": None,
    "pad_id": 0,
    "pad_type_id": 0,
    "pad_token": "[PAD]",
}
ADDED = {"id": 5, "content": "<x>", "single_word": False, "lstrip": False, "rstrip": False,
         "normalized": False, "special": True}  # fmt: skip


def doc(**top_level: object) -> dict:
    """A valid small document with some top-level members replaced."""
    return {"version": "1.0", "model": WORD_LEVEL, **top_level}


def changed(base: dict, **fields: object) -> dict:
    """``base`` with members replaced; a value of ``...`` deletes the member."""
    result = {**base, **fields}
    return {key: value for key, value in result.items() if value is not ...}


def nested(depth: int) -> str:
    return '{"model": ' + "[" * depth + "]" * depth + "}"


@dataclass
class Case:
    id: str
    document: object
    path: str
    message: str  # regex searched in the error message
    huggingface_rejects: bool = True


CASES = [
    # The document itself
    Case("truncated json", '{"model": ', "", r"invalid JSON: .* line 1 column 11"),
    Case("not utf-8", b'{"model": "\xff"}', "", r"invalid UTF-8 at byte 11"),
    Case("NaN", '{"model": NaN}', "", r"NaN is not a JSON value"),
    Case("number out of range", '{"model": 1e999}', "", r"out of range"),
    Case("deeply nested", nested(100_000), "", r"nested too deeply"),
    Case("top level list", "[]", "", r"expected object, got list"),
    Case("bad version", doc(version="2.0"), "version", r"unknown version '2.0'"),
    Case("version not str", doc(version=1.0), "version", r"expected str, got float"),
    Case("no model", {"version": "1.0"}, "model", r"^missing$"),
    Case("null model", doc(model=None), "model", r"expected object, got null"),
    # Added tokens
    Case("added tokens null", doc(added_tokens=None), "added_tokens", r"expected list, got null"),
    Case(
        "added token missing field",
        doc(added_tokens=[changed(ADDED, special=...)]),
        "added_tokens[0].special",
        r"^missing$",
    ),
    Case(
        "added token negative id",
        doc(added_tokens=[ADDED, changed(ADDED, id=-1)]),
        "added_tokens[1].id",
        r"-1 is out of range",
    ),
    Case(
        "added token content int",
        doc(added_tokens=[changed(ADDED, content=3)]),
        "added_tokens[0].content",
        r"expected str, got int",
    ),
    # Normalizers
    Case(
        "bool as str",
        doc(
            normalizer={
                "type": "BertNormalizer",
                "clean_text": True,
                "handle_chinese_chars": True,
                "lowercase": "yes",
            }
        ),
        "normalizer.lowercase",
        r"expected bool, got str",
    ),
    Case(
        "int is not bool",
        doc(normalizer={"type": "Strip", "strip_left": 1, "strip_right": True}),
        "normalizer.strip_left",
        r"expected bool, got int",
    ),
    # HuggingFace guesses untagged normalizers by their fields; only models get that here.
    Case(
        "normalizer without type",
        doc(normalizer={"strip_left": True, "strip_right": True}),
        "normalizer.type",
        r"^missing$",
        huggingface_rejects=False,
    ),
    Case("type not str", doc(normalizer={"type": 5}), "normalizer.type", r"expected str, got int"),
    Case(
        "unknown nested normalizer",
        doc(normalizer={"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "Foo"}]}),
        "normalizer.normalizers[1].type",
        r"^unknown 'Foo'$",
    ),
    Case(
        "normalizers not a list",
        doc(normalizer={"type": "Sequence", "normalizers": {}}),
        "normalizer.normalizers",
        r"expected list, got object",
    ),
    Case(
        "invalid regex",
        doc(normalizer={"type": "Replace", "pattern": {"Regex": "(a"}, "content": ""}),
        "normalizer.pattern.Regex",
        r"invalid regex",
    ),
    Case(
        "pattern with two kinds",
        doc(
            normalizer={"type": "Replace", "pattern": {"String": "a", "Regex": "b"}, "content": ""}
        ),
        "normalizer.pattern",
        r"expected an object with one key",
    ),
    Case(
        "pattern as str",
        doc(normalizer={"type": "Replace", "pattern": "a", "content": ""}),
        "normalizer.pattern",
        r"expected object, got str",
    ),
    Case(
        "bad base64",
        doc(normalizer={"type": "Precompiled", "precompiled_charsmap": "@@@@"}),
        "normalizer.precompiled_charsmap",
        r"invalid base64",
    ),
    Case(
        "charsmap overrun",
        doc(normalizer={"type": "Precompiled", "precompiled_charsmap": "/wAAAA=="}),
        "normalizer.precompiled_charsmap",
        r"trie of 255 bytes overruns",
    ),
    Case(
        "charsmap missing",
        doc(normalizer={"type": "Precompiled"}),
        "normalizer.precompiled_charsmap",
        r"^missing$",
    ),
    Case(
        "missing field",
        doc(normalizer={"type": "Strip", "strip_left": True}),
        "normalizer.strip_right",
        r"^missing$",
    ),
    Case(
        "lone surrogate",
        doc(normalizer={"type": "Prepend", "prepend": "\ud800"}),
        "normalizer.prepend",
        r"lone surrogate",
    ),
    # Pre-tokenizers
    Case(
        "unknown nested pre-tokenizer",
        doc(
            pre_tokenizer={
                "type": "Sequence",
                "pretokenizers": [{"type": "Whitespace"}, {"type": "Foo"}],
            }
        ),
        "pre_tokenizer.pretokenizers[1].type",
        r"^unknown 'Foo'$",
    ),
    Case(
        "bad behavior",
        doc(
            pre_tokenizer={
                "type": "Split",
                "pattern": {"String": " "},
                "behavior": "Merged",
                "invert": False,
            }
        ),
        "pre_tokenizer.behavior",
        r"invalid value 'Merged', expected one of 'Removed'",
    ),
    Case(
        "split without invert",
        doc(pre_tokenizer={"type": "Split", "pattern": {"String": " "}, "behavior": "Removed"}),
        "pre_tokenizer.invert",
        r"^missing$",
    ),
    Case(
        "split bad regex",
        doc(
            pre_tokenizer={
                "type": "Split",
                "pattern": {"Regex": "[a-"},
                "behavior": "Removed",
                "invert": False,
            }
        ),
        "pre_tokenizer.pattern.Regex",
        r"invalid regex",
    ),
    Case(
        "two-char delimiter",
        doc(pre_tokenizer={"type": "CharDelimiterSplit", "delimiter": "ab"}),
        "pre_tokenizer.delimiter",
        r"expected a single character, got 'ab'",
    ),
    Case(
        "legacy add_prefix_space false",
        doc(pre_tokenizer={"type": "Metaspace", "replacement": "▁", "add_prefix_space": False}),
        "pre_tokenizer.add_prefix_space",
        r"contradicts prepend_scheme 'always'",
    ),
    Case(
        "bad prepend scheme",
        doc(pre_tokenizer={"type": "Metaspace", "replacement": "▁", "prepend_scheme": "First"}),
        "pre_tokenizer.prepend_scheme",
        r"invalid value 'First'",
    ),
    Case(
        "metaspace without replacement",
        doc(pre_tokenizer={"type": "Metaspace"}),
        "pre_tokenizer.replacement",
        r"^missing$",
    ),
    Case(
        "digits int",
        doc(pre_tokenizer={"type": "Digits", "individual_digits": 1}),
        "pre_tokenizer.individual_digits",
        r"expected bool, got int",
    ),
    # HuggingFace loads it, then panics on every input.
    Case(
        "fixed length zero",
        doc(pre_tokenizer={"type": "FixedLength", "length": 0}),
        "pre_tokenizer.length",
        r"0 is out of range \[1, ",
        huggingface_rejects=False,
    ),
    Case(
        "null use_regex",
        doc(
            pre_tokenizer={
                "type": "ByteLevel",
                "add_prefix_space": True,
                "trim_offsets": True,
                "use_regex": None,
            }
        ),
        "pre_tokenizer.use_regex",
        r"expected bool, got null",
    ),
    # Models
    Case("no vocab", doc(model=changed(WORD_LEVEL, vocab=...)), "model.vocab", r"^missing$"),
    Case(
        "bool id",
        doc(model=changed(WORD_LEVEL, vocab={"a": 0, "b": True})),
        'model.vocab["b"]',
        r"expected int, got bool",
    ),
    Case(
        "float id",
        doc(model=changed(WORD_LEVEL, vocab={"a": 0, "b": 1.0})),
        'model.vocab["b"]',
        r"expected int, got float",
    ),
    Case(
        "id beyond u32",
        doc(model=changed(WORD_LEVEL, vocab={"a": 0, "é b": 2**32})),
        'model.vocab["é b"]',
        r"4294967296 is out of range",
    ),
    Case(
        "vocab as list",
        doc(model=changed(WORD_LEVEL, vocab=[["a", 0]])),
        "model.vocab",
        r"expected object, got list",
    ),
    Case(
        "wordlevel null unk",
        doc(model=changed(WORD_LEVEL, unk_token=None)),
        "model.unk_token",
        r"expected str, got null",
    ),
    Case(
        "wordpiece missing field",
        doc(model=changed(WORD_PIECE, max_input_chars_per_word=...)),
        "model.max_input_chars_per_word",
        r"^missing$",
    ),
    Case(
        "unknown model",
        doc(model=changed(WORD_LEVEL, type="Foo")),
        "model.type",
        r"^unknown 'Foo'$",
    ),
    Case(
        "untyped model that fits nothing",
        doc(model={"vocab": {"a": 0}}),
        "model.type",
        r"missing, and the fields fit no model",
    ),
    Case(
        "merge part not in vocab",
        doc(model=changed(BPE, merges=["a b", "x b"])),
        "model.merges[1]",
        r"'x' is not in the vocab",
    ),
    Case(
        "merged token not in vocab",
        doc(model=changed(BPE, merges=["a b", "b a"])),
        "model.merges[1]",
        r"merged token 'ba' is not in the vocab",
    ),
    Case(
        "merge index counts #version",
        doc(model=changed(BPE, merges=["#version: 0.2", "a b", "b a"])),
        "model.merges[2]",
        r"merged token 'ba'",
    ),
    Case(
        "merge line with two spaces",
        doc(model=changed(BPE, merges=["a b b"])),
        "model.merges[0]",
        r"exactly one space",
    ),
    Case(
        "merge forms mixed",
        doc(model=changed(BPE, merges=[["a", "b"], "a b"])),
        "model.merges[1]",
        r"expected an \[a, b\] pair like the first merge, got str",
    ),
    Case(
        "merge pair of three",
        doc(model=changed(BPE, merges=[["a", "b", "b"]])),
        "model.merges[0]",
        r"expected 2 strings, got 3 items",
    ),
    Case(
        "merge pair with int",
        doc(model=changed(BPE, merges=[["a", 1]])),
        "model.merges[0][1]",
        r"expected str, got int",
    ),
    Case(
        "dropout above 1",
        doc(model=changed(BPE, dropout=1.5)),
        "model.dropout",
        r"not within \[0, 1\]",
    ),
    Case("bpe without merges", doc(model=changed(BPE, merges=...)), "model.merges", r"^missing$"),
    Case(
        "prefix cannot be dropped",
        doc(model=changed(BPE, continuing_subword_prefix="##", merges=["a b"])),
        "model.merges[0]",
        r"cannot drop the prefix '##' from 'b'",
    ),
    Case(
        "unk id out of range",
        doc(model=changed(UNIGRAM, unk_id=2)),
        "model.unk_id",
        r"2 is outside the vocab of 2 pieces",
    ),
    Case(
        "unk id with empty vocab",
        doc(model=changed(UNIGRAM, vocab=[])),
        "model.unk_id",
        r"outside the vocab of 0 pieces",
    ),
    Case(
        "score as str",
        doc(model=changed(UNIGRAM, vocab=[["<unk>", 0.0], ["a", "-1"]])),
        "model.vocab[1][1]",
        r"expected float, got str",
    ),
    Case(
        "piece of three",
        doc(model=changed(UNIGRAM, vocab=[["<unk>", 0.0, 1]])),
        "model.vocab[0]",
        r"expected \[piece, score\], got 3 items",
    ),
    Case(
        "null byte_fallback",
        doc(model=changed(UNIGRAM, byte_fallback=None)),
        "model.byte_fallback",
        r"expected bool, got null",
    ),
    # Post-processors
    # HuggingFace loads it, then panics when encoding.
    Case(
        "template names unknown token",
        doc(post_processor=changed(TEMPLATE, special_tokens={})),
        "post_processor.single[0].SpecialToken.id",
        r"'\[CLS\]' is not in special_tokens",
        huggingface_rejects=False,
    ),
    Case(
        "template piece kind",
        doc(post_processor=changed(TEMPLATE, pair=[{"Other": {}}])),
        "post_processor.pair[0]",
        r"expected an object with one key, 'Sequence' or 'SpecialToken'",
    ),
    Case(
        "template sequence C",
        doc(post_processor=changed(TEMPLATE, single=[{"Sequence": {"id": "C", "type_id": 0}}])),
        "post_processor.single[0].Sequence.id",
        r"invalid value 'C'",
    ),
    Case(
        "template negative type id",
        doc(post_processor=changed(TEMPLATE, single=[{"Sequence": {"id": "A", "type_id": -1}}])),
        "post_processor.single[0].Sequence.type_id",
        r"-1 is out of range",
    ),
    # HuggingFace's constructor refuses this; from JSON it yields more ids than tokens.
    Case(
        "special token ids and tokens differ",
        doc(
            post_processor=changed(
                TEMPLATE,
                special_tokens={"[CLS]": {"id": "[CLS]", "ids": [0], "tokens": ["[CLS]", "x"]}},
            )
        ),
        'post_processor.special_tokens["[CLS]"].tokens',
        r"has 2 tokens for 1 ids",
        huggingface_rejects=False,
    ),
    Case(
        "template without pair",
        doc(post_processor=changed(TEMPLATE, pair=...)),
        "post_processor.pair",
        r"^missing$",
    ),
    Case(
        "bert sep shape",
        doc(post_processor={"type": "BertProcessing", "sep": ["[SEP]"], "cls": ["[CLS]", 0]}),
        "post_processor.sep",
        r"expected \[token, id\], got 1 items",
    ),
    # HuggingFace silently reads it as BertProcessing (different type ids).
    Case(
        "roberta without trim_offsets",
        doc(
            post_processor={
                "type": "RobertaProcessing",
                "sep": ["</s>", 2],
                "cls": ["<s>", 0],
                "add_prefix_space": True,
            }
        ),
        "post_processor.trim_offsets",
        r"^missing$",
        huggingface_rejects=False,
    ),
    Case(
        "unknown processor in sequence",
        doc(post_processor={"type": "Sequence", "processors": [{"type": "Foo"}]}),
        "post_processor.processors[0].type",
        r"^unknown 'Foo'$",
    ),
    # Decoders
    Case(
        "strip content of two chars",
        doc(decoder={"type": "Strip", "content": "ab", "start": 1, "stop": 0}),
        "decoder.content",
        r"expected a single character",
    ),
    Case(
        "strip negative",
        doc(decoder={"type": "Strip", "content": " ", "start": -1, "stop": 0}),
        "decoder.start",
        r"-1 is out of range",
    ),
    Case(
        "wordpiece decoder without cleanup",
        doc(decoder={"type": "WordPiece", "prefix": "##"}),
        "decoder.cleanup",
        r"^missing$",
    ),
    Case(
        "bytelevel decoder without flags",
        doc(decoder={"type": "ByteLevel", "add_prefix_space": True}),
        "decoder.trim_offsets",
        r"^missing$",
    ),
    Case(
        "ctc without pad",
        doc(decoder={"type": "CTC", "word_delimiter_token": "|", "cleanup": True}),
        "decoder.pad_token",
        r"^missing$",
    ),
    # Truncation and padding
    Case(
        "strategy spelling",
        doc(truncation=changed(TRUNCATION, strategy="longest_first")),
        "truncation.strategy",
        r"invalid value 'longest_first'",
    ),
    Case(
        "negative max_length",
        doc(truncation=changed(TRUNCATION, max_length=-1)),
        "truncation.max_length",
        r"out of range",
    ),
    Case(
        "no stride",
        doc(truncation=changed(TRUNCATION, stride=...)),
        "truncation.stride",
        r"^missing$",
    ),
    Case(
        "padding strategy name",
        doc(padding=changed(PADDING, strategy="Fixed")),
        "padding.strategy",
        r'expected "BatchLongest" or \{"Fixed": N\}',
    ),
    Case(
        "fixed length as str",
        doc(padding=changed(PADDING, strategy={"Fixed": "8"})),
        "padding.strategy.Fixed",
        r"expected int, got str",
    ),
    Case(
        "padding direction spelling",
        doc(padding=changed(PADDING, direction="left")),
        "padding.direction",
        r"invalid value 'left'",
    ),
    Case(
        "pad id bool",
        doc(padding=changed(PADDING, pad_id=True)),
        "padding.pad_id",
        r"expected int, got bool",
    ),
    Case(
        "padding without pad_token",
        doc(padding=changed(PADDING, pad_token=...)),
        "padding.pad_token",
        r"^missing$",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_malformed_document_names_the_bad_field(case: Case):
    with pytest.raises(TokenizerConfigError) as raised:
        load_spec(case.document)
    error = raised.value
    assert error.path == case.path
    assert re.search(case.message, error.message), error.message
    assert str(error) == (f"{error.path}: {error.message}" if error.path else error.message)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_huggingface_agrees_on_rejection(case: Case):
    tokenizers = pytest.importorskip("tokenizers")
    if isinstance(case.document, bytes):
        pytest.skip("HuggingFace reads text only")
    text = case.document if isinstance(case.document, str) else json.dumps(case.document)
    try:
        tokenizers.Tokenizer.from_str(text)
    except BaseException as error:  # a Rust panic surfaces as a BaseException
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        rejected = True
    else:
        rejected = False
    assert rejected == case.huggingface_rejects


def test_error_string_format():
    document = doc(
        pre_tokenizer={
            "type": "Sequence",
            "pretokenizers": [{"type": "Whitespace"}, {"type": "Foo"}],
        }
    )
    with pytest.raises(TokenizerConfigError) as raised:
        load_spec(document)
    assert str(raised.value) == "pre_tokenizer.pretokenizers[1].type: unknown 'Foo'"


def test_dict_keys_must_be_text():
    with pytest.raises(TokenizerConfigError) as raised:
        load_spec(doc(model=changed(WORD_LEVEL, vocab={"a": 0, 7: 1})))
    assert raised.value.path == "model.vocab"


def test_non_json_source_is_a_type_error():
    with pytest.raises(TypeError):
        load_spec(3)
