"""Truncation and padding parameters stored in a tokenizer.json."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from budtiktok.errors import TokenizerConfigError
from budtiktok.spec._json import USIZE_MAX, JsonObject, expect_int, key_path

_DIRECTIONS = {"Right": "Right", "Left": "Left"}
_STRATEGIES = {"LongestFirst": "LongestFirst", "OnlyFirst": "OnlyFirst", "OnlySecond": "OnlySecond"}


@dataclass(frozen=True)
class Truncation:
    """Truncate to ``max_length`` tokens, keeping ``stride`` tokens of overlap in overflows."""

    max_length: int
    stride: int
    strategy: Literal["LongestFirst", "OnlyFirst", "OnlySecond"]
    direction: Literal["Right", "Left"]


@dataclass(frozen=True)
class Padding:
    """Pad to ``length`` (None: the longest in the batch), rounded up to ``pad_to_multiple_of``.

    A ``pad_to_multiple_of`` of 0 in the file means "no rounding" and is stored as None.
    """

    length: int | None
    direction: Literal["Right", "Left"]
    pad_to_multiple_of: int | None
    pad_id: int
    pad_type_id: int
    pad_token: str


def parse_truncation(value: object, path: str) -> Truncation:
    """Parse the ``truncation`` object."""
    obj = JsonObject(value, path)
    return Truncation(
        max_length=obj.int_field("max_length", maximum=USIZE_MAX),
        stride=obj.int_field("stride", maximum=USIZE_MAX),
        strategy=obj.choice_field("strategy", _STRATEGIES),
        direction=obj.choice_field("direction", _DIRECTIONS, default="Right"),
    )


def parse_padding(value: object, path: str) -> Padding:
    """Parse the ``padding`` object; its strategy is ``"BatchLongest"`` or ``{"Fixed": N}``."""
    obj = JsonObject(value, path)
    multiple = obj.int_field("pad_to_multiple_of", default=None, nullable=True, maximum=USIZE_MAX)
    return Padding(
        length=_padding_length(obj.value("strategy"), obj.path_of("strategy")),
        direction=obj.choice_field("direction", _DIRECTIONS),
        pad_to_multiple_of=multiple or None,
        pad_id=obj.int_field("pad_id"),
        pad_type_id=obj.int_field("pad_type_id"),
        pad_token=obj.str_field("pad_token"),
    )


def _padding_length(strategy: object, path: str) -> int | None:
    if strategy == "BatchLongest":
        return None
    if type(strategy) is dict and list(strategy) == ["Fixed"]:
        return expect_int(strategy["Fixed"], key_path(path, "Fixed"), maximum=USIZE_MAX)
    message = f'expected "BatchLongest" or {{"Fixed": N}}, got {strategy!r:.80}'
    raise TokenizerConfigError(path, message)
