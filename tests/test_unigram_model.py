"""The Unigram model kernels against HuggingFace's Unigram model alone (no normalizer or
pre-tokenizer: each word is what the model sees) — ids, token strings and char offsets — plus the
n-best and sampling kernels against brute-force enumeration of small lattices."""
from __future__ import annotations

import itertools
import json
import math
import os
from collections import Counter
from functools import cache

import numpy as np
import pytest
import tokenizers
from hypothesis import given, settings
from hypothesis import strategies as st
from shared_data import corpus_files, corpus_lines, tokenizer_json

from budtiktok.errors import TokenizerConfigError
from budtiktok.kernels.unigram import MISSING_UNK, SCRATCH_CHARS, unigram_nbest, unigram_pieces, unigram_sample
from budtiktok.tables.unigram import unigram_model_args

MAX_EXAMPLES = int(os.environ.get("BUDTIKTOK_MAX_EXAMPLES", "60"))
REAL = ["t5-small", "marian-nmt-ortx"]
TRAINING_CORPORA = ["en_webtext_lines.txt", "ud_de_gsd_sentences_lines.txt", "ud_ru_gsd_sentences_lines.txt",
                    "ud_ar_pud_sentences_lines.txt", "ud_hi_pud_sentences_lines.txt", "ud_ko_gsd_sentences_lines.txt"]


def code_points(words: list[str]):
    """(cp, piece_start, piece_end) of the words laid end to end."""
    cps = [np.frombuffer(w.encode("utf-32-le"), np.int32) for w in words]
    lengths = np.array([len(c) for c in cps], np.int64)
    ends = np.cumsum(lengths)
    cp = np.concatenate(cps) if cps else np.zeros(0, np.int32)
    return cp, ends - lengths, ends


def token_string(vocab, unk_id, word: str, token: int, start: int, end: int) -> str:
    """HuggingFace's token string: the text for the unk id, else the piece."""
    return word[start:end] if token == unk_id else vocab[token][0]


def ours(vocab, unk_id, byte_fallback, words: list[str], args=None):
    """Per word: [(id, token, start, end)] relative to the word, or None when encoding fails."""
    args = args or unigram_model_args(vocab, unk_id, byte_fallback)
    cp, starts, ends = code_points(words)
    count, ids, start, end, word = unigram_pieces(cp, starts, ends, args)
    if count < 0:
        return None
    out = [[] for _ in words]
    for token, a, b, w in zip(ids.tolist(), start.tolist(), end.tolist(), word.tolist()):
        a, b = a - int(starts[w]), b - int(starts[w])
        out[w].append((token, token_string(vocab, unk_id, words[w], token, a, b), a, b))
    return out


def hf(vocab, unk_id, byte_fallback, words: list[str]):
    """The same from HuggingFace (None when it raises)."""
    tokenizer = hf_tokenizer(tuple(vocab), unk_id, byte_fallback)
    try:
        encodings = tokenizer.encode_batch(words)
    except Exception:  # noqa: BLE001 (HF raises a plain Exception for a missing unk id)
        return None
    return [[(i, t, a, b) for i, t, (a, b) in zip(e.ids, e.tokens, e.offsets)] for e in encodings]


@cache
def hf_tokenizer(vocab: tuple, unk_id, byte_fallback) -> tokenizers.Tokenizer:
    return tokenizers.Tokenizer(tokenizers.models.Unigram(list(vocab), unk_id, byte_fallback))


def assert_same(vocab, unk_id, byte_fallback, words, args=None):
    """Our tokens of every word (repeats included, so the word cache is used) equal HuggingFace's
    for that word."""
    distinct = list(dict.fromkeys(words))
    theirs = hf(vocab, unk_id, byte_fallback, distinct)
    mine = ours(vocab, unk_id, byte_fallback, words, args)
    if mine is None or theirs is None:
        assert mine is None and theirs is None, f"ours {mine is None}, HF {theirs is None}"
        return
    expected = dict(zip(distinct, theirs))
    for word, got in zip(words, mine):
        assert got == expected[word], f"{word!r}:\n  ours {got}\n  HF   {expected[word]}"


@cache
def real_model(name: str):
    model = json.loads(tokenizer_json(name))["model"]
    return [tuple(entry) for entry in model["vocab"]], model["unk_id"]


@cache
def real_args(name: str) -> tuple:
    vocab, unk_id = real_model(name)
    return unigram_model_args(vocab, unk_id, False)


@cache
def corpus_words(chars_per_corpus: int = 8000) -> tuple[list[str], list[str]]:
    """Metaspace-style words (with repeats, so the word cache is hit) and whole lines as pieces,
    from the first lines (about ``chars_per_corpus`` chars) of every corpus."""
    words, lines = [], []
    for name in corpus_files():
        taken = 0
        for line in corpus_lines(name, 400):
            if taken > chars_per_corpus:
                break
            taken += len(line)
            words.extend("▁" + w for w in line.split())
            lines.append("▁" + line.replace(" ", "▁"))
    return words, lines


@pytest.mark.parametrize("byte_fallback", [False, True])
@pytest.mark.parametrize("name", REAL)
def test_real_vocabularies_on_corpus_words(name, byte_fallback):
    vocab, unk_id = real_model(name)
    words, lines = corpus_words()
    args = unigram_model_args(vocab, unk_id, byte_fallback)
    assert_same(vocab, unk_id, byte_fallback, words, args)
    long_lines = ["▁".join(lines[i:i + 8]) for i in range(0, 200, 8)]
    assert max(map(len, long_lines)) > SCRATCH_CHARS
    assert_same(vocab, unk_id, byte_fallback, lines + long_lines, args)


@cache
def trained(byte_fallback: bool):
    """A Unigram model trained by HuggingFace on a few languages (Korean, Hindi and Arabic seen
    little, so other corpora have unknown chars)."""
    lines = [line for name in TRAINING_CORPORA for line in corpus_lines(name, 120)]
    tokenizer = tokenizers.Tokenizer(tokenizers.models.Unigram())
    tokenizer.pre_tokenizer = tokenizers.pre_tokenizers.Metaspace()
    specials = ["<unk>"] + ([f"<0x{b:02X}>" for b in range(256)] if byte_fallback else [])
    trainer = tokenizers.trainers.UnigramTrainer(vocab_size=2000, special_tokens=specials, unk_token="<unk>",
                                                 show_progress=False)
    tokenizer.train_from_iterator(lines, trainer)
    model = json.loads(tokenizer.to_str())["model"]
    return [tuple(entry) for entry in model["vocab"]], model["unk_id"]


@pytest.mark.parametrize("byte_fallback", [False, True])
def test_trained_models(byte_fallback):
    vocab, unk_id = trained(byte_fallback)
    words, lines = corpus_words(3000)
    assert_same(vocab, unk_id, byte_fallback, words + lines)
    assert_same(vocab, None, byte_fallback, words[:3000])


HAND = [("<unk>", 0.0), ("a", -1.0), ("b", -1.0), ("ab", -2.0), ("c", -1.0), ("bc", -2.0), ("<0x43>", -5.0),
        ("<0x44>", -5.0), ("xy", -3.0)]


@pytest.mark.parametrize(("vocab", "unk_id", "byte_fallback", "word", "expected"), [
    ([("a", -1.0), ("b", -1.0), ("ab", -2.0)], None, False, "ab", [(2, "ab", 0, 2)]),        # tie: longer last
    (HAND, 0, False, "abc", [(1, "a", 0, 1), (5, "bc", 1, 3)]),
    (HAND, 0, False, "abxzab", [(3, "ab", 0, 2), (0, "xz", 2, 4), (3, "ab", 4, 6)]),       # unk fused, raw text
    (HAND, 0, True, "aCDa", [(1, "a", 0, 1), (6, "<0x43>", 1, 3), (7, "<0x44>", 1, 3), (1, "a", 3, 4)]),
    (HAND, 0, True, "Cx", [(0, "Cx", 0, 2)]),                                                # not every byte
    (HAND, 0, False, "z<unk>a", [(0, "z<unk>", 0, 6), (1, "a", 6, 7)]),                      # unk piece fuses
    (HAND, 0, False, "<unk>", [(0, "<unk>", 0, 5)]),
    ([("<unk>", 30.0), ("xy", 25.0)], 0, False, "xy", [(1, "xy", 0, 2)]),      # fused unks spell a piece
    ([("a", 50.0), ("ab", -100.0)], None, False, "ab", None),                  # the unk candidate wins: error
    ([("a", -1.0), ("a", -3.0), ("", -9.0), ("b", -2.0)], None, False, "ab", [(1, "a", 0, 1), (3, "b", 1, 2)]),
])
def test_hand_vocabularies(vocab, unk_id, byte_fallback, word, expected):
    got = ours(vocab, unk_id, byte_fallback, [word])
    assert (got[0] if got else None) == expected
    assert_same(vocab, unk_id, byte_fallback, [word])


def test_four_tokens_per_char_with_byte_fallback():
    vocab = [("<unk>", 0.0)] + [(f"<0x{b:02X}>", -1.0) for b in range(256)]
    args = unigram_model_args(vocab, 0, True)
    assert args[5] == 4
    got = ours(vocab, 0, True, ["😀😀"], args)[0]
    assert len(got) == 8 and all((a, b) == (0, 2) for _, _, a, b in got)
    assert_same(vocab, 0, True, ["😀😀", "a😀é"])


def test_bad_unk_id():
    with pytest.raises(TokenizerConfigError):
        unigram_model_args([("a", 0.0)], 1, False)


ALPHABET = "abcé▁😀"


@st.composite
def vocab_and_words(draw):
    pieces = draw(st.lists(st.text(ALPHABET, min_size=1, max_size=4), min_size=1, max_size=25))
    scores = draw(st.lists(st.sampled_from([-1.0, -2.0, -2.5, -3.0, -0.5, -7.25]), min_size=len(pieces),
                           max_size=len(pieces)))
    vocab = [("<unk>", 0.0)] + list(zip(pieces, scores))
    if draw(st.booleans()):
        vocab += [(f"<0x{b:02X}>", -4.0) for b in draw(st.lists(st.integers(0, 255), max_size=40))]
    unk_id = draw(st.sampled_from([0, None]))
    words = draw(st.lists(st.text(ALPHABET + "xCD\u0301", max_size=12), min_size=1, max_size=6))
    return vocab, unk_id, draw(st.booleans()), words


@settings(max_examples=MAX_EXAMPLES * 3, deadline=None)
@given(vocab_and_words())
def test_random_vocabularies(case):
    assert_same(*case)


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(st.lists(st.text(max_size=30), min_size=1, max_size=5))
def test_arbitrary_unicode_on_t5(words):
    vocab, unk_id = real_model("t5-small")
    assert_same(vocab, unk_id, False, words, real_args("t5-small"))


# --- n-best and sampling -------------------------------------------------------------------------

SMALL = [("<unk>", 0.0), ("a", -1.0), ("b", -1.5), ("ab", -2.0), ("c", -1.2), ("bc", -2.2), ("abc", -4.0),
         ("ca", -1.9), ("<0x78>", -3.0)]


def segmentations(vocab, unk_id, word: str):
    """Every lattice path of ``word`` as (score, ((start, end, id), ...)), HuggingFace's lattice."""
    ids = {piece: i for i, (piece, _) in enumerate(vocab)}
    unk_score = min(score for _, score in vocab) - 10

    def paths(i):
        if i == len(word):
            yield 0.0, ()
            return
        for j in range(i + 1, len(word) + 1):
            if word[i:j] in ids:
                for score, rest in paths(j):
                    yield vocab[ids[word[i:j]]][1] + score, ((i, j, ids[word[i:j]]),) + rest
        if word[i] not in ids and unk_id is not None:
            for score, rest in paths(i + 1):
                yield unk_score + score, ((i, i + 1, unk_id),) + rest

    return list(paths(0))


def emitted(vocab, unk_id, word: str, path) -> list[tuple[int, int, int]]:
    """HuggingFace's tokens for a lattice path (fused unks, byte fallback) as (id, start, end)."""
    ids = {piece: i for i, (piece, _) in enumerate(vocab)}
    out, run = [], None
    for start, end, token in list(path) + [(len(word), len(word), None)]:
        if token == unk_id:
            run = (run[0] if run else start, end)
            continue
        if run:
            text = word[run[0]:run[1]]
            byte_ids = [ids.get(f"<0x{b:02X}>") for b in text.encode()]
            if text in ids:
                out.append((ids[text], *run))
            elif all(b is not None for b in byte_ids):
                out.extend((b, *run) for b in byte_ids)
            else:
                out.append((unk_id, *run))
            run = None
        if token is not None:
            out.append((token, start, end))
    return out


def nbest(vocab, unk_id, words, n):
    args = unigram_model_args(vocab, unk_id, True)
    cp, starts, ends = code_points(words)
    count, scores, splits, ids, start, end, word = unigram_nbest(cp, starts, ends, len(words), 0, args, n)
    results = [[(int(i), int(a), int(b), int(w)) for i, a, b, w in
                zip(ids[splits[r]:splits[r + 1]], start[splits[r]:splits[r + 1]], end[splits[r]:splits[r + 1]],
                    word[splits[r]:splits[r + 1]])] for r in range(max(count, 0))]
    return count, scores.tolist(), results, args, (cp, starts, ends)


@pytest.mark.parametrize("words", [["abcabc"], ["abxca", "cab"], ["x"], [""], ["bcab", "", "ax"]])
def test_nbest_equals_brute_force(words):
    per_word = [segmentations(SMALL, 0, w) for w in words]
    expected = []
    for combo in itertools.product(*per_word):
        tokens = [(i, a + int(sum(map(len, words[:k]))), b + int(sum(map(len, words[:k]))), k)
                  for k, (_, path) in enumerate(combo) for i, a, b in emitted(SMALL, 0, words[k], path)]
        expected.append((sum(score for score, _ in combo), tokens))
    count, scores, results, args, (cp, starts, ends) = nbest(SMALL, 0, words, len(expected) + 5)
    assert count == len(expected)
    viterbi = unigram_pieces(cp, starts, ends, args)
    assert results[0] == [tuple(map(int, t)) for t in zip(viterbi[1], viterbi[2], viterbi[3], viterbi[4])]
    assert all(b <= a + 1e-12 for a, b in itertools.pairwise(scores))
    assert sorted(zip(np.round(scores, 9), map(tuple, results))) == sorted(
        (round(s, 9), tuple(t)) for s, t in expected)


def test_nbest_is_exact_when_the_agenda_is_cut():
    """Thousands of tied paths: the agenda outgrows its bound, the n best scores stay exact."""
    vocab = [("<unk>", 0.0), ("a", -1.0), ("aa", -2.0), ("aaa", -3.5), ("b", -0.5), ("ab", -1.25)]
    word = "aab" * 40
    n = 200
    count, scores, results, _, _ = nbest(vocab, 0, [word], n)
    # k-best dynamic programme over prefixes
    ids = {piece: i for i, (piece, _) in enumerate(vocab)}
    best = [[0.0]] + [[] for _ in word]
    for end in range(1, len(word) + 1):
        candidates = [s + vocab[ids[word[i:end]]][1] for i in range(max(0, end - 3), end) if word[i:end] in ids
                      for s in best[i]]
        best[end] = sorted(candidates, reverse=True)[:n]
    assert count == n
    np.testing.assert_allclose(scores, best[-1], rtol=0, atol=1e-9)
    for tokens in results:
        assert [a for _, a, _, _ in tokens[1:]] == [b for _, _, b, _ in tokens[:-1]]
        assert tokens[0][1] == 0 and tokens[-1][2] == len(word)


@settings(max_examples=MAX_EXAMPLES, deadline=None)
@given(vocab_and_words(), st.integers(1, 12))
def test_nbest_properties(case, n):
    vocab, unk_id, _, words = case
    count, scores, results, args, (cp, starts, ends) = nbest(vocab, unk_id, words, n)
    viterbi = unigram_pieces(cp, starts, ends, args)
    if viterbi[0] < 0:
        assert count == MISSING_UNK
        return
    assert 1 <= count <= n
    assert results[0] == [tuple(map(int, t)) for t in zip(viterbi[1], viterbi[2], viterbi[3], viterbi[4])]
    assert all(b <= a + 1e-9 for a, b in itertools.pairwise(scores))
    for tokens in results:
        for k, word in enumerate(words):
            spans = sorted({(a, b) for _, a, b, w in tokens if w == k})
            assert "".join(cp[a:b].tobytes().decode("utf-32-le") for a, b in spans) == word


def sample_counts(vocab, word, alpha, draws, seed):
    args = unigram_model_args(vocab, 0, True)
    cp, starts, ends = code_points([word])
    state = np.array([seed], np.uint64)
    size = len(word) * 4 + 1
    out = [np.empty(size, np.int32) for _ in range(4)]
    counts = Counter()
    for _ in range(draws):
        m = unigram_sample(cp, starts, ends, 1, 0, args, alpha, state, *out, 0)
        counts[tuple(zip(out[0][:m].tolist(), out[1][:m].tolist(), out[2][:m].tolist()))] += 1
    return counts


def chi_square_limit(df: int) -> float:
    """The 99.9 % quantile of chi-squared with ``df`` degrees of freedom (Wilson-Hilferty)."""
    z = 3.090232
    return df * (1 - 2 / (9 * df) + z * math.sqrt(2 / (9 * df))) ** 3


@pytest.mark.parametrize(("word", "alpha", "seed"), [("abcab", 1.0, 1), ("abcxab", 0.5, 7), ("cabca", 0.2, 11)])
def test_sampling_matches_lattice_probabilities(word, alpha, seed):
    draws = 20000
    counts = sample_counts(SMALL, word, alpha, draws, seed)
    paths = segmentations(SMALL, 0, word)
    weights = Counter()
    for score, path in paths:
        weights[tuple(emitted(SMALL, 0, word, path))] += math.exp(alpha * score)
    total = sum(weights.values())
    assert set(counts) <= set(weights)
    bins = [(counts[key], draws * w / total) for key, w in weights.items()]
    rare = [b for b in bins if b[1] < 5]            # pooled, so the statistic stays chi-squared
    bins = [b for b in bins if b[1] >= 5] + [(sum(o for o, _ in rare), sum(e for _, e in rare))] * bool(rare)
    chi2 = sum((observed - expected) ** 2 / expected for observed, expected in bins)
    assert len(bins) > 3 and chi2 < chi_square_limit(len(bins) - 1)


def test_sampling_is_deterministic_per_seed():
    first = sample_counts(SMALL, "abcabcab", 1.0, 50, 3)
    assert first == sample_counts(SMALL, "abcabcab", 1.0, 50, 3)
    assert first != sample_counts(SMALL, "abcabcab", 1.0, 50, 4)


def test_sampling_without_a_path_fails():
    args = unigram_model_args([("a", -1.0)], None, False)
    cp, starts, ends = code_points(["ab"])
    out = [np.empty(9, np.int32) for _ in range(4)]
    assert unigram_sample(cp, starts, ends, 1, 0, args, 1.0, np.array([1], np.uint64), *out, 0) == MISSING_UNK
