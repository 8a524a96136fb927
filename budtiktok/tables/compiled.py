"""Compiling a tokenizer spec into flat, read-only NumPy tables (cached on disk).

``compile_tokenizer(spec, source_hash)`` returns a ``CompiledTokenizer``: every array and scalar
the kernels need, grouped in the tuples the kernels take, plus the Python-side vocabularies.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import unicodedata2

from ..cache import cached_arrays
from ..kernels.normalizers import run_normalizer
from ..kernels.unicode_normalization import normalization_table_args
from ..spec import models as model_specs
from . import char_classes, unicode_normalization
from .added_tokens import AddedVocabulary, build_added_vocabulary, match_tables
from .bpe import bpe_max_tokens_per_char, bpe_model_args_from, bpe_table_arrays
from .darts import DoubleArray
from .normalizers import NormalizerProgram, compile_normalizer
from .patterns import PatternRegistry
from .post_processors import PostProcessorTables, compile_post_processor
from .pre_tokenizers import PreTokenizerProgram, ascii_bert_mode, compile_pre_tokenizer
from .regex import character_categories, compile_regex_bank, regex_engine
from .unigram import cached_unigram_model_args
from .wordpiece import check_supported, model_arrays, model_vocab, vocab_trie


PERSIST_MIN_VOCAB = 1000


@lru_cache(maxsize=1)
def unicode_tables() -> tuple[char_classes.CharTables, unicode_normalization.NormalizationTables, np.ndarray]:
    """The shared character tables (classes, normalization forms, the regex categories), cached on
    disk per budtiktok and unicodedata2 version."""
    def build():
        chars = char_classes.build_char_tables()._asdict()
        forms = unicode_normalization.build_normalization_tables()._asdict()
        return {**{f"char.{k}": v for k, v in chars.items()}, **{f"form.{k}": v for k, v in forms.items()},
                "regex.categories": character_categories()}

    arrays = cached_arrays(f"unicode-{unicodedata2.unidata_version}", build)
    chars = char_classes.CharTables(**{k[5:]: v for k, v in arrays.items() if k.startswith("char.")})
    forms = unicode_normalization.NormalizationTables(**{k[5:]: v for k, v in arrays.items() if k.startswith("form.")})
    return chars, forms, arrays["regex.categories"]


@dataclass(frozen=True, eq=False)
class CompiledTokenizer:
    """Everything the kernels read, in the argument groups they take."""
    char_tables: tuple
    form_tables: tuple
    normalizer: NormalizerProgram
    pre_tokenizer: PreTokenizerProgram
    regex: tuple                 # (categories, pattern index → bank entry, *bank) for Split/Replace/ByteLevel
    ascii_mode: int              # the fused ASCII fast path's mode, 0 when it does not apply
    model: tuple
    bounds: tuple                # per input char: (normalized chars, pre-tokenized chars, tokens)
    regex_engines: tuple         # (JSON path, pattern, matcher) of every Split/Replace/ByteLevel pattern
    added: AddedVocabulary
    post: PostProcessorTables
    vocab: dict                  # model vocabulary
    id_to_token: list            # token string per id, added tokens' own (None for unused ids)
    model_tokens: list           # the model vocabulary's string per id (what model tokens show)
    trim_lead: np.ndarray        # per id: leading whitespace/'Ġ' chars of the model's string (offset trimming)
    trim_trail: np.ndarray

    def normalize(self, text: str) -> str:
        """Run the normalizer on ``text`` (used for added tokens marked ``normalized``)."""
        return normalize_text(self.normalizer, self.char_tables, self.form_tables, self.regex, text)


def normalize_text(program: NormalizerProgram, char_tables, form_tables, regex, text: str) -> str:
    n = len(text)
    size = n * program.expansion + 8
    cp = np.zeros(size, np.int32)
    cp[:n] = np.frombuffer(text.encode("utf-32-le"), dtype=np.int32)
    src = np.arange(size, dtype=np.int32)
    out, _, length = run_normalizer(cp, src, n, np.zeros(size, np.int32), np.zeros(size, np.int32),
                                    program.program, program.chars, program.precompiled, char_tables, form_tables, regex,
                                    np.zeros(size + 1, np.int64), np.zeros(size + 1, np.int64))
    return "".join(map(chr, out[:length]))


def _trim_counts(id_to_token: list, flags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per token string: how many leading / trailing chars are whitespace or 'Ġ'."""
    def run_length(chars) -> int:
        count = 0
        for ch in chars:
            if ch != "Ġ" and not flags[ord(ch)] & char_classes.WHITESPACE:
                break
            count += 1
        return count

    lead = np.zeros(len(id_to_token), np.int32)
    trail = np.zeros(len(id_to_token), np.int32)
    for i, token in enumerate(id_to_token):
        if token:
            lead[i] = run_length(token)
            trail[i] = run_length(reversed(token))
    return lead, trail


def compile_tokenizer(spec, source_hash: str) -> CompiledTokenizer:
    """Compile ``spec``; the vocabulary tables are cached on disk under ``source_hash``."""
    check_supported(spec.model)
    chars, forms, categories = unicode_tables()
    char_tables = tuple(chars)
    form_tables = normalization_table_args(forms)
    max_lowercase = int(np.max(np.diff(chars.lower_starts), initial=1))
    patterns = PatternRegistry()
    normalizer = compile_normalizer(spec.normalizer, forms.max_expansion, max_lowercase, patterns)
    pre_tokenizer = compile_pre_tokenizer(spec.pre_tokenizer, patterns)
    bank, entries = compile_regex_bank(patterns.patterns, patterns.paths)
    regex = (categories, np.asarray(entries, dtype=np.int64), *bank)
    post = compile_post_processor(spec.post_processor)
    is_bpe = isinstance(spec.model, model_specs.BPE)
    vocab = model_vocab(spec.model)

    def build_tables():
        arrays = {"vocab.cells": vocab_trie(vocab).cells}
        def normalize(text):
            return normalize_text(normalizer, char_tables, form_tables, regex, text)

        added_tables = match_tables(spec.added_tokens, vocab, normalize)
        arrays.update({f"added.{name}": array for name, array in added_tables.items()})
        if is_bpe:
            arrays.update({f"bpe.{name}": array for name, array in bpe_table_arrays(spec.model).items()})
        return arrays

    # Small vocabularies build in milliseconds: caching them would only litter the cache folder.
    tables = cached_arrays(f"tokenizer-{source_hash}", build_tables,
                           persist=len(vocab) >= PERSIST_MIN_VOCAB)
    vocab_cells = tables["vocab.cells"]
    bpe = bpe_model_args_from(spec.model, {k[4:]: v for k, v in tables.items() if k.startswith("bpe.")},
                              vocab_cells) if is_bpe else None
    unigram = cached_unigram_model_args(spec.model, f"unigram-{source_hash}", len(vocab) >= PERSIST_MIN_VOCAB) \
        if isinstance(spec.model, model_specs.Unigram) else None
    model = model_arrays(spec.model, DoubleArray(vocab_cells), bpe, unigram)
    added = build_added_vocabulary(spec.added_tokens, vocab,
                                   {k[6:]: v for k, v in tables.items() if k.startswith("added.")})

    size = max([*vocab.values(), *added.ids, -1]) + 1
    model_tokens: list = [None] * size
    for token, token_id in vocab.items():
        model_tokens[token_id] = token
    id_to_token = list(model_tokens)
    for token_id, string in added.id_to_string.items():
        id_to_token[token_id] = string
    if post.trim_offsets:
        trim_lead, trim_trail = _trim_counts(model_tokens, chars.flags)
    else:
        trim_lead = trim_trail = np.zeros(size, np.int32)
    # <0xXX> tokens per UTF-8 byte (BPE, Unigram byte fallback)
    tokens_per_char = bpe_max_tokens_per_char(spec.model) if is_bpe else max(1, model[-1])
    text_expansion = normalizer.expansion * pre_tokenizer.expansion
    bounds = (normalizer.expansion, text_expansion, text_expansion * tokens_per_char)
    engines = tuple((path, text, regex_engine(kind, text))
                    for (kind, text), path in zip(patterns.patterns, patterns.paths))
    return CompiledTokenizer(char_tables, form_tables, normalizer, pre_tokenizer, regex,
                             ascii_bert_mode(normalizer.program, pre_tokenizer.program), model, bounds, engines,
                             added, post,
                             vocab, id_to_token, model_tokens, trim_lead, trim_trail)
