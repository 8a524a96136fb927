"""tokenizer.json -> validated, frozen dataclasses (no NumPy here).

One module per pipeline stage; class names copy HuggingFace's JSON ``type`` tags and fields copy
the JSON field names. Entry point: :func:`load_spec`.
"""

from budtiktok.spec import (
    added_tokens,
    decoders,
    models,
    normalizers,
    patterns,
    post_processors,
    pre_tokenizers,
    truncation_padding,
)
from budtiktok.spec.loader import TokenizerSpec, load_spec

__all__ = [
    "TokenizerSpec",
    "load_spec",
    "added_tokens",
    "decoders",
    "models",
    "normalizers",
    "patterns",
    "post_processors",
    "pre_tokenizers",
    "truncation_padding",
]
