"""The regular expressions and literals of one tokenizer, gathered for one regex bank.

Normalizer and pre-tokenizer steps refer to a pattern by its index here; ``compiled`` turns the
list into the bank (``tables.regex.compile_regex_bank``) and hands the kernels the index → bank
entry map.
"""
from __future__ import annotations

# The ByteLevel pre-tokenizer's built-in split pattern (use_regex: true).
GPT2_PATTERN = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"


class PatternRegistry:
    """Patterns in first-use order; a pattern used twice gets one index."""

    def __init__(self):
        self.patterns: list[tuple[str, str]] = []
        self.paths: list[str] = []

    def index(self, kind: str, text: str, path: str) -> int:
        """The index of ``(kind, text)`` ("String" or "Regex"), registered on first use."""
        key = (kind, text)
        if key not in self.patterns:
            self.patterns.append(key)
            self.paths.append(path)
        return self.patterns.index(key)
