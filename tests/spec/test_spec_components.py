"""Defaults, legacy forms and accepted spellings of each component.

Where HuggingFace 0.23.3 loads the same document, our spec must equal its canonical
re-serialization (``Tokenizer.to_str()``), which spells out every default it applied.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from budtiktok.spec import decoders, load_spec, models, normalizers, post_processors, pre_tokenizers
from budtiktok.spec.added_tokens import AddedToken
from budtiktok.spec.loader import TokenizerSpec
from budtiktok.spec.patterns import Pattern, regex_error
from budtiktok.spec.truncation_padding import Padding, Truncation

WORD_LEVEL = {"type": "WordLevel", "vocab": {"a": 0, "b": 1, "[UNK]": 2}, "unk_token": "[UNK]"}
METASPACE = {"type": "Metaspace", "replacement": "▁"}
BYTE_LEVEL = {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False}
TEMPLATE = {
    "type": "TemplateProcessing",
    "single": [
        {"SpecialToken": {"id": "<s>", "type_id": 0}},
        {"Sequence": {"id": "A", "type_id": 0}},
    ],
    "pair": [{"Sequence": {"id": "A", "type_id": 0}}],
    "special_tokens": {"<s>": {"id": "s", "ids": [0, 1], "tokens": ["<", "s>"]}},
}
PADDING = {
    "strategy": {"Fixed": 0},
    "direction": "Left",
    "pad_id": 1,
    "pad_type_id": 2,
    "pad_token": "<p>",
}


def doc(**top_level: object) -> dict:
    return {"model": WORD_LEVEL, **top_level}


def bpe(merges: list, **fields: object) -> dict:
    vocab = {"a": 0, "b": 1, "ab": 2, "##b": 3, "xyb": 4, "#version:": 5, "x": 6, "#version:x": 7}
    return {"type": "BPE", "vocab": vocab, "merges": merges, **fields}


@dataclass
class Case:
    id: str
    document: dict
    check: Callable[[TokenizerSpec], bool]
    huggingface_loads: bool = True


CASES = [
    Case(
        "metaspace defaults",
        doc(pre_tokenizer=METASPACE),
        lambda s: s.pre_tokenizer == pre_tokenizers.Metaspace("▁", "always", True),
    ),
    Case(
        "metaspace legacy true",
        doc(pre_tokenizer={**METASPACE, "add_prefix_space": True, "str_rep": "▁"}),
        lambda s: s.pre_tokenizer.prepend_scheme == "always",
    ),
    Case(
        "metaspace legacy true keeps never",
        doc(pre_tokenizer={**METASPACE, "add_prefix_space": True, "prepend_scheme": "never"}),
        lambda s: s.pre_tokenizer.prepend_scheme == "never",
    ),
    Case(
        "metaspace legacy false with never",
        doc(pre_tokenizer={**METASPACE, "add_prefix_space": False, "prepend_scheme": "never"}),
        lambda s: s.pre_tokenizer.prepend_scheme == "never",
    ),
    Case(
        "metaspace null split",
        doc(pre_tokenizer={**METASPACE, "prepend_scheme": "first", "split": None}),
        lambda s: s.pre_tokenizer == pre_tokenizers.Metaspace("▁", "first", True),
    ),
    Case(
        "metaspace decoder",
        doc(decoder={**METASPACE, "split": False}),
        lambda s: s.decoder == decoders.Metaspace("▁", "always", False),
    ),
    Case(
        "byte level use_regex default",
        doc(pre_tokenizer=BYTE_LEVEL, post_processor=BYTE_LEVEL, decoder=BYTE_LEVEL),
        lambda s: (
            s.pre_tokenizer == pre_tokenizers.ByteLevel(True, False, True)
            and s.post_processor == post_processors.ByteLevel(True, False, True)
            and s.decoder == decoders.ByteLevel()
        ),
    ),
    Case(
        "punctuation default",
        doc(pre_tokenizer={"type": "Punctuation"}),
        lambda s: s.pre_tokenizer == pre_tokenizers.Punctuation("Isolated"),
    ),
    Case(
        "behavior python spelling",
        doc(pre_tokenizer={"type": "Punctuation", "behavior": "merged_with_next"}),
        lambda s: s.pre_tokenizer.behavior == "MergedWithNext",
        huggingface_loads=False,
    ),
    Case(
        "fixed length default",
        doc(pre_tokenizer={"type": "FixedLength"}),
        lambda s: s.pre_tokenizer == pre_tokenizers.FixedLength(5),
    ),
    Case(
        "unit pre-tokenizers ignore extra fields",
        doc(
            pre_tokenizer={
                "type": "Sequence",
                "pretokenizers": [
                    {"type": "Whitespace", "x": 1},
                    {"type": "WhitespaceSplit"},
                    {"type": "BertPreTokenizer"},
                    {"type": "UnicodeScripts"},
                    {"type": "CharDelimiterSplit", "delimiter": "😀"},
                    {"type": "Digits", "individual_digits": True},
                ],
            }
        ),
        lambda s: s.pre_tokenizer.pretokenizers[4] == pre_tokenizers.CharDelimiterSplit("😀"),
    ),
    Case(
        "split string pattern",
        doc(
            pre_tokenizer={
                "type": "Split",
                "pattern": {"String": "."},
                "behavior": "Contiguous",
                "invert": True,
            }
        ),
        lambda s: (
            s.pre_tokenizer == pre_tokenizers.Split(Pattern("String", "."), "Contiguous", True)
        ),
    ),
    Case(
        "bert normalizer strip_accents absent",
        doc(
            normalizer={
                "type": "BertNormalizer",
                "clean_text": False,
                "handle_chinese_chars": True,
                "lowercase": False,
            }
        ),
        lambda s: s.normalizer == normalizers.BertNormalizer(False, True, None, False),
    ),
    Case(
        "unit normalizers",
        doc(
            normalizer={
                "type": "Sequence",
                "normalizers": [
                    {"type": name}
                    for name in (
                        "NFC",
                        "NFD",
                        "NFKC",
                        "NFKD",
                        "Lowercase",
                        "StripAccents",
                        "Nmt",
                        "ByteLevel",
                    )
                ],
            }
        ),
        lambda s: (
            [type(n).__name__ for n in s.normalizer.normalizers]
            == ["NFC", "NFD", "NFKC", "NFKD", "Lowercase", "StripAccents", "Nmt", "ByteLevel"]
        ),
    ),
    Case(
        "empty regex and prepend",
        doc(
            normalizer={
                "type": "Sequence",
                "normalizers": [
                    {"type": "Replace", "pattern": {"Regex": ""}, "content": "x"},
                    {"type": "Prepend", "prepend": ""},
                ],
            }
        ),
        lambda s: s.normalizer.normalizers[0].pattern == Pattern("Regex", ""),
    ),
    Case(
        "empty charsmap",
        doc(normalizer={"type": "Precompiled", "precompiled_charsmap": ""}),
        lambda s: s.normalizer == normalizers.Precompiled(b""),
        huggingface_loads=False,
    ),
    Case(
        "null charsmap",
        doc(normalizer={"type": "Precompiled", "precompiled_charsmap": None}),
        lambda s: s.normalizer == normalizers.Precompiled(b""),
        huggingface_loads=False,
    ),
    Case(
        "bpe pair merges and null flags",
        doc(
            model=bpe(
                [["a", "b"]], dropout=None, fuse_unk=None, byte_fallback=None, ignore_merges=None
            )
        ),
        lambda s: s.model.merges == (("a", "b"),) and s.model.fuse_unk is False,
    ),
    Case(
        "bpe #version line skipped",
        doc(model=bpe(["#version: 0.2", "a b"])),
        lambda s: s.model.merges == (("a", "b"),),
    ),
    Case(
        "bpe #version is a token in pair form",
        doc(model=bpe([["#version:", "x"]])),
        lambda s: s.model.merges == (("#version:", "x"),),
    ),
    Case(
        "bpe prefix dropped from right part",
        doc(model=bpe(["a ##b"], continuing_subword_prefix="##")),
        lambda s: s.model.continuing_subword_prefix == "##",
    ),
    Case(
        "bpe prefix dropped by bytes like HF",
        doc(model=bpe(["a xyb"], continuing_subword_prefix="##")),
        lambda s: s.model.merges == (("a", "xyb"),),
    ),
    Case(
        "bpe integer dropout",
        doc(model=bpe([], dropout=1, unk_token="zz")),
        lambda s: (
            s.model.dropout == 1.0 and type(s.model.dropout) is float and s.model.merges == ()
        ),
    ),
    Case(
        "unigram without unk",
        doc(model={"type": "Unigram", "vocab": [["a", -1], ["a", -2.5]], "unk_id": None}),
        lambda s: s.model.vocab == (("a", -1.0), ("a", -2.5)) and s.model.unk_id is None,
    ),
    Case(
        "unigram empty",
        doc(model={"type": "Unigram", "vocab": []}),
        lambda s: s.model.vocab == () and s.model.byte_fallback is False,
    ),
    Case(
        "untyped wordlevel",
        doc(model={"vocab": {"a": 0}, "unk_token": "a"}),
        lambda s: isinstance(s.model, models.WordLevel),
    ),
    Case(
        "untyped unigram",
        doc(model={"vocab": [["a", 0.0]], "unk_id": 0, "unk_token": "a"}),
        lambda s: isinstance(s.model, models.Unigram),
    ),
    Case(
        "untyped bpe",
        doc(
            model={
                "vocab": {"a": 0},
                "merges": [],
                "unk_token": "a",
                "continuing_subword_prefix": "",
                "max_input_chars_per_word": 5,
            }
        ),
        lambda s: isinstance(s.model, models.BPE),
    ),
    Case(
        "template quirks kept",
        doc(post_processor=TEMPLATE),
        lambda s: (
            s.post_processor.special_tokens["<s>"]
            == post_processors.SpecialTokenEntry("s", (0, 1), ("<", "s>"))
        ),
    ),
    Case(
        "bert and roberta processing",
        doc(
            post_processor={
                "type": "Sequence",
                "processors": [
                    {"type": "BertProcessing", "sep": ["b", 1], "cls": ["a", 0]},
                    {
                        "type": "RobertaProcessing",
                        "sep": ["b", 1],
                        "cls": ["a", 0],
                        "trim_offsets": False,
                        "add_prefix_space": True,
                    },
                ],
            }
        ),
        lambda s: (
            s.post_processor.processors[1]
            == post_processors.RobertaProcessing(("b", 1), ("a", 0), False, True)
        ),
    ),
    Case(
        "decoders",
        doc(
            decoder={
                "type": "Sequence",
                "decoders": [
                    {"type": "WordPiece", "prefix": "##", "cleanup": False},
                    {"type": "BPEDecoder", "suffix": "</w>"},
                    {
                        "type": "CTC",
                        "pad_token": "<pad>",
                        "word_delimiter_token": "|",
                        "cleanup": True,
                    },
                    {"type": "Strip", "content": " ", "start": 1, "stop": 0},
                    {"type": "Fuse"},
                    {"type": "ByteFallback"},
                    {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
                ],
            }
        ),
        lambda s: s.decoder.decoders[2] == decoders.CTC("<pad>", "|", True),
    ),
    Case(
        "empty sequences",
        doc(
            normalizer={"type": "Sequence", "normalizers": []},
            pre_tokenizer={"type": "Sequence", "pretokenizers": []},
            post_processor={"type": "Sequence", "processors": []},
            decoder={"type": "Sequence", "decoders": []},
        ),
        lambda s: s.normalizer.normalizers == () and s.decoder.decoders == (),
    ),
    Case(
        "truncation defaults and padding",
        doc(truncation={"max_length": 0, "stride": 9, "strategy": "OnlySecond"}, padding=PADDING),
        lambda s: (
            s.truncation == Truncation(0, 9, "OnlySecond", "Right")
            and s.padding == Padding(0, "Left", None, 1, 2, "<p>")
        ),
    ),
    Case(
        "pad_to_multiple_of zero",
        doc(padding={**PADDING, "strategy": "BatchLongest", "pad_to_multiple_of": 0}),
        lambda s: s.padding.length is None and s.padding.pad_to_multiple_of is None,
    ),
    Case(
        "absent pieces",
        {"model": WORD_LEVEL, "normalizer": None, "truncation": None},
        lambda s: s.normalizer is None and s.truncation is None and s.added_tokens == (),
    ),
    # HuggingFace 0.23 fails on any unknown top-level key (its reader leaves the value unread).
    Case(
        "unknown top-level key",
        {"model": WORD_LEVEL, "extra": [1]},
        lambda s: s.decoder is None,
        huggingface_loads=False,
    ),
    Case(
        "added tokens",
        doc(
            added_tokens=[
                {
                    "id": 3,
                    "content": "",
                    "single_word": False,
                    "lstrip": False,
                    "rstrip": False,
                    "normalized": True,
                    "special": False,
                },
                {
                    "id": 3,
                    "content": "<x>",
                    "single_word": True,
                    "lstrip": True,
                    "rstrip": False,
                    "normalized": True,
                    "special": False,
                    "extra": 1,
                },
            ]
        ),
        lambda s: s.added_tokens == (AddedToken(3, "<x>", True, True, False, True, False),),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_component_reads_as_expected(case: Case):
    assert case.check(load_spec(case.document))


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_component_matches_huggingface(case: Case, assert_spec_matches_json):
    tokenizers = pytest.importorskip("tokenizers")
    text = json.dumps(case.document)
    if not case.huggingface_loads:
        with pytest.raises(BaseException):  # noqa: B017 - a Rust panic is a BaseException
            tokenizers.Tokenizer.from_str(text)
        return
    canonical = json.loads(tokenizers.Tokenizer.from_str(text).to_str())
    assert_spec_matches_json(load_spec(text), canonical)


@pytest.mark.parametrize(
    "pattern",
    [
        r"\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s+(?!\S)|\s+",
        r"(?i:'s|'t|'re|'ve|'m|'ll|'d)",
        r"[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+",
        r"[一-龥぀-ゟ゠-ヿ]+",
        r"a*+b",
        r"(?<=a)b",
        r"[[:alpha:]]",
        r"\p{Han}\X",
    ],
)
def test_oniguruma_patterns_accepted(pattern):
    assert regex_error(pattern) is None


def test_specs_are_frozen():
    spec = load_spec(doc(normalizer={"type": "Lowercase"}))
    with pytest.raises(AttributeError):
        spec.normalizer = None  # type: ignore[misc]
    with pytest.raises(AttributeError):
        spec.model.unk_token = "a"  # type: ignore[misc]


def test_large_containers_are_summarized_in_repr():
    spec = load_spec(
        doc(model={**WORD_LEVEL, "vocab": {f"t{i}": i for i in range(100)}, "unk_token": "t0"})
    )
    assert "vocab=<100 items>" in repr(spec.model)
