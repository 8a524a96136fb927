"""Normalizer specs: one frozen dataclass per HuggingFace normalizer ``type``."""

from __future__ import annotations

import base64
import binascii
import struct
from dataclasses import dataclass

from budtiktok.errors import TokenizerConfigError
from budtiktok.spec._json import JsonObject, expect_str, parse_tagged, summary_repr
from budtiktok.spec.patterns import Pattern, parse_pattern


@dataclass(frozen=True)
class BertNormalizer:
    """BERT cleaning; ``strip_accents=None`` means "same as ``lowercase``"."""

    clean_text: bool
    handle_chinese_chars: bool
    strip_accents: bool | None
    lowercase: bool


@dataclass(frozen=True)
class Lowercase:
    """Per-character Unicode lowercase."""


@dataclass(frozen=True)
class StripAccents:
    """Delete combining marks (Mn, Mc, Me)."""


@dataclass(frozen=True)
class NFC:
    """Unicode NFC."""


@dataclass(frozen=True)
class NFD:
    """Unicode NFD."""


@dataclass(frozen=True)
class NFKC:
    """Unicode NFKC."""


@dataclass(frozen=True)
class NFKD:
    """Unicode NFKD."""


@dataclass(frozen=True)
class Nmt:
    """SentencePiece NMT control-character cleanup."""


@dataclass(frozen=True)
class Strip:
    """Strip Unicode whitespace from either end."""

    strip_left: bool
    strip_right: bool


@dataclass(frozen=True)
class Replace:
    """Replace every match of ``pattern`` by ``content``."""

    pattern: Pattern
    content: str


@dataclass(frozen=True)
class Prepend:
    """Prepend ``prepend`` to non-empty text."""

    prepend: str


@dataclass(frozen=True)
class Precompiled:
    """SentencePiece charsmap, base64-decoded; ``b""`` means no-op."""

    precompiled_charsmap: bytes

    __repr__ = summary_repr


@dataclass(frozen=True)
class ByteLevel:
    """Map each UTF-8 byte to its GPT-2 byte-alphabet character."""


@dataclass(frozen=True)
class Sequence:
    """Apply ``normalizers`` in order."""

    normalizers: tuple[Normalizer, ...]


Normalizer = (
    BertNormalizer
    | Lowercase
    | StripAccents
    | NFC
    | NFD
    | NFKC
    | NFKD
    | Nmt
    | Strip
    | Replace
    | Prepend
    | Precompiled
    | ByteLevel
    | Sequence
)


def parse_normalizer(value: object, path: str) -> Normalizer:
    """Parse one normalizer object found at ``path``."""
    return parse_tagged(value, path, _PARSERS)


def _bert_normalizer(obj: JsonObject) -> BertNormalizer:
    return BertNormalizer(
        clean_text=obj.bool_field("clean_text"),
        handle_chinese_chars=obj.bool_field("handle_chinese_chars"),
        strip_accents=obj.bool_field("strip_accents", default=None, nullable=True),
        lowercase=obj.bool_field("lowercase"),
    )


def _precompiled(obj: JsonObject) -> Precompiled:
    path = obj.path_of("precompiled_charsmap")
    # Accepted even though HuggingFace 0.23 fails on them: null or "" mean "no charsmap".
    raw = obj.value("precompiled_charsmap")
    encoded = "" if raw is None else expect_str(raw, path)
    try:
        charsmap = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as error:
        raise TokenizerConfigError(path, f"invalid base64: {error}") from None
    if charsmap:
        _check_charsmap_layout(charsmap, path)
    return Precompiled(charsmap)


def _check_charsmap_layout(charsmap: bytes, path: str) -> None:
    """``u32 trie_size`` + trie + UTF-8 replacement blob, as SentencePiece writes it."""
    if len(charsmap) < 4:
        raise TokenizerConfigError(path, "charsmap shorter than its 4-byte header")
    (trie_size,) = struct.unpack_from("<I", charsmap)
    blob_start = 4 + trie_size // 4 * 4
    if blob_start > len(charsmap):
        raise TokenizerConfigError(path, f"charsmap trie of {trie_size} bytes overruns the data")
    try:
        charsmap[blob_start:].decode("utf-8")
    except UnicodeDecodeError:
        raise TokenizerConfigError(path, "charsmap replacement strings are not UTF-8") from None


_PARSERS = {
    "BertNormalizer": _bert_normalizer,
    "Lowercase": lambda obj: Lowercase(),
    "StripAccents": lambda obj: StripAccents(),
    "NFC": lambda obj: NFC(),
    "NFD": lambda obj: NFD(),
    "NFKC": lambda obj: NFKC(),
    "NFKD": lambda obj: NFKD(),
    "Nmt": lambda obj: Nmt(),
    "Strip": lambda obj: Strip(obj.bool_field("strip_left"), obj.bool_field("strip_right")),
    "Replace": lambda obj: Replace(
        parse_pattern(obj.value("pattern"), obj.path_of("pattern")), obj.str_field("content")
    ),
    "Prepend": lambda obj: Prepend(obj.str_field("prepend")),
    "Precompiled": _precompiled,
    "ByteLevel": lambda obj: ByteLevel(),
    "Sequence": lambda obj: Sequence(obj.list_of("normalizers", parse_normalizer)),
}
