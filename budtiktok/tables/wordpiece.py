"""The ``model`` tuple of ``kernels.pipeline``: (kind, trie cells, continuation_node, unk_id,
max_input_chars_per_word, *BPE arguments, *Unigram arguments), flat because ``prange`` cannot take
nested tuples. Every model passes the same types (the other models' arguments are empty ones), so
one compiled pipeline serves them all."""
from __future__ import annotations

from ..errors import UnsupportedComponentError
from ..kernels.pipeline import MODEL_BPE, MODEL_UNIGRAM, MODEL_WORDLEVEL, MODEL_WORDPIECE
from ..spec import models as spec
from .bpe import empty_bpe_args
from .darts import BASE, CHECK, DoubleArray, build_double_array
from .unigram import empty_unigram_args


def check_supported(model) -> None:
    """Raise for a model type the kernels do not have."""
    if not isinstance(model, (spec.WordPiece, spec.WordLevel, spec.BPE, spec.Unigram)):
        raise UnsupportedComponentError("model.type", f"'{type(model).__name__}' is not supported yet")


def model_vocab(model) -> dict[str, int]:
    """Token → id of the model (a Unigram piece that repeats keeps its last id, as HuggingFace)."""
    if isinstance(model, spec.Unigram):
        return {piece: i for i, (piece, _) in enumerate(model.vocab)}
    return model.vocab


def vocab_trie(vocab: dict[str, int]) -> DoubleArray:
    """A double-array trie over the UTF-8 of every vocabulary entry."""
    return build_double_array([token.encode("utf-8") for token in vocab], list(vocab.values()))


def walk(trie: DoubleArray, text: str) -> int:
    """The node reached by ``text`` from the root, -1 if there is none (plain Python: runs once)."""
    node = 0
    for byte in text.encode("utf-8"):
        child = int(trie.cells[node, BASE]) + byte
        if int(trie.cells[child, CHECK]) != node:
            return -1
        node = child
    return node


def model_arrays(model, trie: DoubleArray, bpe_args: tuple | None = None, unigram_args: tuple | None = None) -> tuple:
    """The kernel's model tuple; ``bpe_args`` (``tables.bpe``) for a BPE spec, ``unigram_args``
    (``tables.unigram``) for a Unigram one."""
    no_unigram = empty_unigram_args()
    if isinstance(model, spec.BPE):
        return (MODEL_BPE, trie.cells, 0, -1, 0, *bpe_args, *no_unigram)
    if isinstance(model, spec.Unigram):
        return (MODEL_UNIGRAM, trie.cells, 0, unigram_args[3], 0, *empty_bpe_args(), *unigram_args)
    if isinstance(model, spec.WordPiece):
        return (MODEL_WORDPIECE, trie.cells, walk(trie, model.continuing_subword_prefix),
                model.vocab.get(model.unk_token, -1), model.max_input_chars_per_word, *empty_bpe_args(), *no_unigram)
    unk_id = model.vocab.get(model.unk_token, -1) if model.unk_token is not None else -1
    return (MODEL_WORDLEVEL, trie.cells, 0, unk_id, 0, *empty_bpe_args(), *no_unigram)
