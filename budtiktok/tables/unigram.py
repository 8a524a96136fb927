"""Unigram model → the ``args`` tuple of ``kernels.unigram``.

The tuple, in order (arrays read-only, C-contiguous):

===================  ========================================================================
``cells``            int32[n, 3] double-array trie (``tables.darts``) over the UTF-8 of every
                     non-empty piece; the value is the piece's id (the last one when a piece
                     repeats, as HuggingFace's piece → id map keeps it)
``node_scores``      float64[n] per trie node, the score of the piece ending there (-inf
                     where none does)
``byte_ids``         int32[256] id of ``<0xXX>`` per byte; all -1 without ``byte_fallback``
``unk_id``           id of the unknown token, -1 when there is none
``unk_score``        float: the lowest score minus 10 (HuggingFace's ``K_UNK_PENALTY``)
``tokens_per_char``  the most tokens one char can give (4 with byte fallback, else 1); callers
                     size their output columns by it
===================  ========================================================================
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from ..cache import cached_arrays
from ..errors import TokenizerConfigError
from .darts import build_double_array

UNK_PENALTY = 10.0


def unigram_model_args(vocab: Sequence[tuple[str, float]], unk_id: int | None, byte_fallback: bool) -> tuple:
    """The kernel's ``args`` for a Unigram model: ``vocab[id] = (piece, score)`` (a tokenizer.json
    ``model.vocab``), ``unk_id`` (``model.unk_id``, None for none), ``byte_fallback``."""
    if unk_id is not None and not 0 <= unk_id < len(vocab):
        raise TokenizerConfigError("model.unk_id", f"{unk_id} is outside the vocab of {len(vocab)} pieces")
    piece_ids = {piece: i for i, (piece, _) in enumerate(vocab)}
    piece_ids.pop("", None)
    trie = build_double_array([piece.encode("utf-8") for piece in piece_ids], list(piece_ids.values()))
    scores = np.asarray([score for _, score in vocab], dtype=np.float64)
    if not np.isfinite(scores).all():
        raise TokenizerConfigError("model.vocab", "scores must be finite numbers")
    ids = trie.cells[:, 2]
    node_scores = np.where(ids >= 0, scores[np.maximum(ids, 0)] if len(vocab) else -np.inf, -np.inf)
    byte_ids = np.full(256, -1, np.int32)
    if byte_fallback:
        for byte in range(256):
            byte_ids[byte] = piece_ids.get(f"<0x{byte:02X}>", -1)
    for array in (trie.cells, node_scores, byte_ids):
        array.setflags(write=False)
    unk_score = (float(scores.min()) if len(vocab) else float("inf")) - UNK_PENALTY
    return (trie.cells, node_scores, byte_ids, -1 if unk_id is None else int(unk_id), unk_score,
            4 if byte_fallback else 1)


def cached_unigram_model_args(model, key: str, persist: bool) -> tuple:
    """``unigram_model_args`` of a Unigram spec, its arrays cached on disk under ``key``."""
    def build():
        cells, node_scores, byte_ids, unk_id, unk_score, per_char = unigram_model_args(model.vocab, model.unk_id,
                                                                                       model.byte_fallback)
        return {"cells": cells, "node_scores": node_scores, "byte_ids": byte_ids,
                "scalars": np.array([unk_id, unk_score, per_char], np.float64)}

    arrays = cached_arrays(key, build, persist)
    unk_id, unk_score, per_char = arrays["scalars"].tolist()
    return arrays["cells"], arrays["node_scores"], arrays["byte_ids"], int(unk_id), unk_score, int(per_char)


@lru_cache(maxsize=1)
def empty_unigram_args() -> tuple:
    """``args`` of the kernel's types for a tokenizer whose model is not Unigram (never read):
    ``tokens_per_char`` 0 tells ``new_unigram_scratch`` to allocate nothing."""
    return unigram_model_args((), None, False)[:5] + (0,)
