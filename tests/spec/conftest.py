"""Fixtures for the spec tests: the shared real tokenizer.json files and a spec/JSON comparator.

Data location: ``$BUDTIKTOK_TEST_DATA`` or the ``shared`` folder beside the repository. Missing
data skips the data tests locally and fails them under CI (``CI=true``) or when the variable
names a folder explicitly.
"""

from __future__ import annotations

import base64
import gzip
import os
from dataclasses import fields, is_dataclass
from functools import lru_cache
from pathlib import Path

import pytest

from budtiktok.spec import TokenizerSpec, load_spec
from budtiktok.spec.models import BPE
from budtiktok.spec.patterns import Pattern
from budtiktok.spec.post_processors import TemplateSequence, TemplateSpecialToken
from budtiktok.spec.truncation_padding import Padding

DATA_DIR = Path(
    os.environ.get("BUDTIKTOK_TEST_DATA") or Path(__file__).resolve().parents[2].parent / "shared"
)
TOKENIZERS_DIR = DATA_DIR / "tokenizers"


def shared_tokenizer_names() -> list[str]:
    """Names of the shared tokenizer folders holding a tokenizer.json(.gz)."""
    if not TOKENIZERS_DIR.is_dir():
        return []
    return sorted(
        folder.name
        for folder in TOKENIZERS_DIR.iterdir()
        if (folder / "tokenizer.json").is_file() or (folder / "tokenizer.json.gz").is_file()
    )


def _missing_data() -> None:
    reason = f"no shared tokenizer files under {TOKENIZERS_DIR}"
    if os.environ.get("CI") == "true" or os.environ.get("BUDTIKTOK_TEST_DATA"):
        pytest.fail(reason)
    pytest.skip(reason)


@lru_cache(maxsize=8)
def _read_tokenizer_json(name: str) -> bytes:
    plain = TOKENIZERS_DIR / name / "tokenizer.json"
    if plain.is_file():
        return plain.read_bytes()
    return gzip.decompress((TOKENIZERS_DIR / name / "tokenizer.json.gz").read_bytes())


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``tokenizer_name`` over every shared file (one ``None`` when there are none)."""
    if "tokenizer_name" in metafunc.fixturenames:
        metafunc.parametrize("tokenizer_name", shared_tokenizer_names() or [None])


@pytest.fixture(scope="session")
def read_tokenizer_json():
    """``read(name) -> bytes`` of a shared tokenizer.json; skips or fails when data is missing."""

    def read(name: str | None) -> bytes:
        if name is None or name not in shared_tokenizer_names():
            _missing_data()
        return _read_tokenizer_json(name)

    return read


@lru_cache(maxsize=4)  # the biggest specs hold ~100 MB each
def _load_shared_spec(name: str) -> TokenizerSpec:
    return load_spec(_read_tokenizer_json(name))


@pytest.fixture(scope="session")
def shared_spec(read_tokenizer_json):
    """``spec(name) -> TokenizerSpec`` of a shared file; the last few loaded are reused."""

    def spec(name: str | None) -> TokenizerSpec:
        read_tokenizer_json(name)
        return _load_shared_spec(name)

    return spec


@pytest.fixture(scope="session")
def assert_spec_matches_json():
    """``check(spec_value, json_value)``: every field present in the JSON equals the spec's.

    Fields the JSON omits (defaults, legacy forms) and JSON members the spec does not model are
    skipped; ``type`` tags must equal the class names.
    """
    return _compare


def _compare(value: object, expected: object, path: str = "") -> None:
    if isinstance(value, Pattern):
        assert expected == {value.kind: value.value}, path
    elif isinstance(value, (TemplateSequence, TemplateSpecialToken)):
        kind = "Sequence" if isinstance(value, TemplateSequence) else "SpecialToken"
        assert expected == {kind: {"id": value.id, "type_id": value.type_id}}, path
    elif isinstance(value, Padding):
        strategy = "BatchLongest" if value.length is None else {"Fixed": value.length}
        assert expected["strategy"] == strategy, path
        assert (expected.get("pad_to_multiple_of") or None) == value.pad_to_multiple_of, path
        for name in ("direction", "pad_id", "pad_type_id", "pad_token"):
            assert expected[name] == getattr(value, name), f"{path}.{name}"
    elif is_dataclass(value):
        _compare_dataclass(value, expected, path)
    elif isinstance(value, tuple):
        assert isinstance(expected, list) and len(expected) == len(value), path
        plain = [list(item) if isinstance(item, tuple) else item for item in value]
        if plain == expected:  # fast path for vocabularies and merge lists
            return
        for index, (item, expected_item) in enumerate(zip(value, expected, strict=True)):
            _compare(item, expected_item, f"{path}[{index}]")
    elif isinstance(value, dict):
        assert isinstance(expected, dict) and expected.keys() == value.keys(), path
        if value != expected:
            for key, item in value.items():
                _compare(item, expected[key], f"{path}[{key!r}]")
    elif isinstance(value, bytes):
        assert base64.b64decode(expected or "") == value, path
    else:
        assert value == expected, f"{path}: {value!r} != {expected!r}"


def _compare_dataclass(value: object, expected: object, path: str) -> None:
    assert isinstance(expected, dict), path
    if "type" in expected:
        assert expected["type"] == type(value).__name__, path
    for field in fields(value):
        if field.name not in expected or expected[field.name] is None:
            continue
        expected_field = expected[field.name]
        if field.name == "added_tokens":
            expected_field = [token for token in expected_field if token["content"]]
        elif isinstance(value, BPE) and field.name == "merges":
            expected_field = [
                merge.split(" ") if isinstance(merge, str) else merge
                for merge in expected_field
                if not (isinstance(merge, str) and merge.startswith("#version"))
            ]
        _compare(getattr(value, field.name), expected_field, f"{path}.{field.name}")
