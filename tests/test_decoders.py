"""budtiktok.decoders against HuggingFace ``tokenizers.decoders``: every expected value is HF's.

``BUDTIKTOK_MAX_EXAMPLES`` sets the number of hypothesis examples per test (default 300).
"""

from __future__ import annotations

import gzip
import json
import os
import random
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tokenizers import Regex, Tokenizer
from tokenizers import decoders as hf
from tokenizers import pre_tokenizers as hf_pre_tokenizers

from budtiktok.decoders import build_decoder, gpt2_bytes_to_unicode
from budtiktok.spec import decoders as spec
from budtiktok.spec.patterns import Pattern

# HuggingFace panics print a backtrace each time when this is 1, which is slow and noisy.
os.environ["RUST_BACKTRACE"] = "0"

SETTINGS = settings(
    max_examples=int(os.environ.get("BUDTIKTOK_MAX_EXAMPLES", "300")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
DATA_DIR = Path(
    os.environ.get("BUDTIKTOK_TEST_DATA") or Path(__file__).resolve().parents[1].parent / "shared"
)
TOKENIZERS_DIR = DATA_DIR / "tokenizers"

HF_BYTE_ALPHABET = sorted(hf_pre_tokenizers.ByteLevel.alphabet())
HF_BYTE_LEVEL = hf_pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)


def assert_same_decode(decoders: tuple[spec.Decoder, hf.Decoder], tokens: list[str]) -> None:
    """Our decode equals HF's, or raises ValueError where HF panics."""
    ours, theirs = decoders
    decode = build_decoder(ours)
    try:
        expected = theirs.decode(tokens)
    except BaseException as error:  # PanicException derives from BaseException
        if type(error).__name__ != "PanicException":
            raise
        with pytest.raises(ValueError, match="HuggingFace tokenizers panics"):
            decode(tokens)
    else:
        assert decode(tokens) == expected


def llama_decoders() -> tuple[spec.Decoder, hf.Decoder]:
    """The Llama-2 / Mistral decoder Sequence."""
    return (
        spec.Sequence(
            (
                spec.Replace(Pattern("String", "▁"), " "),
                spec.ByteFallback(),
                spec.Fuse(),
                spec.Strip(" ", 1, 0),
            )
        ),
        hf.Sequence([hf.Replace("▁", " "), hf.ByteFallback(), hf.Fuse(), hf.Strip(" ", 1, 0)]),
    )


def wordpiece(prefix: str = "##", cleanup: bool = True):
    return spec.WordPiece(prefix, cleanup), hf.WordPiece(prefix, cleanup)


def metaspace(replacement: str = "▁", prepend_scheme: str = "always"):
    return (
        spec.Metaspace(replacement, prepend_scheme, True),
        hf.Metaspace(replacement, prepend_scheme, True),
    )


def bpe_decoder(suffix: str = "</w>"):
    return spec.BPEDecoder(suffix), hf.BPEDecoder(suffix)


def strip(content: str = " ", start: int = 1, stop: int = 0):
    return spec.Strip(content, start, stop), hf.Strip(content, start, stop)


def replace(kind: str, value: str, content: str):
    hf_pattern = Regex(value) if kind == "Regex" else value
    return spec.Replace(Pattern(kind, value), content), hf.Replace(hf_pattern, content)


def ctc(pad_token: str = "<pad>", word_delimiter_token: str = "|", cleanup: bool = True):
    return (
        spec.CTC(pad_token, word_delimiter_token, cleanup),
        hf.CTC(pad_token, word_delimiter_token, cleanup),
    )


def sequence(*decoders):
    return spec.Sequence(tuple(ours for ours, _ in decoders)), hf.Sequence(
        [theirs for _, theirs in decoders]
    )


BYTE_LEVEL = (spec.ByteLevel(), hf.ByteLevel())
BYTE_FALLBACK = (spec.ByteFallback(), hf.ByteFallback())
FUSE = (spec.Fuse(), hf.Fuse())

HAND_PICKED = [
    # ByteLevel: alphabet tokens, a token outside the alphabet, lone and cut multi-byte sequences.
    (BYTE_LEVEL, ["Hello", "Ġw", "orld", "é", "Ġ<|x|>", "ðŁĺ"]),
    (BYTE_LEVEL, ["ðŁĺ", "Ģ", "Ċ", "Ġ", "ĉ"]),
    (BYTE_LEVEL, ["Ã", "©", "í", "ł", "Ģ", "ÿ", "Ń"]),
    (BYTE_LEVEL, []),
    (BYTE_LEVEL, ["", "a b", "ĠĠ"]),
    # WordPiece: prefix handling and the per-token clean-up.
    (wordpiece(), ["un", "##believ", "##able", "!", "do", "not", "don", "'", "t", "it", "'s"]),
    (wordpiece(), ["Hello", ",", "##", "world", ".", "?", "##!", "'", "m"]),
    (wordpiece(cleanup=False), ["a", "##b", ".", "c"]),
    (wordpiece(prefix=""), ["a", "b", " do not"]),
    (wordpiece(), ["##a", "##b"]),
    (wordpiece(), []),
    # Metaspace: every replacement in the first token goes, unless the scheme is "never".
    (metaspace(), ["▁▁Hello", "▁world", "▁"]),
    (metaspace(prepend_scheme="first"), ["a▁b", "▁c"]),
    (metaspace(prepend_scheme="never"), ["▁a", "▁b"]),
    (metaspace(replacement="_"), ["_x_", "_y"]),
    (metaspace(), []),
    # BPEDecoder: the suffix becomes a space except in the last token.
    (bpe_decoder(), ["hel", "lo</w>", "wor", "ld</w>"]),
    (bpe_decoder(), ["a</w>b</w>", "c</w>"]),
    (bpe_decoder(suffix=""), ["ab", "c"]),
    (bpe_decoder(), []),
    # ByteFallback: runs of byte tokens, invalid UTF-8 gives one U+FFFD per byte of the run.
    (BYTE_FALLBACK, ["<0x41>", "<0xE9>"]),
    (BYTE_FALLBACK, ["<0xE9>", "<0xAD>", "a", "<0xE2>", "<0x82>", "<0xAC>", "<0x61>"]),
    (BYTE_FALLBACK, ["<0x+A>", "<0x+f>", "<0xzz>", "<0X41>", "<0x4>", "<0x-1>", "<0x 1>", "<0x٣>"]),
    (BYTE_FALLBACK, ["<0xf0>", "<0x9F>", "<0x98>", "<0x80>", "<0xF0>", "<0x9F>"]),
    (BYTE_FALLBACK, []),
    (FUSE, ["a", "", " b"]),
    (FUSE, []),
    # Strip, including the over-strip cases where HuggingFace panics.
    (strip(), [" a", "  b", "c ", ""]),
    (strip(start=2, stop=2), ["  a  ", "   ", "    ", " b"]),
    (strip(start=1, stop=1), [" "]),
    (strip(start=0, stop=1), [""]),
    (strip(start=0, stop=2), [" "]),
    (strip(start=2, stop=1), ["  "]),
    (strip("▁", 0, 3), ["a▁▁", "▁"]),
    # Replace: literal and regex patterns, including empty matches and literal `$0`/`\1` content.
    (replace("String", "▁", " "), ["▁Hello", "▁▁", ""]),
    (replace("String", "", "-"), ["ab", ""]),
    (replace("String", ".", "$0\\1"), ["a.b"]),
    (replace("Regex", "x*", "-"), ["xab", "abxd", "xx", ""]),
    (replace("Regex", "x|(?=b)", "-"), ["xab", "xb"]),
    (replace("Regex", "a|", "-"), ["aab", "b"]),
    (replace("Regex", "(?=a)|a", "-"), ["aab"]),
    (replace("Regex", r"\b", "|"), ["ab cd"]),
    (replace("Regex", "^a|a$", "-"), ["a\na", "bab"]),
    (replace("Regex", "(a)(b)", r"\2\1"), ["abab"]),
    # CTC: collapse repeats, drop padding; the delimiter becomes a space only with cleanup.
    (ctc(), ["<pad>", "h", "h", "e", "<pad>", "l", "l", "<pad>", "l", "o", "|", "|", "w"]),
    (ctc(cleanup=False), ["a", "a", "|", "b", "<pad>", "<pad>"]),
    (ctc(), ["do", "|", "not", "|", "it", "|", "'s", " ."]),
    (ctc(pad_token="", word_delimiter_token=""), ["ab", "ab", "c"]),
    # Sequence: the Llama-2 / Mistral chain.
    (llama_decoders(), ["▁Hi", "<0x21>"]),
    (llama_decoders(), ["▁", "▁", "▁Hello"]),
    (llama_decoders(), ["<0x20>", "▁a", "<0xE9>"]),
    (llama_decoders(), []),
    (sequence(BYTE_FALLBACK, strip(" ", 1, 1)), ["<0xE9>", "<0x20>"]),
    (sequence(), ["a", "b"]),
]


@pytest.mark.parametrize(
    ("decoders", "tokens"),
    HAND_PICKED,
    ids=[f"{type(ours).__name__}-{index}" for index, ((ours, _), _) in enumerate(HAND_PICKED)],
)
def test_hand_picked_cases_match_huggingface(decoders, tokens):
    assert_same_decode(decoders, tokens)


def test_no_decoder_joins_with_single_spaces():
    tokenizer = Tokenizer.from_str(minimal_tokenizer_json(None))
    tokenizer.add_tokens(["ab", "c d"])
    assert build_decoder(None)(["ab", "c d"]) == tokenizer.decode([1, 2])
    assert build_decoder(None)([]) == tokenizer.decode([])


def test_over_strip_error_names_the_decoder_and_token():
    with pytest.raises(ValueError, match=r"Strip decoder .*token ' '"):
        build_decoder(spec.Strip(" ", 1, 1))(["a", " "])


def test_gpt2_alphabet_matches_huggingface():
    ours = gpt2_bytes_to_unicode()
    assert sorted(ours.values()) == HF_BYTE_ALPHABET
    # Every byte that occurs in UTF-8: ASCII, continuation bytes and each lead byte.
    three_byte = [point for point in range(0x800, 0x10000, 0x800) if not 0xD800 <= point < 0xE000]
    text = "".join(map(chr, [*range(0x800), *three_byte, *range(0x10000, 0x110000, 0x40000)]))
    assert byte_level_text(text) == "".join(ours[byte] for byte in text.encode())


# Hypothesis strategies ----------------------------------------------------------------------

INTERESTING_TOKENS = [
    "", " ", "  ", "##", "##ing", "@@", "▁", "▁▁", "▁Hello", "_", "Ġ", "Ċ", "ĠĠ", "Ġworld", "ðŁĺ",
    "Ģ", "é", "😀", "中文", "</w>", "a</w>", "<pad>", "|", "'", ".", ",", "?", "!", "n't", "do",
    " do not", " 's", "'re", "un", "a", "b", "x", "<0x", "<0x41", "Hello", "\n", "\t",
]
BYTE_TOKENS = st.one_of(
    st.integers(0, 255).map(lambda byte: f"<0x{byte:02X}>"),
    st.integers(0, 255).map(lambda byte: f"<0x{byte:02x}>"),
    st.sampled_from(
        ["<0x+A>", "<0x+f>", "<0xZZ>", "<0xG1>", "<0X41>", "<0x4>", "<0x-1>", "<0x 1>", "<0x٣>",
         "<0x410>", "<0xé>", "<0x0x>"]
    ),
)
CHARACTERS = st.one_of(
    st.sampled_from(list("ab .,'!?#|<>_x\n") + ["▁", "Ġ", "Ċ", "😀", "中"]),
    st.sampled_from(HF_BYTE_ALPHABET),
    st.characters(exclude_categories=["Cs"]),
)
SINGLE_TOKEN = st.one_of(
    st.sampled_from(INTERESTING_TOKENS),
    st.text(alphabet=CHARACTERS, max_size=5),
    BYTE_TOKENS,
)


@st.composite
def split_text(draw, text: str) -> list[str]:
    """``text`` cut into pieces at drawn positions (pieces may be empty)."""
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=4)))
    bounds = [0, *cuts, len(text)]
    return [text[start:end] for start, end in zip(bounds, bounds[1:])]


def byte_level_text(text: str) -> str:
    """``text`` in the GPT-2 byte alphabet, as HuggingFace's ByteLevel pre-tokenizer writes it."""
    return "".join(piece for piece, _ in HF_BYTE_LEVEL.pre_tokenize_str(text))


TEXTS = st.text(alphabet=CHARACTERS, max_size=6)


@st.composite
def byte_token_run(draw) -> list[str]:
    """Byte tokens for a slice of some text's UTF-8: valid, or cut inside a character."""
    data = draw(TEXTS).encode()
    start, end = sorted(draw(st.lists(st.integers(0, len(data)), min_size=2, max_size=2)))
    return [f"<0x{byte:02X}>" for byte in data[start:end]]


TOKEN_GROUPS = st.one_of(
    SINGLE_TOKEN.map(lambda token: [token]),
    byte_token_run(),
    # GPT-2 byte-level text cut anywhere, also inside multi-byte characters.
    TEXTS.map(byte_level_text).flatmap(split_text),
)
TOKEN_LISTS = st.lists(TOKEN_GROUPS, max_size=10).map(
    lambda groups: [token for group in groups for token in group]
)

REPLACE_PATTERNS = st.one_of(
    st.tuples(st.just("String"), st.sampled_from(["▁", "", " ", "##", "a", "<0x", "ab", "Ġ"])),
    st.tuples(
        st.just("Regex"),
        st.sampled_from(
            # No \w, \b, \s, \d or \p{..}: their Oniguruma classes differ from the regex
            # package's on some characters (see tokenizer-json-reference.md section 4).
            ["▁", "x*", "a|", "|a", "(?=a)|a", " +", "^.", ".$", "[a-z]+", "(?<=a)b", "$", "Ġ",
             "(x)(y)?", "<0x[0-9A-F]{2}>"]
        ),
    ),
)
LEAF_DECODERS = st.one_of(
    st.builds(wordpiece, st.sampled_from(["##", "", "▁", "@@"]), st.booleans()),
    st.just(BYTE_LEVEL),
    st.builds(
        metaspace,
        st.sampled_from(["▁", "_", " ", "a"]),
        st.sampled_from(["always", "first", "never"]),
    ),
    st.builds(bpe_decoder, st.sampled_from(["</w>", "", "a", "▁"])),
    st.just(BYTE_FALLBACK),
    st.just(FUSE),
    st.builds(strip, st.sampled_from([" ", "▁", "a"]), st.integers(0, 3), st.integers(0, 3)),
    st.builds(
        lambda pattern, content: replace(*pattern, content),
        REPLACE_PATTERNS,
        st.sampled_from(["", " ", "-", "\\1", "$0", "▁▁"]),
    ),
    st.builds(
        ctc, st.sampled_from(["<pad>", "", "a"]), st.sampled_from(["|", "", " "]), st.booleans()
    ),
)
DECODERS = st.one_of(
    LEAF_DECODERS,
    st.lists(LEAF_DECODERS, max_size=4).map(lambda decoders: sequence(*decoders)),
    st.just(llama_decoders()),
)


@SETTINGS
@given(decoders=DECODERS, tokens=TOKEN_LISTS)
def test_random_tokens_match_huggingface(decoders, tokens):
    assert_same_decode(decoders, tokens)


@SETTINGS
@given(tokens=st.lists(st.one_of(BYTE_TOKENS, st.sampled_from(["a", "▁", ""])), max_size=12))
def test_byte_fallback_runs_match_huggingface(tokens):
    assert_same_decode(BYTE_FALLBACK, tokens)
    assert_same_decode(llama_decoders(), tokens)


@SETTINGS
@given(text=st.text(), data=st.data())
def test_byte_level_round_trips_like_huggingface(text, data):
    tokens = data.draw(split_text(byte_level_text(text)))
    assert_same_decode(BYTE_LEVEL, tokens)
    assert build_decoder(spec.ByteLevel())(tokens) == text


BYTE_TO_ALPHABET = gpt2_bytes_to_unicode()  # checked against HF above
RAW_BYTES_AS_ALPHABET = st.binary(max_size=4).map(
    lambda data: "".join(BYTE_TO_ALPHABET[byte] for byte in data)
)


@SETTINGS
@given(tokens=st.lists(st.one_of(SINGLE_TOKEN, RAW_BYTES_AS_ALPHABET), max_size=12))
def test_byte_level_invalid_utf8_matches_huggingface(tokens):
    assert_same_decode(BYTE_LEVEL, tokens)


# Real tokenizer.json decoders -----------------------------------------------------------------


def minimal_tokenizer_json(decoder: dict | None) -> str:
    """A tokenizer.json whose only interesting part is ``decoder``."""
    return json.dumps(
        {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": [],
            "normalizer": None,
            "pre_tokenizer": None,
            "post_processor": None,
            "decoder": decoder,
            "model": {"type": "WordLevel", "vocab": {"[UNK]": 0}, "unk_token": "[UNK]"},
        }
    )


def shared_tokenizer_names() -> list[str]:
    if not TOKENIZERS_DIR.is_dir():
        return []
    return sorted(
        folder.name
        for folder in TOKENIZERS_DIR.iterdir()
        if (folder / "tokenizer.json").is_file() or (folder / "tokenizer.json.gz").is_file()
    )


@lru_cache(maxsize=None)
def shared_decoder_and_vocab(name: str) -> tuple[dict | None, tuple[str, ...]]:
    """The decoder object and the vocabulary strings of one shared tokenizer.json."""
    folder = TOKENIZERS_DIR / name
    plain = folder / "tokenizer.json"
    raw = plain.read_bytes() if plain.is_file() else gzip.decompress(
        (folder / "tokenizer.json.gz").read_bytes()
    )
    document = json.loads(raw)
    vocab = document["model"]["vocab"]
    pieces = [piece for piece, _ in vocab] if isinstance(vocab, list) else list(vocab)
    pieces += [token["content"] for token in document["added_tokens"]]
    return document["decoder"], tuple(pieces)


@pytest.mark.parametrize("name", shared_tokenizer_names())
def test_shared_tokenizer_decoders_match_huggingface(name):
    decoder_json, vocab = shared_decoder_and_vocab(name)
    if decoder_json is None:
        pytest.skip("no decoder")
    decode = build_decoder(spec.parse_decoder(decoder_json, "decoder"))
    theirs = Tokenizer.from_str(minimal_tokenizer_json(decoder_json)).decoder
    generator = random.Random(name)
    for _ in range(20):
        tokens = generator.sample(vocab, 50)
        assert decode(tokens) == theirs.decode(tokens)


# Long inputs (speed is measured in asv_bench/, never asserted here) --------------------------------


@pytest.mark.parametrize(
    "decoders",
    [BYTE_LEVEL, wordpiece(), metaspace(), llama_decoders(), ctc(), replace("Regex", "a+", "b")],
    ids=["ByteLevel", "WordPiece", "Metaspace", "Llama", "CTC", "ReplaceRegex"],
)
def test_decoding_100k_tokens_matches(decoders):
    generator = random.Random(0)
    vocabulary = ["Ġthe", "##ing", "▁Hello", "<0xE2>", "<0x82>", "<0xAC>", "a", "|", ".", "ðŁĺĢ"]
    vocabulary += ["".join(generator.choices("abcdefĠ▁", k=5)) for _ in range(5000)]
    tokens = generator.choices(vocabulary, k=100_000)
    decode = build_decoder(decoders[0])
    assert decode(tokens) == decoders[1].decode(tokens)
