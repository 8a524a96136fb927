"""Normalizer specs → a flat program for ``kernels.normalizers.run_normalizer``."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..errors import UnsupportedComponentError
from ..kernels import normalizers as ops
from ..spec import normalizers as spec
from . import char_classes
from .patterns import PatternRegistry
from .precompiled import cached_precompiled_tables, empty_precompiled_tables, precompiled_expansion
from .unicode_normalization import NFC, NFD, NFKC, NFKD

FORMS = {spec.NFD: NFD, spec.NFKD: NFKD, spec.NFC: NFC, spec.NFKC: NFKC}


class NormalizerProgram(NamedTuple):
    program: np.ndarray   # int64[steps, 5]: op, then up to four integer arguments
    chars: np.ndarray     # int32 code points of the literal strings the steps refer to
    expansion: int        # upper bound on output chars per input char
    precompiled: tuple    # the Precompiled step's tables (``tables.precompiled``), empty ones without it


def compile_normalizer(normalizer, max_form_expansion, max_lowercase_expansion, patterns: PatternRegistry,
                       path="normalizer") -> NormalizerProgram:
    """Flatten the normalizer (None, a single one or a Sequence) into program rows."""
    rows: list[tuple[int, int, int, int, int]] = []
    chars: list[int] = []
    expansion = 1
    charsmaps: list[bytes] = []

    def literal(text: str) -> tuple[int, int]:
        start = len(chars)
        chars.extend(ord(c) for c in text)
        return start, len(chars)

    def add(node, node_path):
        nonlocal expansion
        if isinstance(node, spec.Sequence):
            for i, child in enumerate(node.normalizers):
                add(child, f"{node_path}.normalizers[{i}]")
        elif isinstance(node, spec.BertNormalizer):
            if node.clean_text or node.handle_chinese_chars:
                rows.append((ops.OP_CLEAN_TEXT, int(node.clean_text), int(node.handle_chinese_chars), 0, 0))
                expansion *= 3 if node.handle_chinese_chars else 1
            strip_accents = node.lowercase if node.strip_accents is None else node.strip_accents
            if strip_accents:
                rows.append((ops.OP_UNICODE_FORM, NFD, 0, 0, 0))
                rows.append((ops.OP_REMOVE_CLASS, char_classes.NONSPACING_MARK, 0, 0, 0))
                expansion *= max_form_expansion[NFD]
            if node.lowercase:
                rows.append((ops.OP_LOWERCASE, 0, 0, 0, 0))
                expansion *= max_lowercase_expansion
        elif type(node) in FORMS:
            form = FORMS[type(node)]
            rows.append((ops.OP_UNICODE_FORM, form, 0, 0, 0))
            expansion *= max_form_expansion[form]
        elif isinstance(node, spec.Lowercase):
            rows.append((ops.OP_LOWERCASE, 0, 0, 0, 0))
            expansion *= max_lowercase_expansion
        elif isinstance(node, spec.StripAccents):
            rows.append((ops.OP_REMOVE_CLASS, char_classes.COMBINING_MARK, 0, 0, 0))
        elif isinstance(node, spec.Strip):
            rows.append((ops.OP_STRIP, int(node.strip_left), int(node.strip_right), 0, 0))
        elif isinstance(node, spec.Replace) and node.pattern.kind == "String":
            pattern = literal(node.pattern.value)
            content = literal(node.content)
            rows.append((ops.OP_REPLACE, *pattern, *content))
            expansion *= max(1, len(node.content))
        elif isinstance(node, spec.Replace):
            index = patterns.index("Regex", node.pattern.value, f"{node_path}.pattern")
            rows.append((ops.OP_REPLACE_REGEX, index, 0, *literal(node.content)))
            expansion *= 1 + len(node.content)      # empty matches insert between chars too
        elif isinstance(node, spec.Prepend):
            rows.append((ops.OP_PREPEND, *literal(node.prepend), 0, 0))
            expansion *= 1 + len(node.prepend)
        elif isinstance(node, spec.ByteLevel):
            rows.append((ops.OP_BYTE_LEVEL, 0, 0, 0, 0))
            expansion *= 4
        elif isinstance(node, spec.Nmt):
            rows.append((ops.OP_NMT, 0, 0, 0, 0))
        elif isinstance(node, spec.Precompiled):
            if charsmaps and node.precompiled_charsmap != charsmaps[0]:
                raise UnsupportedComponentError(f"{node_path}.precompiled_charsmap",
                                                "two different charsmaps in one normalizer are not supported")
            if node.precompiled_charsmap:
                charsmaps.append(node.precompiled_charsmap)
                rows.append((ops.OP_PRECOMPILED, 0, 0, 0, 0))
        else:
            raise UnsupportedComponentError(f"{node_path}.type", f"{_describe(node)} is not supported yet")

    if normalizer is not None:
        add(normalizer, path)
    program = np.asarray(rows, dtype=np.int64).reshape(len(rows), 5)
    chars_array = np.asarray(chars, dtype=np.int32)
    tables = cached_precompiled_tables(charsmaps[0]) if charsmaps else empty_precompiled_tables()
    if charsmaps:
        expansion *= precompiled_expansion(tables) ** sum(row[0] == ops.OP_PRECOMPILED for row in rows)
    return NormalizerProgram(program, chars_array, int(expansion), tuple(tables))


def _describe(node) -> str:
    return f"'{type(node).__name__}'"
