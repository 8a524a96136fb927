"""Every shared real tokenizer.json loads, matches its JSON, and matches HuggingFace's reading."""

from __future__ import annotations

import json
import math

import pytest

from budtiktok.spec import decoders, load_spec, models, normalizers, post_processors, pre_tokenizers
from budtiktok.spec._numbers import parse_float_like_serde
from budtiktok.spec.loader import TokenizerSpec
from budtiktok.spec.patterns import Pattern
from budtiktok.spec.truncation_padding import Padding, Truncation

# HuggingFace's canonical re-serialization is compared on files that together cover every model
# type, legacy form and component kind of the shared set (HuggingFace takes seconds on the
# biggest files).
HF_CANONICAL_FILES = [
    "bert-base-uncased",  # WordPiece without "type"
    "all-MiniLM-L6-v2-padded",  # truncation and BatchLongest padding
    "all-mpnet-base-v2",  # RobertaProcessing over WordPiece, Fixed padding
    "roberta-base",  # BPE without "type", ByteLevel without use_regex
    "t5-small",  # Unigram without "type", legacy Metaspace, Precompiled, serde floats
    "marian-nmt-ortx",  # Unigram, Strip, Replace regex
    "llama-2",  # Prepend, byte fallback, decoder Sequence
    "clip",  # normalizer Sequence, inverted Split, end_of_word_suffix
    "falcon",  # Punctuation, Digits, Split
    "whisper-large-v3",  # 1609 added tokens
]
# Above this size only the sizes of the vocab and merges are compared, to keep the suite fast.
FULL_COMPARISON_MAX_BYTES = 5_000_000


def test_every_shared_file_loads_and_matches_its_json(
    tokenizer_name, read_tokenizer_json, shared_spec, assert_spec_matches_json
):
    data = read_tokenizer_json(tokenizer_name)
    spec = shared_spec(tokenizer_name)
    assert isinstance(spec, TokenizerSpec)
    # Floats as HuggingFace reads them; the canonical-form test below checks that reading.
    document = json.loads(data, parse_float=parse_float_like_serde)
    if len(data) > FULL_COMPARISON_MAX_BYTES:
        model = document["model"]
        assert len(spec.model.vocab) == len(model["vocab"])
        assert len(spec.model.merges) == len(model["merges"])
        document["model"] = {key: model[key] for key in model.keys() - {"vocab", "merges"}}
    assert_spec_matches_json(spec, document)


@pytest.mark.parametrize("name", HF_CANONICAL_FILES)
def test_matches_huggingface_canonical_form(
    name, read_tokenizer_json, shared_spec, assert_spec_matches_json
):
    """HuggingFace's ``to_str()`` fills defaults and resolves legacy forms: ours must agree."""
    tokenizers = pytest.importorskip("tokenizers")
    data = read_tokenizer_json(name)
    canonical = json.loads(tokenizers.Tokenizer.from_str(data.decode()).to_str())
    assert_spec_matches_json(shared_spec(name), canonical)


@pytest.mark.parametrize("name", ["bert-base-uncased", "t5-small"])
def test_str_bytes_and_dict_sources_agree(name, read_tokenizer_json):
    data = read_tokenizer_json(name)
    from_bytes = load_spec(data)
    from_str = load_spec(data.decode())
    from_dict = load_spec(json.loads(data))
    assert from_str.model.vocab == from_bytes.model.vocab
    for spec in (from_str, from_dict):
        assert spec.normalizer == from_bytes.normalizer
        assert spec.pre_tokenizer == from_bytes.pre_tokenizer
        assert spec.added_tokens == from_bytes.added_tokens


def test_dict_source_floats_are_pythons_within_one_ulp(read_tokenizer_json):
    """A pre-parsed dict carries Python's correctly rounded floats, not HuggingFace's."""
    data = read_tokenizer_json("t5-small")
    exact = load_spec(data).model.vocab
    from_dict = load_spec(json.loads(data)).model.vocab
    assert [piece for piece, _ in from_dict] == [piece for piece, _ in exact]
    differences = [
        abs(a - b) / math.ulp(b) for (_, a), (_, b) in zip(from_dict, exact, strict=True) if a != b
    ]
    assert differences and max(differences) <= 1


def test_dict_source_is_not_aliased(read_tokenizer_json):
    document = json.loads(read_tokenizer_json("bert-base-uncased"))
    spec = load_spec(document)
    document["model"]["vocab"]["[UNK]"] = 7
    assert spec.model.vocab["[UNK]"] == 100


def test_bert_base_uncased_legacy_wordpiece(shared_spec):
    spec = shared_spec("bert-base-uncased")
    model = spec.model
    assert isinstance(model, models.WordPiece)  # the file's model has no "type"
    assert (model.unk_token, model.continuing_subword_prefix) == ("[UNK]", "##")
    assert model.max_input_chars_per_word == 100
    assert model.vocab["[CLS]"] == 101 and len(model.vocab) == 30522
    assert spec.normalizer == normalizers.BertNormalizer(True, True, None, True)
    assert spec.pre_tokenizer == pre_tokenizers.BertPreTokenizer()
    assert spec.decoder == decoders.WordPiece(prefix="##", cleanup=True)
    processor = spec.post_processor
    assert isinstance(processor, post_processors.TemplateProcessing)
    assert processor.pair[3:] == (
        post_processors.TemplateSequence("B", 1),
        post_processors.TemplateSpecialToken("[SEP]", 1),
    )
    assert processor.special_tokens["[CLS]"] == post_processors.SpecialTokenEntry(
        "[CLS]", (101,), ("[CLS]",)
    )
    assert [token.content for token in spec.added_tokens] == [
        "[PAD]",
        "[UNK]",
        "[CLS]",
        "[SEP]",
        "[MASK]",
    ]
    assert spec.truncation is None and spec.padding is None


def test_roberta_base_legacy_bpe(shared_spec):
    spec = shared_spec("roberta-base")
    model = spec.model
    assert isinstance(model, models.BPE)  # no "type" either
    assert model.merges[0] == ("Ġ", "t") and len(model.merges) == 50000
    assert model.unk_token is None and model.dropout is None
    assert model.continuing_subword_prefix == "" and model.end_of_word_suffix == ""
    assert (model.fuse_unk, model.byte_fallback, model.ignore_merges) == (False, False, False)
    # ByteLevel without "use_regex" defaults it to true.
    assert spec.pre_tokenizer == pre_tokenizers.ByteLevel(False, True, True)
    assert spec.post_processor == post_processors.RobertaProcessing(
        sep=("</s>", 2), cls=("<s>", 0), trim_offsets=True, add_prefix_space=False
    )
    mask = spec.added_tokens[-1]
    assert (mask.content, mask.id, mask.lstrip, mask.special) == ("<mask>", 50264, True, True)


def test_t5_small_legacy_unigram_and_metaspace(shared_spec):
    spec = shared_spec("t5-small")
    model = spec.model
    assert isinstance(model, models.Unigram)
    assert model.unk_id == 2 and model.byte_fallback is False
    assert model.vocab[2] == ("<unk>", 0.0) and len(model.vocab) == 32100
    assert all(type(score) is float for _, score in model.vocab)
    assert isinstance(spec.normalizer, normalizers.Precompiled)
    charsmap = spec.normalizer.precompiled_charsmap
    assert int.from_bytes(charsmap[:4], "little") < len(charsmap)
    # Legacy {"add_prefix_space": true, "str_rep": ...} reads as scheme "always".
    assert spec.pre_tokenizer == pre_tokenizers.Sequence(
        (pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Metaspace("▁", "always", True))
    )
    assert spec.decoder == decoders.Metaspace("▁", "always", True)


def test_llama_family(shared_spec):
    llama3 = shared_spec("llama-3")
    assert llama3.model.ignore_merges is True
    split, byte_level = llama3.pre_tokenizer.pretokenizers
    assert split.pattern.kind == "Regex" and split.pattern.value.startswith("(?i:'s|'t")
    assert (split.behavior, split.invert) == ("Isolated", False)
    assert byte_level == pre_tokenizers.ByteLevel(False, True, False)
    assert llama3.post_processor == post_processors.ByteLevel(True, False, True)

    llama2 = shared_spec("llama-2")
    assert (llama2.model.byte_fallback, llama2.model.fuse_unk) == (True, True)
    assert llama2.normalizer == normalizers.Sequence(
        (normalizers.Prepend("▁"), normalizers.Replace(Pattern("String", " "), "▁"))
    )
    assert llama2.decoder == decoders.Sequence(
        (
            decoders.Replace(Pattern("String", "▁"), " "),
            decoders.ByteFallback(),
            decoders.Fuse(),
            decoders.Strip(" ", 1, 0),
        )
    )


def test_gpt4o_keeps_only_regex_matches(shared_spec):
    spec = shared_spec("gpt-4o")
    split = spec.pre_tokenizer.pretokenizers[0]
    assert (split.behavior, split.invert) == ("Removed", True)
    assert len(spec.model.vocab) == 200000


def test_truncation_and_padding(shared_spec):
    fixed = shared_spec("all-MiniLM-L6-v2")
    assert fixed.truncation == Truncation(128, 0, "LongestFirst", "Right")
    assert fixed.padding == Padding(128, "Right", None, 0, 0, "[PAD]")
    batch = shared_spec("all-MiniLM-L6-v2-padded")
    assert batch.padding == Padding(None, "Right", 8, 0, 0, "[PAD]")


def test_added_token_ids_kept_as_written(shared_spec):
    spec = shared_spec("whisper-large-v3")
    assert len(spec.added_tokens) == 1609
    assert spec.added_tokens[0] == spec.added_tokens[0].__class__(
        50257, "<|endoftext|>", False, False, False, False, True
    )
    deepseek = shared_spec("deepseek-v3")
    assert deepseek.normalizer == normalizers.Sequence(())
