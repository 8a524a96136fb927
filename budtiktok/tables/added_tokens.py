"""Added tokens: HuggingFace's id assignment, and the two match tries (raw text, normalized text).

Building the tries and normalizing contents run kernels, so they happen once per tokenizer file
and are cached on disk (``match_tables``); ``build_added_vocabulary`` is plain Python.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from ..kernels.added_tokens import LSTRIP, RSTRIP, SINGLE_WORD
from .darts import build_double_array

MATCH_KINDS = ("raw", "normalized")


class AddedVocabulary(NamedTuple):
    ids: list[int]                 # final id of each spec entry (same order as the file)
    contents: dict[str, int]       # content → id
    special_contents: frozenset    # contents of special tokens (decode skips them)
    id_to_string: dict[int, str]   # the id's token string (normalized content when normalized)
    raw_match: tuple               # kernel tuple (trie cells, token_ids, options)
    normalized_match: tuple


def assign_ids(added_tokens, model_vocab: dict[str, int]) -> list[int]:
    """HuggingFace's rule: an existing content keeps its id, others get the next free id after
    the model vocabulary (JSON ids are ignored)."""
    vocab_size = len(model_vocab)
    assigned: dict[str, int] = {}
    ids = []
    for token in added_tokens:
        token_id = assigned.get(token.content, model_vocab.get(token.content))
        if token_id is None:
            highest = max(assigned.values(), default=None)
            token_id = vocab_size if highest is None or (highest < vocab_size and vocab_size > 0) else highest + 1
        assigned.setdefault(token.content, token_id)
        ids.append(token_id)
    return ids


def _latest_of_each_content(added_tokens) -> list[int]:
    """One entry per content, in order of first appearance; when a content is listed twice the
    later entry's flags win, as in HuggingFace (re-adding a token replaces it)."""
    latest: dict[str, int] = {}
    for i, token in enumerate(added_tokens):
        latest[token.content] = i
    return list(latest.values())


def match_tables(added_tokens, model_vocab: dict[str, int], normalize: Callable[[str], str]) -> dict[str, np.ndarray]:
    """The arrays to cache: match key per token (normalized content for ``normalized`` ones) and,
    per kind, a trie over the keys with the token id and options of each."""
    ids = assign_ids(added_tokens, model_vocab)
    keys = [normalize(t.content) if t.normalized else t.content for t in added_tokens]
    arrays = {"keys": np.asarray(keys, dtype=str) if keys else np.zeros(0, dtype="<U1")}
    for kind in MATCH_KINDS:
        first_index: dict[str, int] = {}
        for i in _latest_of_each_content(added_tokens):
            if keys[i] and added_tokens[i].normalized == (kind == "normalized"):
                first_index.setdefault(keys[i], i)
        order = list(first_index.values())
        trie = build_double_array([keys[i].encode("utf-8") for i in order], list(range(len(order))))
        arrays[f"{kind}.cells"] = trie.cells
        arrays[f"{kind}.token_ids"] = np.asarray([ids[i] for i in order], dtype=np.int32)
        arrays[f"{kind}.options"] = np.asarray([_options(added_tokens[i]) for i in order], dtype=np.int64)
    return arrays


def _options(token) -> int:
    return ((SINGLE_WORD if token.single_word else 0) | (LSTRIP if token.lstrip else 0)
            | (RSTRIP if token.rstrip else 0))


def build_added_vocabulary(added_tokens, model_vocab: dict[str, int], tables: dict[str, np.ndarray]) -> AddedVocabulary:
    """The added vocabulary from the spec and the (cached) ``match_tables``."""
    ids = assign_ids(added_tokens, model_vocab)
    keys = tables["keys"].tolist()
    contents: dict[str, int] = {}
    id_to_string: dict[int, str] = {}
    for i in _latest_of_each_content(added_tokens):
        contents[added_tokens[i].content] = ids[i]
        id_to_string[ids[i]] = keys[i]
    special = frozenset(added_tokens[i].content for i in _latest_of_each_content(added_tokens)
                        if added_tokens[i].special)
    raw, normalized = (tuple(tables[f"{kind}.{field}"] for field in ("cells", "token_ids", "options"))
                       for kind in MATCH_KINDS)
    return AddedVocabulary(ids, contents, special, id_to_string, raw, normalized)
