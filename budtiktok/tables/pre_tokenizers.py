"""Pre-tokenizer specs → a flat program for ``kernels.pre_tokenizers.run_pre_tokenizer``."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..errors import UnsupportedComponentError
from ..kernels import normalizers as norm_ops
from ..kernels import pre_tokenizers as ops
from ..spec import pre_tokenizers as spec
from . import char_classes
from .patterns import GPT2_PATTERN, PatternRegistry

BEHAVIORS = {
    "Removed": ops.REMOVED, "Isolated": ops.ISOLATED, "MergedWithPrevious": ops.MERGED_WITH_PREVIOUS,
    "MergedWithNext": ops.MERGED_WITH_NEXT, "Contiguous": ops.CONTIGUOUS,
}


PREPEND_SCHEMES = {"always": ops.PREPEND_ALWAYS, "first": ops.PREPEND_FIRST, "never": ops.PREPEND_NEVER}


class PreTokenizerProgram(NamedTuple):
    program: np.ndarray   # int64[steps, 4]: op, then up to three integer arguments
    expansion: int        # upper bound on output chars per input char (ByteLevel, Metaspace rewrite)


def compile_pre_tokenizer(pre_tokenizer, patterns: PatternRegistry, path="pre_tokenizer") -> PreTokenizerProgram:
    """Flatten the pre-tokenizer (None, a single one or a Sequence) into int64 rows (op, a, b, c)."""
    rows: list[tuple[int, int, int, int]] = []
    expansion = 1

    def add(node, node_path):
        nonlocal expansion
        if isinstance(node, spec.Sequence):
            for i, child in enumerate(node.pretokenizers):
                add(child, f"{node_path}.pretokenizers[{i}]")
        elif isinstance(node, spec.BertPreTokenizer):
            rows.append((ops.PT_BERT, 0, 0, 0))
        elif isinstance(node, spec.Whitespace):
            rows.append((ops.PT_WHITESPACE, 0, 0, 0))
        elif isinstance(node, spec.WhitespaceSplit):
            rows.append((ops.PT_SPLIT_CLASS, char_classes.WHITESPACE, ops.REMOVED, 0))
        elif isinstance(node, spec.Punctuation):
            rows.append((ops.PT_SPLIT_CLASS, char_classes.BERT_PUNCT, BEHAVIORS[node.behavior], 0))
        elif isinstance(node, spec.Digits):
            behavior = ops.ISOLATED if node.individual_digits else ops.CONTIGUOUS
            rows.append((ops.PT_SPLIT_CLASS, char_classes.NUMERIC, behavior, 0))
        elif isinstance(node, spec.CharDelimiterSplit):
            rows.append((ops.PT_SPLIT_CHAR, ord(node.delimiter), ops.REMOVED, 0))
        elif isinstance(node, spec.Split):
            index = patterns.index(node.pattern.kind, node.pattern.value, f"{node_path}.pattern")
            rows.append((ops.PT_SPLIT_REGEX, index, BEHAVIORS[node.behavior], int(node.invert)))
        elif isinstance(node, spec.ByteLevel):
            index = patterns.index("Regex", GPT2_PATTERN, f"{node_path}.use_regex") if node.use_regex else -1
            rows.append((ops.PT_BYTE_LEVEL, int(node.add_prefix_space), index, 0))
            expansion = expansion * 4 + (1 if node.add_prefix_space else 0)   # UTF-8 bytes, a space per piece
        elif isinstance(node, spec.Metaspace):
            if len(node.replacement) != 1:
                raise UnsupportedComponentError(f"{node_path}.replacement", "must be a single character")
            rows.append((ops.PT_METASPACE, ord(node.replacement), PREPEND_SCHEMES[node.prepend_scheme],
                         int(node.split)))
            expansion += 1                                                   # a prefix per piece
        else:
            raise UnsupportedComponentError(f"{node_path}.type", f"'{type(node).__name__}' is not supported yet")

    if pre_tokenizer is not None:
        add(pre_tokenizer, path)
    return PreTokenizerProgram(np.asarray(rows, dtype=np.int64).reshape(len(rows), 4), expansion)


def ascii_bert_mode(normalizer_program: np.ndarray, pre_tokenizer_program: np.ndarray) -> int:
    """The fused ASCII fast path's mode, or 0 when this pipeline cannot use it.

    It applies when the pre-tokenizer is exactly BertPreTokenizer and every normalizer step is
    trivial on ASCII text apart from clean_text's deletions and lowercasing.
    """
    ascii_trivial = {norm_ops.OP_CLEAN_TEXT, norm_ops.OP_UNICODE_FORM, norm_ops.OP_REMOVE_CLASS, norm_ops.OP_LOWERCASE}
    if pre_tokenizer_program.shape[0] != 1 or pre_tokenizer_program[0, 0] != ops.PT_BERT:
        return 0
    steps = normalizer_program[:, 0].tolist()
    if not set(steps) <= ascii_trivial:
        return 0
    mode = ops.ASCII_BERT
    if any(row[0] == norm_ops.OP_CLEAN_TEXT and row[1] for row in normalizer_program.tolist()):
        mode |= ops.ASCII_BERT_CLEAN
    if norm_ops.OP_LOWERCASE in steps:
        mode |= ops.ASCII_BERT_LOWERCASE
    return mode
