"""Mutated real tokenizer.json documents either load or raise TokenizerConfigError, nothing else.

``BUDTIKTOK_MAX_EXAMPLES`` sets the number of examples per test (default 100).
"""

from __future__ import annotations

import itertools
import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budtiktok.errors import TokenizerConfigError
from budtiktok.spec import TokenizerSpec, load_spec

FUZZ_FILES = [
    "bert-base-uncased",  # WordPiece, no model type
    "all-MiniLM-L6-v2-padded",  # truncation and padding
    "t5-small",  # Unigram, Precompiled, legacy Metaspace
    "marian-nmt-ortx",  # Unigram, normalizer Sequence with a regex
    "llama-2",  # BPE with byte fallback, decoder Sequence
    "clip",  # BPE with a suffix, inverted Split, RobertaProcessing
    "falcon",  # pre-tokenizer Sequence of four kinds
]
# Merge lists are cut to this many entries (a prefix of valid merges stays valid) to keep
# each example fast; vocabularies are kept whole.
MERGES_KEPT = 2000

FUZZ_SETTINGS = settings(
    max_examples=int(os.environ.get("BUDTIKTOK_MAX_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**65), max_value=2**65),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
    st.sampled_from(["Foo", "Regex", "String", "BPE", "Sequence", "Isolated", "#version", "a b"]),
    st.builds(list, st.lists(st.text(max_size=3), max_size=3)),
    st.just({}),
    st.just({"type": "Foo"}),
    st.just({"Regex": "("}),
)


@pytest.fixture(scope="module")
def fuzz_documents(read_tokenizer_json):
    documents = []
    for name in FUZZ_FILES:
        document = json.loads(read_tokenizer_json(name))
        model = document["model"]
        if "merges" in model:
            document["model"] = {**model, "merges": model["merges"][:MERGES_KEPT]}
        documents.append(document)
    return documents


def _nth_key(mapping: dict, index: int) -> object:
    return next(itertools.islice(mapping, index, None))


def _mutate(draw: st.DrawFn, value: object) -> object:
    """``value`` with one random change somewhere inside; containers on the way are copied."""
    if isinstance(value, dict) and value:
        key = _nth_key(value, draw(st.integers(0, len(value) - 1)))
        action = draw(st.sampled_from(["descend"] * 6 + ["delete", "replace", "add"]))
        copy = dict(value)
        if action == "descend":
            copy[key] = _mutate(draw, value[key])
        elif action == "delete":
            del copy[key]
        elif action == "replace":
            copy[key] = draw(JUNK)
        else:
            copy[draw(st.text(max_size=12))] = draw(JUNK)
        return copy
    if isinstance(value, list) and value:
        index = draw(st.integers(0, len(value) - 1))
        action = draw(st.sampled_from(["descend"] * 6 + ["delete", "replace", "append"]))
        copy = list(value)
        if action == "descend":
            copy[index] = _mutate(draw, value[index])
        elif action == "delete":
            del copy[index]
        elif action == "replace":
            copy[index] = draw(JUNK)
        else:
            copy.append(draw(st.one_of(JUNK, st.just(value[index]))))
        return copy
    return draw(JUNK)


def _load_or_config_error(source: object) -> None:
    try:
        spec = load_spec(source)
    except TokenizerConfigError as error:
        assert isinstance(error.path, str) and isinstance(error.message, str)
    else:
        assert isinstance(spec, TokenizerSpec)


@FUZZ_SETTINGS
@given(data=st.data())
def test_mutated_documents_load_or_raise_config_errors(fuzz_documents, data):
    document = data.draw(st.sampled_from(fuzz_documents))
    for _ in range(data.draw(st.integers(1, 3))):
        document = _mutate(data.draw, document)
    _load_or_config_error(document)


@FUZZ_SETTINGS
@given(data=st.data())
def test_mutated_json_text_loads_or_raises_config_errors(fuzz_documents, data):
    document = dict(data.draw(st.sampled_from(fuzz_documents[:2])))
    model = document["model"]
    document["model"] = {**model, "vocab": dict(itertools.islice(model["vocab"].items(), 200))}
    text = json.dumps(document, ensure_ascii=data.draw(st.booleans()))
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 8)))
    replacement = data.draw(
        st.text(alphabet='{}[]",:0123456789.eE-+ntrufalse\\u \ud800', max_size=6)
    )
    source = text[:start] + replacement + text[end:]
    _load_or_config_error(
        source.encode("utf-8", "surrogatepass") if data.draw(st.booleans()) else source
    )
