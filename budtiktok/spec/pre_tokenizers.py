"""Pre-tokenizer specs: one frozen dataclass per HuggingFace pre-tokenizer ``type``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from budtiktok.errors import TokenizerConfigError
from budtiktok.spec._json import USIZE_MAX, JsonObject, parse_tagged
from budtiktok.spec.patterns import Pattern, parse_pattern

SplitBehavior = Literal["Removed", "Isolated", "MergedWithPrevious", "MergedWithNext", "Contiguous"]
PrependScheme = Literal["first", "always", "never"]

# Accepted spellings -> canonical form. The JSON uses the CamelCase names; the snake_case ones
# are what HuggingFace's Python constructors take.
SPLIT_BEHAVIORS: dict[str, str] = {
    **{name: name for name in get_args(SplitBehavior)},
    "removed": "Removed",
    "isolated": "Isolated",
    "merged_with_previous": "MergedWithPrevious",
    "merged_with_next": "MergedWithNext",
    "contiguous": "Contiguous",
}
PREPEND_SCHEMES: dict[str, str] = {name: name for name in get_args(PrependScheme)}


@dataclass(frozen=True)
class BertPreTokenizer:
    """Split on whitespace (removed) and isolate each punctuation character."""


@dataclass(frozen=True)
class Whitespace:
    r"""Keep the matches of ``\w+|[^\w\s]+`` (Rust regex classes)."""


@dataclass(frozen=True)
class WhitespaceSplit:
    """Split on Unicode whitespace, removing it."""


@dataclass(frozen=True)
class Punctuation:
    """Split on punctuation characters with the given behavior."""

    behavior: SplitBehavior


@dataclass(frozen=True)
class Digits:
    """Split out numeric characters, one by one or in contiguous runs."""

    individual_digits: bool


@dataclass(frozen=True)
class CharDelimiterSplit:
    """Split on one character, removing it."""

    delimiter: str


@dataclass(frozen=True)
class Metaspace:
    """Replace spaces by ``replacement``, prepend it per ``prepend_scheme``, optionally split."""

    replacement: str
    prepend_scheme: PrependScheme
    split: bool


@dataclass(frozen=True)
class ByteLevel:
    """GPT-2 byte-level pre-tokenization (``trim_offsets`` has no effect here)."""

    add_prefix_space: bool
    trim_offsets: bool
    use_regex: bool


@dataclass(frozen=True)
class Split:
    """Split on ``pattern`` with ``behavior``; ``invert`` makes the pattern describe the pieces."""

    pattern: Pattern
    behavior: SplitBehavior
    invert: bool


@dataclass(frozen=True)
class UnicodeScripts:
    """Split where the Unicode script changes."""


@dataclass(frozen=True)
class FixedLength:
    """Chunks of ``length`` characters."""

    length: int


@dataclass(frozen=True)
class Sequence:
    """Apply ``pretokenizers`` in order."""

    pretokenizers: tuple[PreTokenizer, ...]


PreTokenizer = (
    BertPreTokenizer
    | Whitespace
    | WhitespaceSplit
    | Punctuation
    | Digits
    | CharDelimiterSplit
    | Metaspace
    | ByteLevel
    | Split
    | UnicodeScripts
    | FixedLength
    | Sequence
)


def parse_pre_tokenizer(value: object, path: str) -> PreTokenizer:
    """Parse one pre-tokenizer object found at ``path``."""
    return parse_tagged(value, path, _PARSERS)


def read_metaspace_fields(obj: JsonObject) -> tuple[str, str, bool]:
    """``(replacement, prepend_scheme, split)`` of a Metaspace object, legacy fields resolved.

    Legacy files carry ``add_prefix_space`` (and an ignored ``str_rep``) instead of
    ``prepend_scheme``. ``true`` leaves the scheme as declared (default ``always``); ``false``
    means ``never`` and, as in HuggingFace, is an error unless the scheme says ``never`` too,
    which includes a missing scheme, since that defaults to ``always``.
    """
    replacement = obj.char_field("replacement")
    prepend_scheme = obj.choice_field("prepend_scheme", PREPEND_SCHEMES, default="always")
    split = obj.bool_field("split", default=True, nullable=True)
    add_prefix_space = obj.bool_field("add_prefix_space", default=None, nullable=True)
    obj.str_field("str_rep", default=None, nullable=True)  # unused, but must be a string
    if add_prefix_space is False and prepend_scheme != "never":
        raise TokenizerConfigError(
            obj.path_of("add_prefix_space"),
            f"false contradicts prepend_scheme {prepend_scheme!r} (legacy false means 'never')",
        )
    return replacement, prepend_scheme, split


def read_byte_level_flags(obj: JsonObject) -> tuple[bool, bool, bool]:
    """``(add_prefix_space, trim_offsets, use_regex)`` of a ByteLevel object."""
    return (
        obj.bool_field("add_prefix_space"),
        obj.bool_field("trim_offsets"),
        obj.bool_field("use_regex", default=True),
    )


def _fixed_length(obj: JsonObject) -> FixedLength:
    # HuggingFace accepts 0 but then panics on every input.
    return FixedLength(obj.int_field("length", default=5, minimum=1, maximum=USIZE_MAX))


_PARSERS = {
    "BertPreTokenizer": lambda obj: BertPreTokenizer(),
    "Whitespace": lambda obj: Whitespace(),
    "WhitespaceSplit": lambda obj: WhitespaceSplit(),
    "Punctuation": lambda obj: Punctuation(
        obj.choice_field("behavior", SPLIT_BEHAVIORS, default="Isolated")
    ),
    "Digits": lambda obj: Digits(obj.bool_field("individual_digits")),
    "CharDelimiterSplit": lambda obj: CharDelimiterSplit(obj.char_field("delimiter")),
    "Metaspace": lambda obj: Metaspace(*read_metaspace_fields(obj)),
    "ByteLevel": lambda obj: ByteLevel(*read_byte_level_flags(obj)),
    "Split": lambda obj: Split(
        parse_pattern(obj.value("pattern"), obj.path_of("pattern")),
        obj.choice_field("behavior", SPLIT_BEHAVIORS),
        obj.bool_field("invert"),
    ),
    "UnicodeScripts": lambda obj: UnicodeScripts(),
    "FixedLength": _fixed_length,
    "Sequence": lambda obj: Sequence(obj.list_of("pretokenizers", parse_pre_tokenizer)),
}
