"""Added tokens: HuggingFace's id assignment, and the two match tries (raw text, normalized text)."""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from ..kernels.added_tokens import LSTRIP, RSTRIP, SINGLE_WORD
from .darts import build_double_array


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


def _match_tables(keys: list[str], token_ids: list[int], options: list[int]) -> tuple:
    first_index: dict[str, int] = {}
    for i, key in enumerate(keys):
        first_index.setdefault(key, i)
    unique = list(first_index)
    trie = build_double_array([k.encode("utf-8") for k in unique], list(range(len(unique))))
    order = [first_index[k] for k in unique]
    return (trie.cells,
            np.asarray([token_ids[i] for i in order], dtype=np.int32),
            np.asarray([options[i] for i in order], dtype=np.int64))


def build_added_vocabulary(added_tokens, model_vocab: dict[str, int],
                           normalize: Callable[[str], str]) -> AddedVocabulary:
    """Assign ids and build both match tables; ``normalize`` runs the tokenizer's normalizer."""
    ids = assign_ids(added_tokens, model_vocab)
    contents: dict[str, int] = {}
    id_to_string: dict[int, str] = {}
    raw = ([], [], [])
    normalized = ([], [], [])
    for token, token_id in zip(added_tokens, ids):
        if token.content in contents:
            continue
        contents[token.content] = token_id
        options = ((SINGLE_WORD if token.single_word else 0) | (LSTRIP if token.lstrip else 0)
                   | (RSTRIP if token.rstrip else 0))
        key = normalize(token.content) if token.normalized else token.content
        id_to_string[token_id] = key
        if not key:
            continue
        target = normalized if token.normalized else raw
        target[0].append(key)
        target[1].append(token_id)
        target[2].append(options)
    special = frozenset(t.content for t in added_tokens if t.special)
    return AddedVocabulary(ids, contents, special, id_to_string,
                           _match_tables(*raw), _match_tables(*normalized))
