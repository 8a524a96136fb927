"""Packing texts into the kernels' UTF-8 buffer: byte offsets of every row, for any text."""
import numpy as np
from hypothesis import given, settings, strategies as st

from budtiktok.kernels.pipeline import UTF8_BLOCK
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


def test_row_offsets_across_blocks():
    """Rows (some empty) starting on, before and after the 64 kB block boundaries."""
    items = ["é" * (UTF8_BLOCK // 2 - 1), "", "x", "😀" * 5000, "", "", "a" * UTF8_BLOCK, "ß", ""] * 3
    assert pack_texts(items).row_bytes.tolist() == expected_row_bytes(items).tolist()
