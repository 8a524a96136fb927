"""Decoders: token strings back to text, exactly as HuggingFace ``tokenizers`` 0.23.3 does it.

Each class mirrors one HuggingFace decoder ``type`` and implements its ``decode_chain``: a list of
token strings in, a list of strings out. ``decode`` joins the chain's output with ``""``.
:func:`build_decoder` turns a :mod:`budtiktok.spec.decoders` spec into a decode function.

>>> build_decoder(spec.WordPiece(prefix="##", cleanup=True))(["un", "##believ", "##able", "!"])
'unbelievable!'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import groupby
from typing import TypeVar

from budtiktok.spec import decoders as spec
from budtiktok.spec.patterns import Pattern

try:
    import regex as _regex_engine
except ImportError:  # pragma: no cover - the stdlib fallback lacks \p{..} classes
    import re as _regex_engine

# HuggingFace's WordPiece clean-up, applied in this order (wordpiece.rs `cleanup`).
_CLEANUP_REPLACEMENTS = (
    (" .", "."),
    (" ?", "?"),
    (" !", "!"),
    (" ,", ","),
    (" ' ", "'"),
    (" n't", "n't"),
    (" 'm", "'m"),
    (" do not", " don't"),
    (" 's", "'s"),
    (" 've", "'ve"),
    (" 're", "'re"),
)
# Every clean-up pattern contains one of these. Replacements only fire where their pattern
# occurs, so a text without any of them is left unchanged.
_CLEANUP_TRIGGER = re.compile(r" [.?!,']| n't| do not")


def wordpiece_cleanup(text: str) -> str:
    """Remove the spaces WordPiece tokenization leaves before punctuation and contractions."""
    if _CLEANUP_TRIGGER.search(text) is None:
        return text
    for old, new in _CLEANUP_REPLACEMENTS:
        text = text.replace(old, new)
    return text


def gpt2_bytes_to_unicode() -> dict[int, str]:
    """The GPT-2 byte alphabet: every byte mapped to a printable character.

    Printable Latin-1 bytes map to themselves; the other 68 bytes map, in byte order, to
    U+0100 onwards (so the space 0x20 becomes ``Ġ`` U+0120 and the newline 0x0A ``Ċ`` U+010A).
    """
    printable = [*range(ord("!"), ord("~") + 1), *range(0xA1, 0xAC + 1), *range(0xAE, 0xFF + 1)]
    mapping = {byte: chr(byte) for byte in printable}
    next_code_point = 0x100
    for byte in range(256):
        if byte not in mapping:
            mapping[byte] = chr(next_code_point)
            next_code_point += 1
    return mapping


_BYTE_ALPHABET = gpt2_bytes_to_unicode()
_OUTSIDE_BYTE_ALPHABET = re.compile("[^" + re.escape("".join(_BYTE_ALPHABET.values())) + "]")
# str.translate table: alphabet character -> the Latin-1 character of its byte, so that
# `.encode("latin-1")` then yields the bytes.
_ALPHABET_TO_LATIN1 = {ord(char): chr(byte) for byte, char in _BYTE_ALPHABET.items()}


def _byte_token_spellings() -> dict[str, int]:
    """Every token ByteFallback reads as a byte, with its value.

    HuggingFace accepts exactly six-byte tokens ``<0x`` + two characters + ``>`` whose middle
    parses with Rust's ``u8::from_str_radix(_, 16)``: two hex digits of either case, or ``+``
    followed by one hex digit (``<0x+A>`` is byte 0x0A).
    """
    hex_digits = "0123456789abcdefABCDEF"
    spellings = {
        f"<0x{high}{low}>": int(high + low, 16) for high in hex_digits for low in hex_digits
    }
    spellings.update({f"<0x+{digit}>": int(digit, 16) for digit in hex_digits})
    return spellings


_BYTE_TOKENS = _byte_token_spellings()

_Result = TypeVar("_Result")


def _map_distinct(function: Callable[[str], _Result], tokens: list[str]) -> list[_Result]:
    """``[function(token) for token in tokens]``, calling ``function`` once per distinct token.

    Decoded token lists repeat vocabulary entries a lot, so this saves most of the calls.
    """
    results = {token: function(token) for token in set(tokens)}
    return [results[token] for token in tokens]


def _oniguruma_matches(compiled_regex, text: str) -> Iterator[tuple[int, int]]:
    """Match spans as the ``onig`` crate's ``find_iter`` yields them (HuggingFace's regex engine).

    Unlike Python's ``finditer``, an empty match is dropped when it ends where the previous match
    ended, and after it the search resumes one character further on, so a non-empty match starting
    at that position is never tried.
    """
    search_from = 0
    last_match_end = None
    while search_from <= len(text):
        match = compiled_regex.search(text, search_from)
        if match is None:
            return
        start, end = match.span()
        if start == end and end == last_match_end:
            search_from += 1
            continue
        search_from = last_match_end = end
        yield start, end


class Decoder:
    """Base of all decoders: ``decode`` is ``decode_chain`` joined with ``""``."""

    def decode_chain(self, tokens: list[str]) -> list[str]:
        """Transform the token strings; the output need not have one string per token."""
        raise NotImplementedError

    def decode(self, tokens: list[str]) -> str:
        """Decode ``tokens`` into the final text."""
        return "".join(self.decode_chain(tokens))


class WordPiece(Decoder):
    """Glue ``prefix``-marked continuation pieces to the previous token, space the others."""

    def __init__(self, prefix: str, cleanup: bool):
        self.prefix = prefix
        self.cleanup = cleanup

    def decode_chain(self, tokens: list[str]) -> list[str]:
        prefix, prefix_length = self.prefix, len(self.prefix)
        joined = tokens[:1] + [
            token[prefix_length:] if token.startswith(prefix) else " " + token
            for token in tokens[1:]
        ]
        # HuggingFace cleans each token on its own, so patterns spanning two tokens stay.
        return list(map(wordpiece_cleanup, joined)) if self.cleanup else joined


class ByteLevel(Decoder):
    """Map GPT-2 byte-alphabet characters back to bytes and decode them as UTF-8.

    A token with any character outside the alphabet contributes its own UTF-8 bytes instead.
    Invalid UTF-8 in the concatenation becomes U+FFFD per maximal invalid sequence, as Rust's
    ``String::from_utf8_lossy`` and Python's ``errors="replace"`` both do.
    """

    def decode_chain(self, tokens: list[str]) -> list[str]:
        text = "".join(tokens)
        if _OUTSIDE_BYTE_ALPHABET.search(text) is None:
            # Every token is in the alphabet, so the whole text converts in one go.
            data = text.translate(_ALPHABET_TO_LATIN1).encode("latin-1")
        else:
            data = b"".join(_map_distinct(self._token_bytes, tokens))
        return [data.decode("utf-8", errors="replace")]

    @staticmethod
    def _token_bytes(token: str) -> bytes:
        if _OUTSIDE_BYTE_ALPHABET.search(token) is None:
            return token.translate(_ALPHABET_TO_LATIN1).encode("latin-1")
        return token.encode("utf-8")


class Metaspace(Decoder):
    """Turn ``replacement`` characters back into spaces.

    In the first token they are all deleted instead (not only the leading one), unless
    ``prepend_scheme`` is ``"never"``.
    """

    def __init__(self, replacement: str, prepend_scheme: str):
        self.replacement = replacement
        self.prepend_scheme = prepend_scheme

    def decode_chain(self, tokens: list[str]) -> list[str]:
        if not tokens:
            return []
        replacement = self.replacement
        first_token_space = " " if self.prepend_scheme == "never" else ""
        return [tokens[0].replace(replacement, first_token_space)] + [
            token.replace(replacement, " ") for token in tokens[1:]
        ]


class BPEDecoder(Decoder):
    """Turn the end-of-word ``suffix`` into a space, or into nothing in the last token."""

    def __init__(self, suffix: str):
        self.suffix = suffix

    def decode_chain(self, tokens: list[str]) -> list[str]:
        if not tokens:
            return []
        suffix = self.suffix
        return [token.replace(suffix, " ") for token in tokens[:-1]] + [
            tokens[-1].replace(suffix, "")
        ]


class ByteFallback(Decoder):
    """Turn each run of ``<0xHH>`` tokens back into text.

    A run that is valid UTF-8 becomes one string; otherwise every byte of the run becomes its
    own U+FFFD (even the bytes that were valid on their own).
    """

    def decode_chain(self, tokens: list[str]) -> list[str]:
        decoded: list[str] = []
        byte_run = bytearray()
        for token in tokens:
            byte = _BYTE_TOKENS.get(token)
            if byte is not None:
                byte_run.append(byte)
                continue
            if byte_run:
                decoded.extend(self._decode_run(byte_run))
                byte_run.clear()
            decoded.append(token)
        if byte_run:
            decoded.extend(self._decode_run(byte_run))
        return decoded

    @staticmethod
    def _decode_run(byte_run: bytearray) -> list[str]:
        try:
            return [byte_run.decode("utf-8")]
        except UnicodeDecodeError:
            return ["\ufffd"] * len(byte_run)


class Fuse(Decoder):
    """Join all tokens into one string."""

    def decode_chain(self, tokens: list[str]) -> list[str]:
        return ["".join(tokens)]


class Strip(Decoder):
    """Remove up to ``start`` leading and up to ``stop`` trailing ``content`` characters per token.

    HuggingFace panics when it would strip past the token's end (``" "`` with start=stop=1, or
    ``""`` with stop >= 1); this raises :class:`ValueError` there instead.
    """

    def __init__(self, content: str, start: int, stop: int):
        self.content = content
        self.start = start
        self.stop = stop

    def decode_chain(self, tokens: list[str]) -> list[str]:
        return _map_distinct(self._strip_token, tokens)

    def _strip_token(self, token: str) -> str:
        content = self.content
        length = len(token)
        leading = length - len(token.lstrip(content))
        trailing = length - len(token.rstrip(content))
        # HuggingFace's trailing scan indexes before the token's start when the token is all
        # `content` and shorter than `stop`, and slices backwards when both cuts overlap.
        if trailing == length and self.stop > length:
            raise self._over_strip_error(token)
        start_cut = min(self.start, leading)
        stop_cut = length - min(self.stop, trailing)
        if start_cut > stop_cut:
            raise self._over_strip_error(token)
        return token[start_cut:stop_cut]

    def _over_strip_error(self, token: str) -> ValueError:
        return ValueError(
            f"Strip decoder (content={self.content!r}, start={self.start}, stop={self.stop}) "
            f"would strip past the end of token {token!r}; HuggingFace tokenizers panics here"
        )


class Replace(Decoder):
    """Replace every match of a String or Regex pattern by ``content`` (literally) in each token."""

    def __init__(self, pattern: Pattern, content: str):
        self.content = content
        # A non-empty literal is matched by str.replace exactly as the regex engine would;
        # an empty one goes through the regex path, where it matches around every character.
        self._literal = pattern.value if pattern.kind == "String" else ""
        source = _regex_engine.escape(pattern.value) if pattern.kind == "String" else pattern.value
        # Oniguruma's default (Ruby) syntax makes ^ and $ line anchors.
        self._regex = _regex_engine.compile(source, _regex_engine.MULTILINE)

    def decode_chain(self, tokens: list[str]) -> list[str]:
        if self._literal:
            literal, content = self._literal, self.content
            return [token.replace(literal, content) for token in tokens]
        return _map_distinct(self._replace_matches, tokens)

    def _replace_matches(self, token: str) -> str:
        # HuggingFace never searches an empty token, so patterns that match "" leave it empty.
        if not token:
            return token
        pieces = []
        kept_from = 0
        for start, end in _oniguruma_matches(self._regex, token):
            pieces += (token[kept_from:start], self.content)
            kept_from = end
        pieces.append(token[kept_from:])
        return "".join(pieces)


class CTC(Decoder):
    """Collapse repeated tokens, drop ``pad_token`` and then the tokens left empty.

    With ``cleanup`` each token also gets the WordPiece clean-up and ``word_delimiter_token``
    becomes a space; without it the delimiter stays as it is.
    """

    def __init__(self, pad_token: str, word_delimiter_token: str, cleanup: bool):
        self.pad_token = pad_token
        self.word_delimiter_token = word_delimiter_token
        self.cleanup = cleanup

    def decode_chain(self, tokens: list[str]) -> list[str]:
        collapsed = [token for token, _ in groupby(tokens)]
        return [token for token in map(self._decode_token, collapsed) if token]

    def _decode_token(self, token: str) -> str:
        token = token.replace(self.pad_token, "")
        if self.cleanup:
            token = wordpiece_cleanup(token).replace(self.word_delimiter_token, " ")
        return token


class Sequence(Decoder):
    """Feed the token list through ``decoders`` in order."""

    def __init__(self, decoders: list[Decoder]):
        self.decoders = decoders

    def decode_chain(self, tokens: list[str]) -> list[str]:
        for decoder in self.decoders:
            tokens = decoder.decode_chain(tokens)
        return tokens


def make_decoder(decoder_spec: spec.Decoder) -> Decoder:
    """The runtime decoder for one spec object."""
    match decoder_spec:
        case spec.WordPiece(prefix=prefix, cleanup=cleanup):
            return WordPiece(prefix, cleanup)
        case spec.ByteLevel():
            return ByteLevel()
        case spec.Metaspace(replacement=replacement, prepend_scheme=prepend_scheme):
            return Metaspace(replacement, prepend_scheme)
        case spec.BPEDecoder(suffix=suffix):
            return BPEDecoder(suffix)
        case spec.ByteFallback():
            return ByteFallback()
        case spec.Fuse():
            return Fuse()
        case spec.Strip(content=content, start=start, stop=stop):
            return Strip(content, start, stop)
        case spec.Replace(pattern=pattern, content=content):
            return Replace(pattern, content)
        case spec.CTC(pad_token=pad_token, word_delimiter_token=delimiter, cleanup=cleanup):
            return CTC(pad_token, delimiter, cleanup)
        case spec.Sequence(decoders=decoders):
            return Sequence([make_decoder(decoder) for decoder in decoders])
    raise TypeError(f"not a decoder spec: {decoder_spec!r}")


def _join_with_spaces(tokens: list[str]) -> str:
    return " ".join(tokens)


def build_decoder(decoder_spec: spec.Decoder | None) -> Callable[[list[str]], str]:
    """The function turning token strings into text for ``decoder_spec``.

    Without a decoder HuggingFace joins the tokens with single spaces.
    """
    if decoder_spec is None:
        return _join_with_spaces
    return make_decoder(decoder_spec).decode
