"""Top level of a tokenizer.json: :class:`TokenizerSpec` and :func:`load_spec`."""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from budtiktok.errors import TokenizerConfigError
from budtiktok.spec._json import JsonObject, summary_repr
from budtiktok.spec._numbers import parse_float_like_serde
from budtiktok.spec.added_tokens import AddedToken, parse_added_tokens
from budtiktok.spec.decoders import Decoder, parse_decoder
from budtiktok.spec.models import Model, parse_model
from budtiktok.spec.normalizers import Normalizer, parse_normalizer
from budtiktok.spec.post_processors import PostProcessor, parse_post_processor
from budtiktok.spec.pre_tokenizers import PreTokenizer, parse_pre_tokenizer
from budtiktok.spec.truncation_padding import Padding, Truncation, parse_padding, parse_truncation

_T = TypeVar("_T")


@dataclass(frozen=True, eq=False)
class TokenizerSpec:
    """A validated tokenizer.json; ``None`` marks an absent (or ``null``) component.

    The containers inside (vocab dicts, ``special_tokens``) are plain dicts: treat them as
    read-only.
    """

    normalizer: Normalizer | None
    pre_tokenizer: PreTokenizer | None
    model: Model
    post_processor: PostProcessor | None
    decoder: Decoder | None
    added_tokens: tuple[AddedToken, ...]
    truncation: Truncation | None
    padding: Padding | None

    __repr__ = summary_repr


def load_spec(source: str | bytes | bytearray | dict) -> TokenizerSpec:
    """Parse and validate a tokenizer.json given as JSON text, UTF-8 bytes, or a parsed dict.

    Every problem raises :class:`~budtiktok.errors.TokenizerConfigError` carrying the JSON path
    of the bad field. Prefer text or bytes: floats (Unigram scores) are then read exactly as
    HuggingFace reads them, which a dict parsed by Python's ``json`` can be one ulp away from.

    >>> spec = load_spec('{"model": {"type": "WordLevel", "vocab": {"hi": 0}, "unk_token": "hi"}}')
    >>> spec.model.vocab
    {'hi': 0}
    """
    if not isinstance(source, (str, bytes, bytearray, dict)):
        raise TypeError(f"load_spec takes JSON str, bytes or a dict, not {type(source).__name__}")
    with _gc_paused():
        try:
            document = source if isinstance(source, dict) else _parse_json(source)
            return _build_spec(JsonObject(document, ""))
        except RecursionError:
            raise TokenizerConfigError("", "nested too deeply") from None


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for the duration of a load.

    Building millions of small containers (large vocabularies and merge lists) otherwise
    triggers repeated collections that can triple the load time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _parse_json(source: str | bytes | bytearray) -> object:
    if isinstance(source, (bytes, bytearray)):
        try:
            source = bytes(source).decode("utf-8")
        except UnicodeDecodeError as error:
            raise TokenizerConfigError("", f"invalid UTF-8 at byte {error.start}") from None
    try:
        return json.loads(
            source,
            parse_float=parse_float_like_serde,
            parse_constant=_reject_non_json_constant,
        )
    except json.JSONDecodeError as error:
        raise TokenizerConfigError(
            "", f"invalid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None


def _reject_non_json_constant(name: str) -> object:
    # Python's json module accepts NaN and Infinity; JSON (and HuggingFace) does not.
    raise TokenizerConfigError("", f"invalid JSON: {name} is not a JSON value")


def _build_spec(root: JsonObject) -> TokenizerSpec:
    version = root.str_field("version", default="1.0")
    if version != "1.0":
        raise TokenizerConfigError("version", f"unknown version {version!r}, expected '1.0'")
    return TokenizerSpec(
        normalizer=_optional_component(root, "normalizer", parse_normalizer),
        pre_tokenizer=_optional_component(root, "pre_tokenizer", parse_pre_tokenizer),
        model=parse_model(root.value("model"), "model"),
        post_processor=_optional_component(root, "post_processor", parse_post_processor),
        decoder=_optional_component(root, "decoder", parse_decoder),
        added_tokens=parse_added_tokens(root.value("added_tokens", default=[]), "added_tokens"),
        truncation=_optional_component(root, "truncation", parse_truncation),
        padding=_optional_component(root, "padding", parse_padding),
    )


def _optional_component(
    root: JsonObject, key: str, parse: Callable[[object, str], _T]
) -> _T | None:
    value = root.raw.get(key)
    return None if value is None else parse(value, key)
