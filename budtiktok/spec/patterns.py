"""The pattern shared by the ``Replace`` normalizer/decoder and the ``Split`` pre-tokenizer.

JSON form: ``{"String": "literal"}`` or ``{"Regex": "oniguruma pattern"}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from budtiktok.errors import TokenizerConfigError
from budtiktok.spec._json import expect_single_key, expect_str, key_path

try:
    import regex as _regex_engine
except ImportError:  # pragma: no cover - the stdlib fallback is only a best effort
    _regex_engine = None

# Without the `regex` package, Unicode property classes are blanked out before checking
# the rest of the pattern with `re`, which does not know them.
_UNICODE_PROPERTY = re.compile(r"\\[pP](\{[^}]*\}|[A-Za-z])")


@dataclass(frozen=True)
class Pattern:
    """A literal string (``kind="String"``) or an Oniguruma regular expression (``"Regex"``)."""

    kind: Literal["String", "Regex"]
    value: str


def regex_error(pattern: str) -> str | None:
    r"""Why ``pattern`` does not compile, or None if it does.

    HuggingFace compiles with Oniguruma; the ``regex`` package accepts nearly the same syntax
    (``\p{L}``, possessive quantifiers, look-behind), so it is the checker here.
    """
    try:
        if _regex_engine is not None:
            _regex_engine.compile(pattern)
        else:
            re.compile(_UNICODE_PROPERTY.sub("x", pattern))
    except Exception as error:  # noqa: BLE001 - any compile failure means an unusable pattern
        return str(error) or type(error).__name__
    return None


def parse_pattern(value: object, path: str) -> Pattern:
    """Parse and validate a ``{"String": ...}`` / ``{"Regex": ...}`` object."""
    kind, raw = expect_single_key(value, path, ("String", "Regex"))
    member_path = key_path(path, kind)
    text = expect_str(raw, member_path)
    if kind == "Regex":
        error = regex_error(text)
        if error is not None:
            raise TokenizerConfigError(member_path, f"invalid regex: {error}")
    return Pattern(kind, text)
