"""``Tokenizer.encode_nbest`` and ``Tokenizer.sample`` on a real Unigram tokenizer (the lattice
algorithms themselves are checked in ``test_unigram_model``)."""
from __future__ import annotations

import pytest

import budtiktok
from shared_data import corpus_lines, tokenizer_json

TEXTS = ["Hello world, tokenization is fun {x}", "ＡＢＣ ½ déjà-vu 東京", "", "   "]


@pytest.fixture(scope="module")
def t5():
    return budtiktok.Tokenizer.from_str(tokenizer_json("t5-small"))


@pytest.mark.parametrize("text", TEXTS + list(corpus_lines("multi_udhr2_lines.txt", 20)))
def test_nbest_starts_with_encode_and_is_ordered(t5, text):
    best = t5.encode(text, add_special_tokens=False)
    results = t5.encode_nbest(text, 5)
    assert len(results) >= 1
    first = results[0]
    assert (first.ids, first.tokens, first.offsets) == (best.ids, best.tokens, best.offsets)
    scores = [r.score for r in results]
    assert scores == sorted(scores, reverse=True)
    assert len({tuple(r.ids) for r in results}) == len(results)
    # every segmentation spells the same model input
    assert len({"".join(r.tokens) for r in results}) == 1


def test_sample_is_seeded_and_varies(t5):
    text = TEXTS[0]
    draws = [t5.sample(text, alpha=0.3, seed=seed) for seed in range(50)]
    assert draws == [t5.sample(text, alpha=0.3, seed=seed) for seed in range(50)]
    assert len({tuple(d.ids) for d in draws}) > 1
    spelled = "".join(t5.encode_nbest(text, 1)[0].tokens)
    assert all("".join(d.tokens) == spelled for d in draws)


def test_extras_need_a_unigram_model():
    bert = budtiktok.Tokenizer.from_str(tokenizer_json("bert-base-uncased"))
    with pytest.raises(TypeError, match="needs a Unigram model"):
        bert.encode_nbest("a", 2)
    with pytest.raises(TypeError, match="needs a Unigram model"):
        bert.sample("a")


def test_bad_arguments(t5):
    with pytest.raises(ValueError, match="alpha"):
        t5.sample("a", alpha=0.0)
    with pytest.raises(TypeError):
        t5.encode_nbest(3, 2)
