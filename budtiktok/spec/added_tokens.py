"""Added-token specs (the top-level ``added_tokens`` list)."""

from __future__ import annotations

from dataclasses import dataclass

from budtiktok.spec._json import JsonObject, parse_list


@dataclass(frozen=True)
class AddedToken:
    """One added token, with the ``id`` written in the file.

    HuggingFace does not trust that id: it re-assigns ids in file order when building the
    tokenizer, which is done outside the spec.
    """

    id: int
    content: str
    single_word: bool
    lstrip: bool
    rstrip: bool
    normalized: bool
    special: bool


def parse_added_tokens(value: object, path: str) -> tuple[AddedToken, ...]:
    """Parse the ``added_tokens`` list, dropping entries with empty content as HuggingFace does."""
    return tuple(token for token in parse_list(value, path, _added_token) if token.content)


def _added_token(value: object, path: str) -> AddedToken:
    obj = JsonObject(value, path)
    return AddedToken(
        id=obj.int_field("id"),
        content=obj.str_field("content"),
        single_word=obj.bool_field("single_word"),
        lstrip=obj.bool_field("lstrip"),
        rstrip=obj.bool_field("rstrip"),
        normalized=obj.bool_field("normalized"),
        special=obj.bool_field("special"),
    )
