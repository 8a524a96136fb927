"""JSON number parsing that reproduces HuggingFace's (serde_json without ``float_roundtrip``).

serde_json builds a float as ``(significand as f64) * or / 10^k``: two roundings, so for long
literals it can land one ulp away from the correctly rounded value Python's ``json`` returns.
About a quarter of the Unigram scores in T5's tokenizer.json differ that way, which can flip
Viterbi ties, so scores must be parsed exactly as HuggingFace parses them.
"""

from __future__ import annotations

from budtiktok.errors import TokenizerConfigError

_POW10 = tuple(float(f"1e{k}") for k in range(309))
_U64_MAX = 2**64 - 1
_I32_MIN, _I32_MAX = -(2**31), 2**31 - 1


def parse_float_like_serde(literal: str) -> float:
    """The f64 serde_json reads from a JSON number literal with a fraction or an exponent."""
    if "e" not in literal and "E" not in literal and len(literal) <= 20:
        if len(literal) <= 16:
            # At most 15 digits: both operands are exact, so the single rounding of the
            # division gives the correctly rounded result, which is what float() returns.
            return float(literal)
        # At most 19 digits: the significand fits in a u64 and no digit is dropped.
        integer, _, fraction = literal.partition(".")
        value = float(int(integer + fraction)) / _POW10[len(fraction)]
        return value if value else float(literal)  # float() keeps the sign of zero
    return _parse_general(literal)


def _parse_general(literal: str) -> float:
    negative = literal.startswith("-")
    mantissa, _, exponent_text = literal.lstrip("-").replace("E", "e").partition("e")
    integer, _, fraction = mantissa.partition(".")
    significand, exponent = _significand_and_exponent(integer, fraction)
    if exponent_text:
        exponent_value = int(exponent_text)
        if not _I32_MIN < exponent_value <= _I32_MAX:
            if significand and exponent_value > 0:
                _out_of_range(literal)
            return -0.0 if negative else 0.0
        exponent = max(_I32_MIN, min(_I32_MAX, exponent + exponent_value))
    value = float(significand)
    while abs(exponent) >= len(_POW10):
        if value == 0.0:
            break
        if exponent >= 0:
            _out_of_range(literal)
        value /= 1e308
        exponent += 308
    else:
        if exponent >= 0:
            value *= _POW10[exponent]
            if value == float("inf"):
                _out_of_range(literal)
        else:
            value /= _POW10[-exponent]
    return -value if negative else value


def _significand_and_exponent(integer: str, fraction: str) -> tuple[int, int]:
    """Digits accumulate into a u64 until one would overflow it.

    An integer digit that does not fit is dropped but still scales by 10, and so are all the
    integer digits after it; the first fraction digit that does not fit ends the fraction.
    """
    significand = 0
    exponent = 0
    integer_overflowed = False
    for digit in map(int, integer):
        if integer_overflowed or significand * 10 + digit > _U64_MAX:
            integer_overflowed = True
            exponent += 1
        else:
            significand = significand * 10 + digit
    for digit in map(int, fraction):
        if significand * 10 + digit > _U64_MAX:
            break
        significand = significand * 10 + digit
        exponent -= 1
    return significand, exponent


def _out_of_range(literal: str) -> None:
    raise TokenizerConfigError("", f"invalid JSON: number {literal} is out of range")
