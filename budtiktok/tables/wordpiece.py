"""WordPiece and WordLevel models → the ``model`` tuple of ``kernels.pipeline``:
(kind, trie cells, continuation_node, unk_id, max_input_chars_per_word)."""
from __future__ import annotations

from ..errors import UnsupportedComponentError
from ..kernels.pipeline import MODEL_WORDLEVEL, MODEL_WORDPIECE
from ..spec import models as spec
from .darts import BASE, CHECK, DoubleArray, build_double_array


def check_supported(model) -> None:
    """Raise for the models of later issues."""
    if not isinstance(model, (spec.WordPiece, spec.WordLevel)):
        raise UnsupportedComponentError("model.type", f"'{type(model).__name__}' is not supported yet")


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


def model_arrays(model, trie: DoubleArray) -> tuple:
    """The kernel's model tuple for a WordPiece or WordLevel spec."""
    if isinstance(model, spec.WordPiece):
        return (MODEL_WORDPIECE, trie.cells, walk(trie, model.continuing_subword_prefix),
                model.vocab.get(model.unk_token, -1), model.max_input_chars_per_word)
    unk_id = model.vocab.get(model.unk_token, -1) if model.unk_token is not None else -1
    return (MODEL_WORDLEVEL, trie.cells, 0, unk_id, 0)
