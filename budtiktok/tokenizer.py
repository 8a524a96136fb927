"""``Tokenizer``: the HuggingFace ``tokenizers.Tokenizer`` API over budtiktok's kernels."""
from __future__ import annotations

import glob
import hashlib
import os
import warnings
from pathlib import Path
from typing import NamedTuple, Sequence

import numpy as np

from . import dispatch
from .decoders import build_decoder
from .encoding import BatchEncoding, Encoding
from .errors import TokenizerConfigError
from .kernels import pipeline, post_processors as post, unigram
from .spec import load_spec
from .spec.models import Unigram
from .spec.truncation_padding import Padding, Truncation
from .tables.compiled import compile_tokenizer

STRATEGIES = {"longest_first": "LongestFirst", "only_first": "OnlyFirst", "only_second": "OnlySecond"}
STRATEGY_CODES = {"LongestFirst": post.LONGEST_FIRST, "OnlyFirst": post.ONLY_FIRST, "OnlySecond": post.ONLY_SECOND}
TRUNCATION_ERRORS = {
    post.ERROR_SEQUENCE_TOO_SHORT:
        "Truncation error: Sequence to truncate too short to respect the provided max_length",
    post.ERROR_NO_SECOND_SEQUENCE: "Truncation error: Second sequence not provided",
    post.ERROR_STRIDE_TOO_LARGE: "Truncation error: stride must be strictly less than the length a sequence is cut to",
}


class PackedTexts(NamedTuple):
    """Texts as the kernels read them: one UTF-8 buffer with per-row byte and char offsets."""
    buffer: np.ndarray
    row_bytes: np.ndarray
    row_chars: np.ndarray


def pack_texts(texts: Sequence[str], what: str = "input") -> PackedTexts:
    """Join texts into one buffer; a non-str or a str with lone surrogates raises ``TypeError``.

    Each text is encoded on its own: joining the str first would widen every text to the widest
    char kind in the batch (one emoji makes it UCS-4) and need a pass to find the row bytes."""
    if len(texts) == 1 and type(texts[0]) is str:
        return _pack_one(texts[0], what)
    encode = str.encode
    try:
        encoded = [encode(text, "utf-8") for text in texts]
    except (TypeError, UnicodeEncodeError):
        _raise_bad_text(texts, what)
    n = len(encoded)
    row_bytes = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=n), out=row_bytes[1:])
    row_chars = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=n), out=row_chars[1:])
    buffer = np.frombuffer(encoded[0] if n == 1 else b"".join(encoded), np.uint8)
    return PackedTexts(buffer, row_bytes, row_chars)


def _pack_one(text: str, what: str) -> PackedTexts:
    """``pack_texts`` for a single text, without the batch bookkeeping (single-text latency)."""
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError:
        _raise_bad_text([text], what)
    row_chars = np.array((0, len(text)), dtype=np.int64)
    row_bytes = row_chars if len(encoded) == len(text) else np.array((0, len(encoded)), dtype=np.int64)
    return PackedTexts(np.frombuffer(encoded, np.uint8), row_bytes, row_chars)


def _raise_bad_text(texts: Sequence[str], what: str):
    """The ``TypeError`` for the first text that is not a str or has lone surrogates."""
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(f"{what} {i} is {type(text).__name__}, expected str") from None
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            raise TypeError(f"{what} {i} is not valid text: lone surrogate at char {error.start} "
                            "(HuggingFace: TextInputSequence must be str)") from None


U32_LIMIT = 1 << 32


# seq_a, seq_b, n_sequences of a single input without a pair; never written (kept writable: a
# read-only array is another Numba type, another compile of the post-processing kernels)
_ONE_INPUT = (np.zeros(1, np.int64), np.full(1, -1, np.int64), np.ones(1, np.int64))


def _unsigned(name: str, value: int, limit: int = U32_LIMIT) -> int:
    """HuggingFace takes these as unsigned integers: out of range raises OverflowError, as there."""
    if not 0 <= value < limit:
        raise OverflowError(f"{name}={value} is out of range for an unsigned integer")
    return value


class Tokenizer:
    """Loads a HuggingFace ``tokenizer.json`` and encodes exactly as ``tokenizers`` does."""

    def __init__(self, spec, source_hash: str):
        self._spec = spec
        self._compiled = compile_tokenizer(spec, source_hash)
        self._decode_tokens = build_decoder(spec.decoder)
        self._truncation: Truncation | None = spec.truncation
        self._padding: Padding | None = spec.padding
        self._post_args: dict = {}          # post-processing kernel arguments per call kind and settings
        c = self._compiled
        for path, pattern, engine in c.regex_engines:
            if engine == "interpreter":
                warnings.warn(f"{path}: regex {pattern!r} runs on budtiktok's generic regex interpreter, "
                              "slower than its built-in scanners", stacklevel=3)
        normalizer = (c.normalizer.program, c.normalizer.chars, *c.normalizer.precompiled)
        self._encode_args = (c.bounds, c.char_tables, c.form_tables, normalizer,
                             c.pre_tokenizer.program, c.regex, c.ascii_mode, c.model, c.added.raw_match,
                             c.added.normalized_match)

    # ----------------------------------------------------------------- loading
    @classmethod
    def from_str(cls, json: str) -> "Tokenizer":
        """Build from the text of a tokenizer.json."""
        if not isinstance(json, (str, bytes)):
            raise TypeError(f"from_str expects the JSON text, got {type(json).__name__}")
        raw = json.encode("utf-8") if isinstance(json, str) else json
        return cls(load_spec(raw), hashlib.sha256(raw).hexdigest())

    @classmethod
    def from_file(cls, path: str | os.PathLike) -> "Tokenizer":
        """Build from a tokenizer.json file (``.gz`` files are read transparently)."""
        path = Path(path)
        try:
            raw = path.read_bytes()
        except OSError as error:
            raise TokenizerConfigError("", f"cannot read {path}: {error.strerror}") from None
        if path.suffix == ".gz":
            import gzip
            raw = gzip.decompress(raw)
        return cls(load_spec(raw), hashlib.sha256(raw).hexdigest())

    @classmethod
    def from_pretrained(cls, name_or_dir: str) -> "Tokenizer":
        """A local folder holding tokenizer.json, or a model in the HuggingFace hub cache (offline)."""
        folder = Path(name_or_dir)
        if (folder / "tokenizer.json").is_file():
            return cls.from_file(folder / "tokenizer.json")
        hf_home = Path(os.environ.get("HF_HOME", Path.home() / ".cache" / "huggingface"))
        hub = Path(os.environ.get("HF_HUB_CACHE") or hf_home / "hub")
        pattern = str(hub / f"models--{name_or_dir.replace('/', '--')}" / "snapshots" / "*" / "tokenizer.json")
        found = sorted(glob.glob(pattern), key=os.path.getmtime)
        if not found:
            raise FileNotFoundError(f"no tokenizer.json for {name_or_dir!r}: not a folder with one, and not in the "
                                    f"HuggingFace hub cache at {hub} (budtiktok never downloads)")
        return cls.from_file(found[-1])

    # ----------------------------------------------------------------- settings
    def enable_truncation(self, max_length: int, stride: int = 0, strategy: str = "longest_first",
                          direction: str = "right") -> None:
        """Truncate (and keep the rest as overflowing windows) as HuggingFace does."""
        _unsigned("max_length", max_length, 1 << 64)
        _unsigned("stride", stride, 1 << 64)
        if strategy not in STRATEGIES:
            raise ValueError(f"strategy must be one of {sorted(STRATEGIES)}, got {strategy!r}")
        if direction not in ("left", "right"):
            raise ValueError(f"direction must be 'left' or 'right', got {direction!r}")
        effective = max_length - self._compiled.post.n_added_single
        if 0 <= effective < stride:
            raise ValueError(f"tokenizer stride set to {stride}, which is greater than or equal to its effective max "
                             f"length of {effective} (= {max_length} original max length - "
                             f"{self._compiled.post.n_added_single} added special tokens)")
        self._truncation = Truncation(max_length, stride, STRATEGIES[strategy], direction.capitalize())

    def no_truncation(self) -> None:
        self._truncation = None

    def enable_padding(self, direction: str = "right", pad_id: int = 0, pad_type_id: int = 0,
                       pad_token: str = "[PAD]", length: int | None = None,
                       pad_to_multiple_of: int | None = None) -> None:
        """Pad every batch to its longest row (or to ``length``)."""
        if direction not in ("left", "right"):
            raise ValueError(f"direction must be 'left' or 'right', got {direction!r}")
        _unsigned("pad_id", pad_id)
        _unsigned("pad_type_id", pad_type_id)
        for name, value in (("length", length), ("pad_to_multiple_of", pad_to_multiple_of)):
            if value is not None:
                _unsigned(name, value, 1 << 64)
        self._padding = Padding(length, direction.capitalize(), pad_to_multiple_of, pad_id, pad_type_id, pad_token)

    def no_padding(self) -> None:
        self._padding = None

    @property
    def truncation(self) -> dict | None:
        t = self._truncation
        if t is None:
            return None
        strategy = {v: k for k, v in STRATEGIES.items()}[t.strategy]
        return {"max_length": t.max_length, "stride": t.stride, "strategy": strategy, "direction": t.direction.lower()}

    @property
    def padding(self) -> dict | None:
        p = self._padding
        if p is None:
            return None
        return {"length": p.length, "pad_to_multiple_of": p.pad_to_multiple_of, "pad_id": p.pad_id,
                "pad_token": p.pad_token, "pad_type_id": p.pad_type_id, "direction": p.direction.lower()}

    def info(self) -> dict:
        """What this tokenizer runs: the model, and which matcher serves each regex pattern."""
        return {"model": type(self._spec.model).__name__,
                "regex": [{"path": path, "pattern": pattern, "engine": engine}
                          for path, pattern, engine in self._compiled.regex_engines]}

    # ----------------------------------------------------------------- vocabulary
    def token_to_id(self, token: str) -> int | None:
        added = self._compiled.added.contents.get(token)
        return added if added is not None else self._compiled.vocab.get(token)

    def id_to_token(self, id: int) -> str | None:
        table = self._compiled.id_to_token
        return table[id] if _unsigned("id", id) < len(table) else None

    def get_vocab(self, with_added_tokens: bool = True) -> dict[str, int]:
        vocab = dict(self._compiled.vocab)
        if with_added_tokens:
            vocab.update(self._compiled.added.contents)
        return vocab

    def get_vocab_size(self, with_added_tokens: bool = True) -> int:
        return len(self.get_vocab(with_added_tokens))

    # ----------------------------------------------------------------- encoding
    def encode(self, sequence, pair=None, is_pretokenized: bool = False, add_special_tokens: bool = True) -> Encoding:
        """Encode one text (or pre-tokenized word list), optionally with a pair."""
        expected = (list, tuple) if is_pretokenized else str
        for name, value in (("sequence", sequence), ("pair", pair)):
            if value is not None and not isinstance(value, expected):
                raise TypeError(f"{name} is {type(value).__name__}, expected "
                                f"{'a list of str' if is_pretokenized else 'str'}")
        batch = self._encode([sequence], [pair], is_pretokenized, add_special_tokens, "sequence")
        return Encoding(batch, 0)

    def encode_batch(self, inputs, is_pretokenized: bool = False, add_special_tokens: bool = True) -> list[Encoding]:
        """Encode many inputs; each is a text, or a (text, pair) tuple (word lists if pre-tokenized)."""
        firsts, pairs = self._split_pairs(inputs, is_pretokenized)
        return self._encode(firsts, pairs, is_pretokenized, add_special_tokens, "input").encodings()

    def encode_batch_arrays(self, texts: Sequence[str], add_special_tokens: bool = True,
                            padded: bool | None = None, return_offsets: bool = False) -> "BatchArrays":
        """Columnar results without per-row objects: flat ``ids`` + ``row_splits``; char
        ``offsets`` on request; padded ``input_ids`` / ``attention_mask`` / ``token_type_ids``
        (int64) when padding is enabled or ``padded=True``. Overflow windows are not included."""
        batch = self._encode(texts, None, False, add_special_tokens, "text",
                             force_batch_longest=bool(padded) and self._padding is None)
        return BatchArrays.from_batch(batch, padded if padded is not None else self._padding is not None,
                                      return_offsets)

    def _split_pairs(self, inputs, is_pretokenized):
        """Inputs → (first sequences, pair sequences or None), with HuggingFace's input rules: a
        pair is a 2-item tuple/list (of word lists, when pre-tokenized)."""
        if isinstance(inputs, (str, bytes)):
            raise TypeError("encode_batch expects a list of inputs, got a str (HuggingFace: Can't extract `str` "
                            "to `Vec`)")
        sequence_type = (list, tuple) if is_pretokenized else str
        firsts, pairs = [], []
        for i, item in enumerate(inputs):
            if is_pretokenized:
                is_pair = (isinstance(item, (list, tuple)) and len(item) == 2
                           and all(isinstance(part, (list, tuple)) for part in item))
            else:
                is_pair = isinstance(item, (list, tuple))
                if is_pair and len(item) != 2:
                    raise TypeError(f"input {i} is a {type(item).__name__} of {len(item)} items, expected a pair")
            members = item if is_pair else (item,)
            for part in members:
                if not isinstance(part, sequence_type):
                    expected = "a list of str" if is_pretokenized else "str"
                    raise TypeError(f"input {i}: got {type(part).__name__}, expected {expected} "
                                    "(or a pair of them)")
            firsts.append(members[0])
            pairs.append(members[1] if is_pair else None)
        return firsts, pairs

    def _encode(self, firsts, pairs, is_pretokenized, add_special_tokens, what, force_batch_longest=False):
        n = len(firsts)
        if n == 1:
            seq_a, seq_b, n_sequences = _ONE_INPUT
        else:
            seq_a = np.arange(n, dtype=np.int64)
            seq_b = np.full(n, -1, dtype=np.int64)
            n_sequences = np.ones(n, dtype=np.int64)
        sequences = firsts
        if pairs is not None and any(p is not None for p in pairs):
            seq_b, n_sequences = seq_b.copy(), n_sequences.copy()
            has_pair = np.fromiter((p is not None for p in pairs), dtype=bool, count=n)
            sequences = list(firsts) + [p for p in pairs if p is not None]
            seq_b[has_pair] = np.arange(n, len(sequences))
            n_sequences[has_pair] = 2
        if is_pretokenized:
            words, group_sizes = [], []
            input_of_sequence = np.concatenate((seq_a, np.flatnonzero(seq_b >= 0)))
            for i, seq in enumerate(sequences):
                for j, word in enumerate(seq):
                    if not isinstance(word, str):
                        raise TypeError(f"{what} {input_of_sequence[i]}: word {j} is {type(word).__name__}, "
                                        "expected str (is_pretokenized=True)")
                words.extend(seq)
                group_sizes.append(len(seq))
            texts = words
        else:
            texts = sequences
        packed = pack_texts(texts, "word" if is_pretokenized else what)
        raw, unk_chars = self._encode_raw(packed)
        text_splits = raw[5]
        if is_pretokenized:
            raw = _group_words(raw, np.asarray(group_sizes, dtype=np.int64))
        columns, row_splits, overflow_splits, plan = self._post_process(raw, seq_a, seq_b, add_special_tokens,
                                                                        force_batch_longest)
        pad_token = self._padding.pad_token if self._padding is not None else "[PAD]"
        return BatchEncoding(columns, row_splits, overflow_splits, plan, n, raw[:5] + (text_splits,), texts,
                             self._compiled, n_sequences, pad_token, unk_chars)

    def _encode_raw(self, packed: PackedTexts):
        args = self._encode_args
        n_rows = packed.row_bytes.shape[0] - 1
        if dispatch.use_parallel(n_rows, int(packed.row_bytes[-1])):
            result = pipeline.encode_parallel(packed.buffer, packed.row_bytes, packed.row_chars,
                                              dispatch.chunk_rows(packed.row_bytes), *args)
        else:
            result = pipeline.encode_serial(packed.buffer, packed.row_bytes, packed.row_chars, *args)
        errors = result[6]
        if np.count_nonzero(errors):
            bad = int(np.flatnonzero(errors)[0])
            if errors[bad] == pipeline.ERROR_OUT_OF_MEMORY:
                raise MemoryError(f"text {bad}: no memory for the BPE buffers of one of its words")
            if isinstance(self._spec.model, Unigram):
                raise ValueError(f"text {bad}: Unigram error: Encountered an unknown token but `unk_id` is missing")
            unk = getattr(self._spec.model, "unk_token", None)
            raise ValueError(f"text {bad}: {type(self._spec.model).__name__} error: Missing {unk} token from the "
                             "vocabulary (a word needs it)")
        return result[:6], result[7]

    def _post_process(self, raw, seq_a, seq_b, add_special_tokens, force_batch_longest):
        key = (add_special_tokens, force_batch_longest, self._truncation, self._padding)
        args = self._post_args.get(key)
        if args is None:
            if len(self._post_args) >= 64:      # settings that change per call must not grow it forever
                self._post_args.clear()
            args = self._post_args[key] = self._post_process_args(add_special_tokens, force_batch_longest)
        n_tokens = int(raw[5][-1])
        run = post.post_process_parallel if dispatch.use_parallel(seq_a.shape[0], 4 * n_tokens) \
            else post.post_process_serial
        columns, row_splits, overflow_splits, errors, plan = run(raw, seq_a, seq_b, *args)
        if np.count_nonzero(errors):
            bad = int(np.flatnonzero(errors)[0])
            raise ValueError(f"input {bad}: {TRUNCATION_ERRORS[int(errors[bad])]}")
        return columns, row_splits, overflow_splits, plan

    def _post_process_args(self, add_special_tokens, force_batch_longest) -> tuple:
        """The post-processing kernel's arguments after the texts, for the current settings."""
        p = self._compiled.post
        t = self._truncation
        n_added_single = p.n_added_single if add_special_tokens else 0
        n_added_pair = p.n_added_pair if add_special_tokens else 0
        if t is None:
            truncation = (-1, 0, post.LONGEST_FIRST, False, n_added_single, n_added_pair)
        else:
            truncation = (t.max_length, t.stride, STRATEGY_CODES[t.strategy], t.direction == "Left",
                          n_added_single, n_added_pair)
        padding = self._padding
        if padding is not None:
            padding_args = (True, -1 if padding.length is None else padding.length, padding.pad_to_multiple_of or 0,
                            padding.direction == "Left", padding.pad_id, padding.pad_type_id)
        else:
            padding_args = (force_batch_longest, -1, 0, False, 0, 0)
        overflow_type = p.overflow_type if add_special_tokens else p.overflow_type_plain
        return (truncation, add_special_tokens, p.single, p.pair, (p.special_ids, p.special_splits),
                (p.main_type, overflow_type),
                (p.trim_offsets, p.trim_add_prefix_space, self._compiled.trim_lead, self._compiled.trim_trail),
                padding_args)

    # ----------------------------------------------------------------- Unigram extras
    def encode_nbest(self, text: str, n: int) -> list["Segmentation"]:
        """The ``n`` best segmentations of ``text`` by a Unigram model, best first (the first is what
        ``encode`` gives): model tokens only, without added or special tokens. Beyond HuggingFace."""
        _unsigned("n", n, 1 << 31)
        cp, src, starts, ends, args = self._unigram_input(text, "encode_nbest")
        count, scores, splits, ids, start, end, _ = unigram.unigram_nbest(cp, starts, ends, starts.shape[0], 0,
                                                                            args, n)
        self._check_unk(count)
        return [self._segmentation(cp, src, ids[a:b], start[a:b], end[a:b], float(score))
                for score, a, b in zip(scores.tolist(), splits[:-1].tolist(), splits[1:].tolist())]

    def sample(self, text: str, alpha: float = 1.0, seed: int = 0) -> "Segmentation":
        """One segmentation of ``text`` drawn with probability ∝ exp(alpha · its score), as
        SentencePiece's sampling (subword regularization); the same seed gives the same draw. Model
        tokens only; ``score`` is None. Beyond HuggingFace."""
        if not alpha > 0:
            raise ValueError(f"alpha must be > 0, got {alpha!r}")
        cp, src, starts, ends, args = self._unigram_input(text, "sample")
        size = cp.shape[0] * args[5] + 1
        out = [np.empty(size, np.int32) for _ in range(4)]
        state = np.array([_unsigned("seed", seed, 1 << 64)], np.uint64)
        count = unigram.unigram_sample(cp, starts, ends, starts.shape[0], 0, args, float(alpha), state, *out, 0)
        self._check_unk(count)
        return self._segmentation(cp, src, out[0][:count], out[1][:count], out[2][:count], None)

    def _unigram_input(self, text, what):
        """What the Unigram model sees of ``text``, and its arguments."""
        if not isinstance(self._spec.model, Unigram):
            raise TypeError(f"{what} needs a Unigram model, this tokenizer has {type(self._spec.model).__name__}")
        packed = pack_texts([text], "text")
        # the encode arguments start with (bounds, char tables, forms, normalizer, pre-tokenizer, regex)
        cp, src, starts, ends = pipeline.pre_tokenized(packed.buffer, *self._encode_args[:6])
        return cp, src, starts, ends, self._compiled.model[pipeline.BPE_ARGS_END:]

    def _check_unk(self, count):
        if count < 0:
            raise ValueError("Unigram error: Encountered an unknown token but `unk_id` is missing")

    def _segmentation(self, cp, src, ids, start, end, score) -> "Segmentation":
        unk_id = self._compiled.model[3]
        tokens, offsets = [], []
        for token_id, a, b in zip(ids.tolist(), start.tolist(), end.tolist()):
            tokens.append("".join(map(chr, cp[a:b])) if token_id == unk_id else self._compiled.model_tokens[token_id])
            first, last = int(src[a]), int(src[b - 1])
            offsets.append((max(first, 0), last + 1 if last >= 0 else 0))
        return Segmentation(ids.tolist(), tokens, offsets, score)

    # ----------------------------------------------------------------- decoding
    def decode(self, ids: Sequence[int], skip_special_tokens: bool = True) -> str:
        """Token ids back to text (unknown ids are dropped, as in HuggingFace)."""
        id_to_token = self._compiled.id_to_token
        special = self._compiled.added.special_contents
        tokens = []
        for token_id in ids:
            token = id_to_token[token_id] if _unsigned("id", int(token_id)) < len(id_to_token) else None
            if token is not None and not (skip_special_tokens and token in special):
                tokens.append(token)
        return self._decode_tokens(tokens)

    def decode_batch(self, sequences: Sequence[Sequence[int]], skip_special_tokens: bool = True) -> list[str]:
        return [self.decode(ids, skip_special_tokens) for ids in sequences]


def _group_words(raw, group_sizes: np.ndarray):
    """Pre-tokenized input: concatenate each sequence's word rows; word id = the word's index."""
    ids, start, end, word, added, word_splits = raw
    word_of_token = np.repeat(np.arange(word_splits.shape[0] - 1), np.diff(word_splits))
    group_first_word = np.concatenate(([0], np.cumsum(group_sizes)))
    group_of_word = np.repeat(np.arange(group_sizes.shape[0]), group_sizes)
    new_word = (word_of_token - group_first_word[group_of_word[word_of_token]]).astype(np.int32)
    return ids, start, end, new_word, added, word_splits[group_first_word]


class Segmentation(NamedTuple):
    """One segmentation from ``encode_nbest`` / ``sample``: model tokens with char offsets."""
    ids: list[int]
    tokens: list[str]
    offsets: list[tuple[int, int]]
    score: float | None          # the sum of the pieces' scores (unknown chars count the unk score)


class BatchArrays(NamedTuple):
    """Flat results of ``encode_batch_arrays``; the padded matrices are None without padding."""
    ids: np.ndarray              # int32, all rows concatenated
    row_splits: np.ndarray       # int64, row i is ids[row_splits[i]:row_splits[i+1]]
    offsets: np.ndarray | None   # int32[n_tokens, 2] char offsets, when asked for
    input_ids: np.ndarray | None
    attention_mask: np.ndarray | None
    token_type_ids: np.ndarray | None

    @classmethod
    def from_batch(cls, batch: BatchEncoding, padded: bool, return_offsets: bool) -> "BatchArrays":
        n = batch.n_inputs
        splits = batch.row_splits[: n + 1]
        total = int(splits[-1])
        offsets = np.stack((batch.start[:total], batch.end[:total]), axis=1) if return_offsets else None
        matrices = (None, None, None)
        if padded and n:
            width = int(np.max(np.diff(splits)))
            if total == n * width:
                shape = (n, width)
                matrices = (batch.ids[:total].reshape(shape).astype(np.int64),
                            ((batch.flags[:total] & post.PAD) == 0).reshape(shape).astype(np.int64),
                            batch.type_ids[:total].reshape(shape).astype(np.int64))
        return cls(batch.ids[:total], splits, offsets, *matrices)
