"""The shared test material (real tokenizers and corpora) outside the repository.

Location: ``$BUDTIKTOK_TEST_DATA``, else the ``shared`` folder beside the repository. Missing
data skips a test locally and fails it under CI (``CI=true``) or when the variable is set.
"""
from __future__ import annotations

import gzip
import os
from functools import lru_cache
from pathlib import Path

import pytest

DATA_DIR = Path(os.environ.get("BUDTIKTOK_TEST_DATA") or Path(__file__).resolve().parents[1].parent / "shared")
TOKENIZERS_DIR = DATA_DIR / "tokenizers"
CORPORA_DIR = DATA_DIR / "corpora"


def require(path: Path) -> Path:
    """``path`` if it exists; otherwise skip (or fail under CI)."""
    if not path.exists():
        reason = f"missing shared test data {path} (set BUDTIKTOK_TEST_DATA)"
        if os.environ.get("CI") == "true" or os.environ.get("BUDTIKTOK_TEST_DATA"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path


def _plain_or_gzip(path: Path) -> Path:
    return path if path.exists() else path.with_name(path.name + ".gz")


@lru_cache(maxsize=16)
def tokenizer_json(name: str) -> str:
    """The text of ``shared/tokenizers/<name>/tokenizer.json`` (plain or gzipped)."""
    path = require(_plain_or_gzip(TOKENIZERS_DIR / name / "tokenizer.json"))
    data = path.read_bytes()
    return (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8")


def corpus_files() -> list[str]:
    """Names of every ``*_lines.txt`` corpus (without ``.gz``), or one placeholder when absent."""
    if not CORPORA_DIR.is_dir():
        return ["<missing corpora>"]
    return sorted({p.name.removesuffix(".gz") for p in CORPORA_DIR.glob("*_lines.txt*")})


@lru_cache(maxsize=128)
def corpus_lines(name: str, limit: int) -> tuple[str, ...]:
    """The first ``limit`` lines of a corpus file."""
    path = require(_plain_or_gzip(CORPORA_DIR / name))
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        lines = []
        for line in handle:
            lines.append(line.rstrip("\n"))
            if len(lines) == limit:
                break
    return tuple(lines)


ENCODING_FIELDS = ("ids", "type_ids", "tokens", "offsets", "attention_mask", "special_tokens_mask", "word_ids",
                   "sequence_ids", "n_sequences")


def assert_same_encoding(ours, theirs, where: str = "encoding") -> None:
    """Every field of two Encodings and of their overflow windows equal, with a readable diff."""
    for field in ENCODING_FIELDS:
        mine, hf = getattr(ours, field), getattr(theirs, field)
        if field == "offsets":
            mine, hf = [tuple(o) for o in mine], [tuple(o) for o in hf]
        assert mine == hf, f"{where}.{field}:\n  ours {mine!r}\n  HF   {hf!r}"
    assert len(ours) == len(theirs)
    assert len(ours.overflowing) == len(theirs.overflowing), f"{where}.overflowing"
    for i, (a, b) in enumerate(zip(ours.overflowing, theirs.overflowing)):
        for field in ENCODING_FIELDS:
            assert getattr(a, field) == getattr(b, field), f"{where}.overflowing[{i}].{field}"
