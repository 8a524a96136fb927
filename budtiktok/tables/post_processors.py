"""Post-processor specs → templates for ``kernels.post_processors.build_rows``.

Every supported processor becomes a single and a pair template of rows (piece kind, type id,
special index), plus the type-id rules HuggingFace applies to main and overflow windows and the
ByteLevel offset-trimming settings.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..errors import UnsupportedComponentError
from ..kernels.post_processors import PIECE_A, PIECE_B, PIECE_SPECIAL
from ..spec import post_processors as spec

TEMPLATE_TYPE = -1   # a sequence takes the type id written in the template


class PostProcessorTables(NamedTuple):
    single: np.ndarray                  # int64[pieces, 3]
    pair: np.ndarray
    special_ids: np.ndarray             # int32, flat
    special_splits: np.ndarray          # int64, per special index
    special_tokens: tuple               # token strings, flat like special_ids
    n_added_single: int
    n_added_pair: int
    main_type: np.ndarray               # int64[2]: type id of A/B tokens in main windows
    overflow_type: np.ndarray           # int64[2]: ... in overflow windows, with special tokens
    overflow_type_plain: np.ndarray     # int64[2]: ... in overflow windows, without special tokens
    trim_offsets: bool
    trim_add_prefix_space: bool
    # Whether rows carry sequence ranges (HuggingFace's set_sequence_id): without a post-processor
    # only a pair's main row has them; elsewhere every token, pads included, reports sequence 0 and
    # n_sequences is 1.
    sequence_ranges: bool


def compile_post_processor(processor) -> PostProcessorTables:
    """Build the templates; a Sequence may hold ByteLevel steps around one template-like step."""
    trim_offsets = False
    trim_add_prefix_space = False
    templating = None
    steps = processor.processors if isinstance(processor, spec.Sequence) else (processor,)
    for i, step in enumerate(steps):
        path = f"post_processor.processors[{i}]" if isinstance(processor, spec.Sequence) else "post_processor"
        if step is None:
            continue
        if isinstance(step, spec.ByteLevel):
            trim_offsets = step.trim_offsets
            trim_add_prefix_space = step.add_prefix_space
        elif isinstance(step, (spec.TemplateProcessing, spec.BertProcessing, spec.RobertaProcessing)):
            if templating is not None:
                raise UnsupportedComponentError(path, "only one template-like processor is supported in a Sequence")
            templating = step
            if isinstance(step, spec.RobertaProcessing):
                trim_offsets = step.trim_offsets
                trim_add_prefix_space = step.add_prefix_space
        else:
            raise UnsupportedComponentError(f"{path}.type", f"'{type(step).__name__}' is not supported yet")

    specials: list[tuple[tuple[int, ...], tuple[str, ...]]] = []

    def special(ids, tokens) -> int:
        specials.append((tuple(ids), tuple(tokens)))
        return len(specials) - 1

    main_type, overflow_type, overflow_type_plain = [TEMPLATE_TYPE] * 2, [0, 1], [0, 1]
    if isinstance(templating, spec.TemplateProcessing):
        index = {name: special(entry.ids, entry.tokens) for name, entry in templating.special_tokens.items()}

        def pieces(template):
            return [(PIECE_SPECIAL, p.type_id, index[p.id]) if isinstance(p, spec.TemplateSpecialToken)
                    else (PIECE_A if p.id == "A" else PIECE_B, p.type_id, 0) for p in template]

        single, pair = pieces(templating.single), pieces(templating.pair)
    elif isinstance(templating, (spec.BertProcessing, spec.RobertaProcessing)):
        cls = special([templating.cls[1]], [templating.cls[0]])
        sep = special([templating.sep[1]], [templating.sep[0]])
        single = [(PIECE_SPECIAL, 0, cls), (PIECE_A, 0, 0), (PIECE_SPECIAL, 0, sep)]
        if isinstance(templating, spec.BertProcessing):
            pair = single + [(PIECE_B, 1, 0), (PIECE_SPECIAL, 1, sep)]
        else:
            pair = single + [(PIECE_SPECIAL, 0, sep), (PIECE_B, 0, 0), (PIECE_SPECIAL, 0, sep)]
            main_type, overflow_type = [0, 0], [0, 0]
    else:
        single, pair = [(PIECE_A, 0, 0)], [(PIECE_A, 0, 0), (PIECE_B, 1, 0)]

    special_ids = [i for ids, _ in specials for i in ids]
    special_tokens = tuple(t for _, tokens in specials for t in tokens)
    splits = np.cumsum([0] + [len(ids) for ids, _ in specials])

    def n_added(template):
        return sum(len(specials[s][0]) for kind, _, s in template if kind == PIECE_SPECIAL)

    return PostProcessorTables(
        single=np.asarray(single, dtype=np.int64).reshape(-1, 3),
        pair=np.asarray(pair, dtype=np.int64).reshape(-1, 3),
        special_ids=np.asarray(special_ids, dtype=np.int32),
        special_splits=np.asarray(splits, dtype=np.int64),
        special_tokens=special_tokens,
        n_added_single=n_added(single),
        n_added_pair=n_added(pair),
        main_type=np.asarray(main_type, dtype=np.int64),
        overflow_type=np.asarray(overflow_type, dtype=np.int64),
        overflow_type_plain=np.asarray(overflow_type_plain, dtype=np.int64),
        trim_offsets=trim_offsets,
        trim_add_prefix_space=trim_add_prefix_space,
        sequence_ranges=processor is not None,
    )
