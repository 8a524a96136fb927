"""Packing texts into the kernels' UTF-8 buffer: byte offsets of every row, for any text."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from budtiktok.tokenizer import pack_texts

texts = st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=40), max_size=30)


def expected_row_bytes(items):
    return np.cumsum([0] + [len(t.encode("utf-8")) for t in items])


@settings(max_examples=300, deadline=None)
@given(texts)
def test_row_offsets_match_python(items):
    packed = pack_texts(items)
    assert packed.buffer.tobytes() == "".join(items).encode("utf-8")
    assert packed.row_bytes.tolist() == expected_row_bytes(items).tolist()
    assert packed.row_chars.tolist() == np.cumsum([0] + [len(t) for t in items]).tolist()


def test_bad_items_name_their_index():
    with pytest.raises(TypeError, match="input 2 is int"):
        pack_texts(["ok", "fine", 3])
    with pytest.raises(TypeError, match="input 1 is not valid text: lone surrogate at char 1"):
        pack_texts(["ok", "a\ud800"])
