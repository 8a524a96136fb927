"""Post-processor specs: one frozen dataclass per HuggingFace post-processor ``type``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from budtiktok.errors import TokenizerConfigError
from budtiktok.spec._json import (
    JsonObject,
    entry_path,
    expect_int,
    expect_list,
    expect_single_key,
    expect_str,
    index_path,
    key_path,
    parse_tagged,
    quoted,
)
from budtiktok.spec.pre_tokenizers import read_byte_level_flags


@dataclass(frozen=True)
class BertProcessing:
    """``[CLS] A [SEP]`` / ``[CLS] A [SEP] B [SEP]``; ``sep``/``cls`` are ``(token, id)``."""

    sep: tuple[str, int]
    cls: tuple[str, int]


@dataclass(frozen=True)
class RobertaProcessing:
    """``<s> A </s>`` / ``<s> A </s> </s> B </s>``, all type ids 0, optional offset trimming."""

    sep: tuple[str, int]
    cls: tuple[str, int]
    trim_offsets: bool
    add_prefix_space: bool


@dataclass(frozen=True)
class ByteLevel:
    """Adds no token; trims the spaces off token offsets when ``trim_offsets``."""

    add_prefix_space: bool
    trim_offsets: bool
    use_regex: bool


@dataclass(frozen=True)
class TemplateSequence:
    """Template piece standing for input sequence ``A`` or ``B``."""

    id: Literal["A", "B"]
    type_id: int


@dataclass(frozen=True)
class TemplateSpecialToken:
    """Template piece naming an entry of ``TemplateProcessing.special_tokens``."""

    id: str
    type_id: int


TemplatePiece = TemplateSequence | TemplateSpecialToken


@dataclass(frozen=True)
class SpecialTokenEntry:
    """A special token of a template; it may expand to several ``ids``/``tokens``."""

    id: str
    ids: tuple[int, ...]
    tokens: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class TemplateProcessing:
    """Templates for single and pair inputs; ``special_tokens`` is keyed like the JSON map."""

    single: tuple[TemplatePiece, ...]
    pair: tuple[TemplatePiece, ...]
    special_tokens: dict[str, SpecialTokenEntry]


@dataclass(frozen=True)
class Sequence:
    """Apply ``processors`` in order."""

    processors: tuple[PostProcessor, ...]


PostProcessor = BertProcessing | RobertaProcessing | ByteLevel | TemplateProcessing | Sequence


def parse_post_processor(value: object, path: str) -> PostProcessor:
    """Parse one post-processor object found at ``path``."""
    return parse_tagged(value, path, _PARSERS)


def _token_and_id(value: object, path: str) -> tuple[str, int]:
    """A ``["[SEP]", 102]`` pair."""
    pair = expect_list(value, path)
    if len(pair) != 2:
        raise TokenizerConfigError(path, f"expected [token, id], got {len(pair)} items")
    return expect_str(pair[0], index_path(path, 0)), expect_int(pair[1], index_path(path, 1))


def _bert_processing(obj: JsonObject) -> BertProcessing:
    return BertProcessing(
        sep=_token_and_id(obj.value("sep"), obj.path_of("sep")),
        cls=_token_and_id(obj.value("cls"), obj.path_of("cls")),
    )


def _roberta_processing(obj: JsonObject) -> RobertaProcessing:
    return RobertaProcessing(
        sep=_token_and_id(obj.value("sep"), obj.path_of("sep")),
        cls=_token_and_id(obj.value("cls"), obj.path_of("cls")),
        trim_offsets=obj.bool_field("trim_offsets"),
        add_prefix_space=obj.bool_field("add_prefix_space"),
    )


def _template_piece(value: object, path: str) -> TemplatePiece:
    kind, body = expect_single_key(value, path, ("Sequence", "SpecialToken"))
    obj = JsonObject(body, key_path(path, kind))
    type_id = obj.int_field("type_id")
    if kind == "Sequence":
        return TemplateSequence(obj.choice_field("id", {"A": "A", "B": "B"}), type_id)
    return TemplateSpecialToken(obj.str_field("id"), type_id)


def _special_token_entry(value: object, path: str) -> SpecialTokenEntry:
    obj = JsonObject(value, path)
    ids = obj.list_of("ids", expect_int)
    tokens = obj.list_of("tokens", expect_str)
    if len(ids) != len(tokens):
        message = f"has {len(tokens)} tokens for {len(ids)} ids"
        raise TokenizerConfigError(obj.path_of("tokens"), message)
    return SpecialTokenEntry(obj.str_field("id"), ids, tokens)


def _template_processing(obj: JsonObject) -> TemplateProcessing:
    single = obj.list_of("single", _template_piece)
    pair = obj.list_of("pair", _template_piece)
    special_path = obj.path_of("special_tokens")
    special_tokens = {
        expect_str(name, special_path): _special_token_entry(entry, entry_path(special_path, name))
        for name, entry in JsonObject(obj.value("special_tokens"), special_path).raw.items()
    }
    for template_name, template in (("single", single), ("pair", pair)):
        for index, piece in enumerate(template):
            if isinstance(piece, TemplateSpecialToken) and piece.id not in special_tokens:
                piece_path = index_path(obj.path_of(template_name), index)
                raise TokenizerConfigError(
                    key_path(key_path(piece_path, "SpecialToken"), "id"),
                    f"{quoted(piece.id)} is not in special_tokens",
                )
    return TemplateProcessing(single, pair, special_tokens)


_PARSERS = {
    "BertProcessing": _bert_processing,
    "RobertaProcessing": _roberta_processing,
    "ByteLevel": lambda obj: ByteLevel(*read_byte_level_flags(obj)),
    "TemplateProcessing": _template_processing,
    "Sequence": lambda obj: Sequence(obj.list_of("processors", parse_post_processor)),
}
