"""Columnar batch results and the ``Encoding`` row views over them.

``BatchEncoding`` holds flat columns for every output row (main rows first, then overflow rows)
exactly as the kernels wrote them; ``Encoding`` objects are two-slot views that build Python
lists only when a field is read.
"""
from __future__ import annotations

import numpy as np

from .kernels.pipeline import NORMALIZED_MATCH, UNK_TEXT
from .kernels.post_processors import PAD, SPECIAL


class BatchEncoding:
    """Every output row of one call. Rows ``0..n_inputs-1`` are the inputs' main rows."""

    def __init__(self, columns, row_splits, overflow_splits, plan, n_inputs, raw, raw_texts, compiled, n_sequences,
                 pad_token, unk_chars):
        (self.ids, self.type_ids, self.start, self.end, self.word, self.flags, self.source,
         self.ranges) = columns
        self.row_splits = row_splits
        self.overflow_splits = overflow_splits
        self.plan = plan                # per row: input, window of A, window of B
        self.n_inputs = n_inputs
        self.raw = raw                  # (ids, start, end, word, added, row_splits) of the model output
        self.raw_texts = raw_texts      # the text of each raw row (each word, when pre-tokenized)
        self.compiled = compiled
        self.n_sequences = n_sequences  # per input: 1 or 2
        self.pad_token = pad_token
        self.unk_chars = unk_chars      # the normalized text of Unigram unk tokens (``kernels.pipeline.UNK_TEXT``)

    def __len__(self) -> int:
        return self.n_inputs

    def __getitem__(self, i: int) -> "Encoding":
        if not -self.n_inputs <= i < self.n_inputs:
            raise IndexError(i)
        return Encoding(self, i % self.n_inputs)

    def encodings(self) -> list["Encoding"]:
        """One ``Encoding`` view per input."""
        return [Encoding(self, i) for i in range(self.n_inputs)]

    def input_of_row(self, row: int) -> int:
        if row < self.n_inputs:
            return row
        return int(np.searchsorted(self.overflow_splits, row - self.n_inputs, side="right")) - 1

    def token_strings(self, row: int) -> list[str]:
        lo, hi = self.row_splits[row], self.row_splits[row + 1]
        model_tokens = self.compiled.model_tokens
        added_strings = self.compiled.id_to_token
        special_tokens = self.compiled.post.special_tokens
        raw_ids, raw_start, raw_end, _, raw_added, raw_splits = self.raw
        tokens = []
        for token_id, source in zip(self.ids[lo:hi].tolist(), self.source[lo:hi].tolist()):
            if source == -1:
                tokens.append(self.pad_token)
            elif source < -1:
                tokens.append(special_tokens[-2 - source])
            elif raw_added[source] & UNK_TEXT:
                at = raw_added[source] ^ UNK_TEXT
                tokens.append("".join(map(chr, self.unk_chars[at + 1:at + 1 + self.unk_chars[at]])))
            elif raw_added[source] and not raw_added[source] & NORMALIZED_MATCH:
                raw_row = int(np.searchsorted(raw_splits, source, side="right")) - 1
                text = self.raw_texts[raw_row]
                tokens.append(text[raw_start[source]:raw_end[source]])
            elif raw_added[source]:
                tokens.append(added_strings[token_id])
            else:
                tokens.append(model_tokens[token_id])
        return tokens


class Encoding:
    """One row of a ``BatchEncoding``, with the fields of ``tokenizers.Encoding``."""

    __slots__ = ("_batch", "_row")

    def __init__(self, batch: BatchEncoding, row: int):
        self._batch = batch
        self._row = row

    def _slice(self, column: np.ndarray) -> np.ndarray:
        splits = self._batch.row_splits
        return column[splits[self._row]:splits[self._row + 1]]

    def __len__(self) -> int:
        return int(self._batch.row_splits[self._row + 1] - self._batch.row_splits[self._row])

    def __repr__(self) -> str:
        return f"Encoding(num_tokens={len(self)}, attributes=[ids, type_ids, tokens, offsets, attention_mask, " \
               "special_tokens_mask, overflowing])"

    @property
    def ids(self) -> list[int]:
        return self._slice(self._batch.ids).tolist()

    @property
    def type_ids(self) -> list[int]:
        return self._slice(self._batch.type_ids).tolist()

    @property
    def tokens(self) -> list[str]:
        return self._batch.token_strings(self._row)

    @property
    def offsets(self) -> list[tuple[int, int]]:
        return list(zip(self._slice(self._batch.start).tolist(), self._slice(self._batch.end).tolist()))

    @property
    def attention_mask(self) -> list[int]:
        return ((self._slice(self._batch.flags) & PAD) == 0).astype(np.int64).tolist()

    @property
    def special_tokens_mask(self) -> list[int]:
        return (self._slice(self._batch.flags) & SPECIAL).astype(np.int64).tolist()

    @property
    def word_ids(self) -> list[int | None]:
        return [None if w < 0 else w for w in self._slice(self._batch.word).tolist()]

    @property
    def words(self) -> list[int | None]:
        return self.word_ids

    def _has_sequence_ranges(self) -> bool:
        batch = self._batch
        if batch.compiled.post.sequence_ranges:
            return True
        return self._row < batch.n_inputs and batch.n_sequences[self._row] == 2

    @property
    def sequence_ids(self) -> list[int | None]:
        if not self._has_sequence_ranges():
            return [0] * len(self)
        ids: list[int | None] = [None] * len(self)
        a_start, a_end, b_start, b_end = self._batch.ranges[self._row].tolist()
        for sequence, (lo, hi) in enumerate(((a_start, a_end), (b_start, b_end))):
            if lo >= 0:
                ids[lo:hi] = [sequence] * (hi - lo)
        return ids

    @property
    def n_sequences(self) -> int:
        if not self._has_sequence_ranges():
            return 1
        return int(self._batch.n_sequences[self._batch.input_of_row(self._row)])

    @property
    def overflowing(self) -> list["Encoding"]:
        """Overflow windows. As in HuggingFace's merge of pair encodings, the overflow row of
        (A window a, B window 0) holds the rows (a, b) for b >= 1, and (0, b) holds (a, b) for a >= 1."""
        batch = self._batch
        i = batch.input_of_row(self._row)
        lo, hi = batch.overflow_splits[i], batch.overflow_splits[i + 1]
        rows = range(batch.n_inputs + lo, batch.n_inputs + hi)
        if self._row < batch.n_inputs:
            return [Encoding(batch, r) for r in rows]
        _, a, b = batch.plan[self._row].tolist()
        if batch.n_sequences[i] < 2 or (a > 0 and b > 0):
            return []
        if b == 0:
            return [Encoding(batch, r) for r in rows if batch.plan[r, 1] == a and batch.plan[r, 2] > 0]
        return [Encoding(batch, r) for r in rows if batch.plan[r, 2] == b and batch.plan[r, 1] > 0]
