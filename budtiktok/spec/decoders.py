"""Decoder specs: one frozen dataclass per HuggingFace decoder ``type``."""

from __future__ import annotations

from dataclasses import dataclass

from budtiktok.spec._json import USIZE_MAX, JsonObject, parse_tagged
from budtiktok.spec.patterns import Pattern, parse_pattern
from budtiktok.spec.pre_tokenizers import (
    PrependScheme,
    read_byte_level_flags,
    read_metaspace_fields,
)


@dataclass(frozen=True)
class WordPiece:
    """Join WordPiece tokens, dropping ``prefix``; ``cleanup`` fixes spaces before punctuation."""

    prefix: str
    cleanup: bool


@dataclass(frozen=True)
class ByteLevel:
    """Map GPT-2 byte-alphabet characters back to bytes and decode UTF-8."""


@dataclass(frozen=True)
class Metaspace:
    """Turn ``replacement`` back into spaces, dropping the prepended one."""

    replacement: str
    prepend_scheme: PrependScheme
    split: bool


@dataclass(frozen=True)
class BPEDecoder:
    """Turn the end-of-word ``suffix`` into spaces."""

    suffix: str


@dataclass(frozen=True)
class ByteFallback:
    """Turn runs of ``<0xHH>`` tokens back into text."""


@dataclass(frozen=True)
class Fuse:
    """Join all tokens into one."""


@dataclass(frozen=True)
class Strip:
    """Remove up to ``start`` leading and ``stop`` trailing ``content`` characters per token."""

    content: str
    start: int
    stop: int


@dataclass(frozen=True)
class Replace:
    """Replace every match of ``pattern`` by ``content`` in each token."""

    pattern: Pattern
    content: str


@dataclass(frozen=True)
class CTC:
    """Collapse repeats, drop ``pad_token``, turn ``word_delimiter_token`` into spaces."""

    pad_token: str
    word_delimiter_token: str
    cleanup: bool


@dataclass(frozen=True)
class Sequence:
    """Apply ``decoders`` in order."""

    decoders: tuple[Decoder, ...]


Decoder = (
    WordPiece
    | ByteLevel
    | Metaspace
    | BPEDecoder
    | ByteFallback
    | Fuse
    | Strip
    | Replace
    | CTC
    | Sequence
)


def parse_decoder(value: object, path: str) -> Decoder:
    """Parse one decoder object found at ``path``."""
    return parse_tagged(value, path, _PARSERS)


def _byte_level(obj: JsonObject) -> ByteLevel:
    # The flags do nothing when decoding, but HuggingFace still requires them.
    read_byte_level_flags(obj)
    return ByteLevel()


_PARSERS = {
    "WordPiece": lambda obj: WordPiece(obj.str_field("prefix"), obj.bool_field("cleanup")),
    "ByteLevel": _byte_level,
    "Metaspace": lambda obj: Metaspace(*read_metaspace_fields(obj)),
    "BPEDecoder": lambda obj: BPEDecoder(obj.str_field("suffix")),
    "ByteFallback": lambda obj: ByteFallback(),
    "Fuse": lambda obj: Fuse(),
    "Strip": lambda obj: Strip(
        obj.char_field("content"),
        obj.int_field("start", maximum=USIZE_MAX),
        obj.int_field("stop", maximum=USIZE_MAX),
    ),
    "Replace": lambda obj: Replace(
        parse_pattern(obj.value("pattern"), obj.path_of("pattern")), obj.str_field("content")
    ),
    "CTC": lambda obj: CTC(
        obj.str_field("pad_token"), obj.str_field("word_delimiter_token"), obj.bool_field("cleanup")
    ),
    "Sequence": lambda obj: Sequence(obj.list_of("decoders", parse_decoder)),
}
