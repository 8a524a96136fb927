"""Typed, path-aware reading of parsed JSON values.

Every reader raises :class:`TokenizerConfigError` whose ``path`` names the offending field, so a
malformed ``tokenizer.json`` never surfaces as a bare ``KeyError`` or ``TypeError``. Types are
checked strictly, as serde does: ``true`` is not an integer and ``1`` is not a boolean.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from budtiktok.errors import TokenizerConfigError

U32_MAX = 2**32 - 1
USIZE_MAX = 2**64 - 1

_REQUIRED: Any = object()
_T = TypeVar("_T")

_TYPE_NAMES = {
    type(None): "null",
    bool: "bool",
    int: "int",
    float: "float",
    str: "str",
    list: "list",
    dict: "object",
}


def type_name(value: object) -> str:
    """The JSON-ish name of a value's type, for error messages."""
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def summary_repr(spec: object) -> str:
    """A dataclass repr that shows large containers as their size, for huge vocabularies."""
    parts = []
    for name in spec.__dataclass_fields__:
        value = getattr(spec, name)
        is_large = isinstance(value, (dict, tuple, bytes)) and len(value) > 8
        parts.append(f"{name}=<{len(value)} items>" if is_large else f"{name}={value!r}")
    return f"{type(spec).__name__}({', '.join(parts)})"


def quoted(text: str, limit: int = 60) -> str:
    """``repr`` of user text for an error message, shortened when long."""
    return repr(text) if len(text) <= limit else repr(text[: limit - 3]) + "..."


def key_path(path: str, key: str) -> str:
    """Path of an object member: ``model`` + ``vocab`` -> ``model.vocab``."""
    return f"{path}.{key}" if path else key


def index_path(path: str, index: int) -> str:
    """Path of an array element: ``added_tokens`` + 3 -> ``added_tokens[3]``."""
    return f"{path}[{index}]"


def entry_path(path: str, key: str) -> str:
    """Path of a map entry keyed by arbitrary text: ``model.vocab["a b"]``."""
    quoted = json.dumps(key, ensure_ascii=False)
    # A lone surrogate (the very thing being reported, sometimes) is shown escaped.
    return f"{path}[{quoted.encode('utf-8', 'backslashreplace').decode('utf-8')}]"


def check_text(value: str, path: str) -> str:
    """Reject lone surrogates, which JSON escapes can produce but UTF-8 cannot hold."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise TokenizerConfigError(path, "invalid string: lone surrogate") from None
    return value


def check_keys_are_text(mapping: dict, path: str) -> None:
    """Check every key of a (possibly huge) mapping is a str holding no lone surrogate."""
    try:
        "".join(mapping).encode("utf-8")
        return
    except (TypeError, UnicodeEncodeError):
        pass
    for key in mapping:
        if type(key) is not str:
            raise TokenizerConfigError(path, f"keys must be str, got {type_name(key)}")
        check_text(key, entry_path(path, key))


def expect_list(value: object, path: str) -> list:
    """``value`` as a JSON array."""
    if type(value) is not list:
        raise TokenizerConfigError(path, f"expected list, got {type_name(value)}")
    return value


def expect_str(value: object, path: str) -> str:
    """``value`` as a JSON string."""
    if type(value) is not str:
        raise TokenizerConfigError(path, f"expected str, got {type_name(value)}")
    return check_text(value, path)


def parse_list(value: object, path: str, parse_item: Callable[[object, str], _T]) -> tuple[_T, ...]:
    """A JSON array, each element parsed by ``parse_item(element, path)``."""
    items = expect_list(value, path)
    return tuple(parse_item(item, index_path(path, i)) for i, item in enumerate(items))


def expect_int(value: object, path: str, minimum: int = 0, maximum: int = U32_MAX) -> int:
    """``value`` as a JSON integer within ``[minimum, maximum]`` (u32 by default)."""
    if type(value) is not int:
        raise TokenizerConfigError(path, f"expected int, got {type_name(value)}")
    if not minimum <= value <= maximum:
        raise TokenizerConfigError(path, f"{value} is out of range [{minimum}, {maximum}]")
    return value


def expect_number(value: object, path: str) -> float:
    """``value`` as a finite JSON number (integers accepted, booleans not)."""
    if type(value) is not float and type(value) is not int:
        raise TokenizerConfigError(path, f"expected float, got {type_name(value)}")
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise TokenizerConfigError(path, f"{value} is not a finite number")
    return number


def expect_one_of(value: object, path: str, choices: Mapping[str, str]) -> str:
    """``value`` as one of the accepted spellings in ``choices``, returned in canonical form."""
    text = expect_str(value, path)
    if text not in choices:
        expected = ", ".join(repr(choice) for choice in dict.fromkeys(choices.values()))
        message = f"invalid value {quoted(text)}, expected one of {expected}"
        raise TokenizerConfigError(path, message)
    return choices[text]


def expect_single_key(value: object, path: str, keys: tuple[str, ...]) -> tuple[str, object]:
    """An object with exactly one member named from ``keys`` (serde's externally tagged enum)."""
    obj = JsonObject(value, path)
    members = list(obj.raw)
    if len(members) != 1 or members[0] not in keys:
        expected = " or ".join(repr(key) for key in keys)
        raise TokenizerConfigError(path, f"expected an object with one key, {expected}")
    return members[0], obj.raw[members[0]]


class JsonObject:
    """A JSON object being read, with the path used in error messages.

    Field readers share two conventions: ``default`` is returned when the key is absent (no
    default means the field is required), and ``nullable=True`` makes ``null`` behave like an
    absent key, as serde does for ``Option`` fields.
    """

    __slots__ = ("raw", "path")

    def __init__(self, value: object, path: str):
        if type(value) is not dict:
            raise TokenizerConfigError(path, f"expected object, got {type_name(value)}")
        self.raw: dict = value
        self.path = path

    def path_of(self, key: str) -> str:
        """Path of the member ``key``."""
        return key_path(self.path, key)

    def has(self, key: str) -> bool:
        """Whether the member ``key`` is present (even if null)."""
        return key in self.raw

    def _read(
        self,
        key: str,
        convert: Callable[[object, str], _T],
        default: Any,
        nullable: bool,
    ) -> _T:
        value = self.raw.get(key, _REQUIRED)
        if value is _REQUIRED or (value is None and nullable):
            if default is _REQUIRED:
                raise TokenizerConfigError(self.path_of(key), "missing")
            return default
        return convert(value, self.path_of(key))

    def value(self, key: str, default: Any = _REQUIRED) -> Any:
        """The raw member ``key``, of any type."""
        return self._read(key, lambda value, path: value, default, nullable=False)

    def bool_field(self, key: str, default: Any = _REQUIRED, nullable: bool = False) -> Any:
        """A boolean member."""
        return self._read(key, _expect_bool, default, nullable)

    def str_field(self, key: str, default: Any = _REQUIRED, nullable: bool = False) -> Any:
        """A string member."""
        return self._read(key, expect_str, default, nullable)

    def char_field(self, key: str) -> str:
        """A required string member holding exactly one character (Rust ``char``)."""
        return self._read(key, _expect_char, _REQUIRED, nullable=False)

    def int_field(
        self,
        key: str,
        default: Any = _REQUIRED,
        nullable: bool = False,
        minimum: int = 0,
        maximum: int = U32_MAX,
    ) -> Any:
        """An integer member within ``[minimum, maximum]`` (u32 by default)."""

        def convert(value: object, path: str) -> int:
            return expect_int(value, path, minimum, maximum)

        return self._read(key, convert, default, nullable)

    def number_field(self, key: str, default: Any = _REQUIRED, nullable: bool = False) -> Any:
        """A finite numeric member (integers accepted)."""
        return self._read(key, expect_number, default, nullable)

    def choice_field(self, key: str, choices: Mapping[str, str], default: Any = _REQUIRED) -> str:
        """A string member restricted to ``choices`` (spelling -> canonical form)."""

        def convert(value: object, path: str) -> str:
            return expect_one_of(value, path, choices)

        return self._read(key, convert, default, nullable=False)

    def list_of(self, key: str, parse_item: Callable[[object, str], _T]) -> tuple[_T, ...]:
        """A required array member, each element parsed by ``parse_item(element, path)``."""
        return parse_list(self.value(key), self.path_of(key), parse_item)


def _expect_bool(value: object, path: str) -> bool:
    if type(value) is not bool:
        raise TokenizerConfigError(path, f"expected bool, got {type_name(value)}")
    return value


def _expect_char(value: object, path: str) -> str:
    text = expect_str(value, path)
    if len(text) != 1:
        raise TokenizerConfigError(path, f"expected a single character, got {quoted(text)}")
    return text


def parse_tagged(
    value: object,
    path: str,
    parsers: Mapping[str, Callable[[JsonObject], _T]],
) -> _T:
    """Parse a component tagged by its ``type`` member, dispatching to ``parsers[type]``."""
    obj = JsonObject(value, path)
    tag = obj.str_field("type")
    parser = parsers.get(tag)
    if parser is None:
        raise TokenizerConfigError(obj.path_of("type"), f"unknown {quoted(tag)}")
    return parser(obj)
