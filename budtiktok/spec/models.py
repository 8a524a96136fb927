"""Model specs: WordPiece, WordLevel, BPE and Unigram.

Vocabularies reach 256k entries and merge lists 580k, so the checks below run as C-level passes
(``map``, ``set``, ``str.join``) over whole containers; only when a pass fails does a slow
per-entry walk look for the first bad entry to name in the error.
"""

from __future__ import annotations

import itertools
import math
import operator
from dataclasses import dataclass

from budtiktok.errors import TokenizerConfigError
from budtiktok.spec._json import (
    U32_MAX,
    USIZE_MAX,
    JsonObject,
    check_keys_are_text,
    entry_path,
    expect_int,
    expect_list,
    expect_number,
    expect_str,
    index_path,
    parse_tagged,
    quoted,
    summary_repr,
    type_name,
)

Merges = tuple[tuple[str, str], ...]


@dataclass(frozen=True, eq=False)
class WordPiece:
    """Greedy longest-match-first WordPiece."""

    vocab: dict[str, int]
    unk_token: str
    continuing_subword_prefix: str
    max_input_chars_per_word: int

    __repr__ = summary_repr


@dataclass(frozen=True, eq=False)
class WordLevel:
    """Whole-word lookup."""

    vocab: dict[str, int]
    unk_token: str

    __repr__ = summary_repr


@dataclass(frozen=True, eq=False)
class BPE:
    """Byte-pair encoding; ``merges[rank] = (left, right)``, ``#version`` lines removed.

    Merges are kept as listed: HuggingFace gives a pair listed twice its later rank.
    """

    vocab: dict[str, int]
    merges: Merges
    dropout: float | None
    unk_token: str | None
    continuing_subword_prefix: str | None
    end_of_word_suffix: str | None
    fuse_unk: bool
    byte_fallback: bool
    ignore_merges: bool

    __repr__ = summary_repr


@dataclass(frozen=True, eq=False)
class Unigram:
    """SentencePiece unigram; ``vocab[id] = (piece, score)``."""

    vocab: tuple[tuple[str, float], ...]
    unk_id: int | None
    byte_fallback: bool

    __repr__ = summary_repr


Model = WordPiece | WordLevel | BPE | Unigram

_WORDPIECE_FIELDS = ("unk_token", "continuing_subword_prefix", "max_input_chars_per_word", "vocab")


def parse_model(value: object, path: str) -> Model:
    """Parse the ``model`` object; legacy files without ``type`` get it inferred."""
    obj = JsonObject(value, path)
    if obj.has("type"):
        return parse_tagged(value, path, _PARSERS)
    return _PARSERS[_infer_model_type(obj)](obj)


def _infer_model_type(obj: JsonObject) -> str:
    """The model HuggingFace settles on when trying BPE, WordPiece, WordLevel, Unigram in turn.

    Each is judged by its required fields: a list vocab only fits Unigram.
    """
    fields = obj.raw
    vocab = fields.get("vocab")
    if type(vocab) is list:
        return "Unigram"
    if type(vocab) is dict:
        if "merges" in fields:
            return "BPE"
        if all(field in fields for field in _WORDPIECE_FIELDS):
            return "WordPiece"
        if "unk_token" in fields:
            return "WordLevel"
    raise TokenizerConfigError(obj.path_of("type"), "missing, and the fields fit no model")


def _parse_vocab(obj: JsonObject) -> dict[str, int]:
    """A ``{token: id}`` map with u32 ids, copied so the caller's dict can change freely."""
    path = obj.path_of("vocab")
    vocab = obj.value("vocab")
    if type(vocab) is not dict:
        raise TokenizerConfigError(path, f"expected object, got {type_name(vocab)}")
    check_keys_are_text(vocab, path)
    ids = vocab.values()
    if vocab and not (set(map(type, ids)) == {int} and min(ids) >= 0 and max(ids) <= U32_MAX):
        for token, token_id in vocab.items():
            expect_int(token_id, entry_path(path, token))
    return dict(vocab)


def _word_piece(obj: JsonObject) -> WordPiece:
    vocab = _parse_vocab(obj)
    # An unk_token missing from the vocab is accepted, as HuggingFace does: encoding fails only
    # when a word needs it.
    return WordPiece(
        vocab=vocab,
        unk_token=obj.str_field("unk_token"),
        continuing_subword_prefix=obj.str_field("continuing_subword_prefix"),
        max_input_chars_per_word=obj.int_field("max_input_chars_per_word", maximum=USIZE_MAX),
    )


def _word_level(obj: JsonObject) -> WordLevel:
    vocab = _parse_vocab(obj)
    return WordLevel(vocab=vocab, unk_token=obj.str_field("unk_token"))


def _bpe(obj: JsonObject) -> BPE:
    vocab = _parse_vocab(obj)
    dropout = obj.number_field("dropout", default=None, nullable=True)
    if dropout is not None and not 0.0 <= dropout <= 1.0:
        raise TokenizerConfigError(obj.path_of("dropout"), f"{dropout} is not within [0, 1]")
    prefix = obj.str_field("continuing_subword_prefix", default=None, nullable=True)
    return BPE(
        vocab=vocab,
        merges=_parse_merges(obj, vocab, prefix or ""),
        dropout=dropout,
        unk_token=obj.str_field("unk_token", default=None, nullable=True),
        continuing_subword_prefix=prefix,
        end_of_word_suffix=obj.str_field("end_of_word_suffix", default=None, nullable=True),
        fuse_unk=obj.bool_field("fuse_unk", default=False, nullable=True),
        byte_fallback=obj.bool_field("byte_fallback", default=False, nullable=True),
        ignore_merges=obj.bool_field("ignore_merges", default=False, nullable=True),
    )


def _parse_merges(obj: JsonObject, vocab: dict[str, int], prefix: str) -> Merges:
    """Merges from ``"a b"`` lines or ``[a, b]`` pairs, checked against the vocab."""
    path = obj.path_of("merges")
    raw = expect_list(obj.value("merges"), path)
    item_types = set(map(type, raw))
    if item_types <= {str}:
        merges = _merges_from_lines(raw, path)
    elif item_types == {list}:
        merges = _merges_from_pairs(raw, path)
    else:
        form, expected = (
            (str, "an 'a b' string") if type(raw[0]) is str else (list, "an [a, b] pair")
        )
        culprit = next(i for i, item in enumerate(raw) if type(item) is not form)
        raise TokenizerConfigError(
            index_path(path, culprit),
            f"expected {expected} like the first merge, got {type_name(raw[culprit])}",
        )
    if not _merges_fit_vocab(merges, vocab, prefix):
        _raise_first_merge_outside_vocab(raw, merges, vocab, prefix, path)
    return merges


def _merges_from_lines(raw: list[str], path: str) -> Merges:
    """Split legacy ``"a b"`` lines, skipping ``#version`` headers."""
    lines = raw
    if any(map(str.startswith, raw, itertools.repeat("#version"))):
        lines = [line for line in raw if not line.startswith("#version")]
    merges = tuple(map(tuple, map(str.split, lines, itertools.repeat(" "))))
    if merges and set(map(len, merges)) != {2}:
        rank = next(rank for rank, parts in enumerate(merges) if len(parts) != 2)
        raise TokenizerConfigError(
            index_path(path, _json_index(raw, rank)),
            f"expected 'left right' with exactly one space, got {quoted(lines[rank])}",
        )
    return merges


def _merges_from_pairs(raw: list[list], path: str) -> Merges:
    """Validate ``[a, b]`` pairs."""
    if set(map(len, raw)) != {2} or set(map(type, itertools.chain.from_iterable(raw))) != {str}:
        for index, pair in enumerate(raw):
            pair_path = index_path(path, index)
            if len(pair) != 2:
                raise TokenizerConfigError(pair_path, f"expected 2 strings, got {len(pair)} items")
            for part_index, part in enumerate(pair):
                expect_str(part, index_path(pair_path, part_index))
    return tuple(map(tuple, raw))


def _json_index(raw: list, rank: int) -> int:
    """Position in the JSON list of the merge of rank ``rank`` (``#version`` lines have none)."""
    ranked = (
        index
        for index, item in enumerate(raw)
        if not (type(item) is str and item.startswith("#version"))
    )
    return next(itertools.islice(ranked, rank, None))


def _merges_fit_vocab(merges: Merges, vocab: dict[str, int], prefix: str) -> bool:
    """Whether both parts and the merged token of every merge are vocab entries."""
    in_vocab = vocab.__contains__
    if prefix:
        merged = itertools.starmap(lambda left, right: _merged_token(left, right, prefix), merges)
    else:
        merged = itertools.starmap(operator.add, merges)
    return all(map(in_vocab, merged)) and all(map(in_vocab, itertools.chain.from_iterable(merges)))


def _raise_first_merge_outside_vocab(
    raw: list, merges: Merges, vocab: dict[str, int], prefix: str, path: str
) -> None:
    for rank, (left, right) in enumerate(merges):
        merged = _merged_token(left, right, prefix)
        if left not in vocab:
            problem = f"{quoted(left)} is not in the vocab"
        elif right not in vocab:
            problem = f"{quoted(right)} is not in the vocab"
        elif merged is None:
            problem = f"cannot drop the prefix {quoted(prefix)} from {quoted(right)}"
        elif merged not in vocab:
            problem = f"merged token {quoted(merged)} is not in the vocab"
        else:
            continue
        raise TokenizerConfigError(index_path(path, _json_index(raw, rank)), problem)


def _merged_token(left: str, right: str, prefix: str) -> str | None:
    """``left + right`` minus the continuing-subword prefix, or None where HuggingFace panics.

    HuggingFace drops ``len(prefix)`` UTF-8 bytes from the start of ``right`` whether or not
    ``right`` starts with the prefix.
    """
    if not prefix or right.startswith(prefix):
        return left + right[len(prefix) :]
    prefix_bytes = len(prefix.encode("utf-8"))
    right_bytes = right.encode("utf-8")
    if len(right_bytes) < prefix_bytes:
        return None
    try:
        return left + right_bytes[prefix_bytes:].decode("utf-8")
    except UnicodeDecodeError:
        return None


def _unigram(obj: JsonObject) -> Unigram:
    path = obj.path_of("vocab")
    vocab = _parse_scored_pieces(expect_list(obj.value("vocab"), path), path)
    unk_id = obj.int_field("unk_id", default=None, nullable=True, maximum=USIZE_MAX)
    if unk_id is not None and unk_id >= len(vocab):
        raise TokenizerConfigError(
            obj.path_of("unk_id"), f"{unk_id} is outside the vocab of {len(vocab)} pieces"
        )
    byte_fallback = obj.bool_field("byte_fallback", default=False)
    return Unigram(vocab=vocab, unk_id=unk_id, byte_fallback=byte_fallback)


def _parse_scored_pieces(raw: list, path: str) -> tuple[tuple[str, float], ...]:
    """``[[piece, score], ...]`` as a tuple of ``(str, float)``."""
    pieces = _well_formed_scored_pieces(raw)
    if pieces is not None:
        return pieces
    return tuple(_scored_piece(entry, index_path(path, index)) for index, entry in enumerate(raw))


def _well_formed_scored_pieces(raw: list) -> tuple[tuple[str, float], ...] | None:
    """The fast path: whole-list checks; None if any entry needs a closer look."""
    if not raw:
        return ()
    if set(map(type, raw)) != {list} or set(map(len, raw)) != {2}:
        return None
    pieces = list(map(operator.itemgetter(0), raw))
    scores = list(map(operator.itemgetter(1), raw))
    if set(map(type, pieces)) != {str} or not set(map(type, scores)) <= {int, float}:
        return None
    scores = list(map(float, scores))
    try:
        "".join(pieces).encode("utf-8")
    except UnicodeEncodeError:
        return None
    if not all(map(math.isfinite, scores)):
        return None
    return tuple(zip(pieces, scores, strict=True))


def _scored_piece(entry: object, path: str) -> tuple[str, float]:
    entry = expect_list(entry, path)
    if len(entry) != 2:
        raise TokenizerConfigError(path, f"expected [piece, score], got {len(entry)} items")
    return expect_str(entry[0], index_path(path, 0)), expect_number(entry[1], index_path(path, 1))


_PARSERS = {"WordPiece": _word_piece, "WordLevel": _word_level, "BPE": _bpe, "Unigram": _unigram}
