"""Several Python threads encoding on one shared ``Tokenizer`` at once (the kernels release the
GIL) get exactly what sequential calls get, and what HuggingFace gets.

Data location: ``$BUDTIKTOK_TEST_DATA`` or the ``shared`` folder beside the repository; missing
data skips the shared-file tests locally and fails them under ``CI=true``.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from tokenizers import Tokenizer as HFTokenizer

import budtiktok
from shared_data import tokenizer_json as shared_json

N_THREADS = 6
ROUNDS = 3
TIMEOUT_S = 300

BASE_TEXTS = [
    "Hello, world! How are you today?", "", "İstanbul'da ΑΣ straße", "[CLS] hi[MASK]there <mask>",
    "你好，世界。", "a" * 120, "don't stop 1½ $100", "مرحبا بالعالم שלום", "e\u0301 \u00a0x\u200by", "😀👍🏽",
    "The quick brown fox jumps over the lazy dog. " * 8,
]


def workloads():
    """Per-thread batches: small ones (single-threaded kernels) and big ones (>= 8192 chars,
    the prange kernels), each different so a mix-up between threads shows."""
    jobs = []
    for t in range(N_THREADS):
        small = [f"{text} #{t}" for text in BASE_TEXTS]
        big = [f"{text} thread {t} row {i}" for i in range(12) for text in BASE_TEXTS]
        pairs = [(a, b) for a, b in zip(small, reversed(small))]
        jobs.append((small, big, pairs))
    return jobs


def snapshot(encodings):
    return [(e.ids, e.type_ids, e.tokens, e.offsets, e.attention_mask, e.special_tokens_mask, e.word_ids,
             e.sequence_ids, [o.ids for o in e.overflowing]) for e in encodings]


def arrays_snapshot(arrays):
    return tuple(None if a is None else a.tolist() for a in arrays)


def run_job(tok, job):
    small, big, pairs = job
    return (snapshot(tok.encode_batch(small)), snapshot(tok.encode_batch(big)), snapshot(tok.encode_batch(pairs)),
            arrays_snapshot(tok.encode_batch_arrays(big, return_offsets=True)),
            arrays_snapshot(tok.encode_batch_arrays(small)),
            snapshot([tok.encode(small[0], small[1])]))


def run_concurrently(function, jobs):
    """``function(job)`` for every job on its own thread, all started together; results in order."""
    barrier = threading.Barrier(len(jobs))

    def start(job):
        barrier.wait(timeout=TIMEOUT_S)
        return function(job)

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = [pool.submit(start, job) for job in jobs]
        return [future.result(timeout=TIMEOUT_S) for future in futures]


@pytest.mark.parametrize("name, truncation, padding", [
    ("bert-base-uncased", None, None),
    ("all-MiniLM-L6-v2-padded", "stored", "stored"),
    ("all-mpnet-base-v2", {"max_length": 16, "stride": 4}, {"pad_to_multiple_of": 8, "direction": "left"}),
])
def test_concurrent_encode_matches_sequential(name, truncation, padding):
    text = shared_json(name)
    tok = budtiktok.Tokenizer.from_str(text)
    hf = HFTokenizer.from_str(text)
    for t in (tok, hf):
        if truncation != "stored":
            t.no_truncation()
            if truncation:
                t.enable_truncation(**truncation)
        if padding != "stored":
            t.no_padding()
            if padding:
                t.enable_padding(**padding)
    jobs = workloads()
    sequential = [run_job(tok, job) for job in jobs]
    for _ in range(ROUNDS):
        concurrent = run_concurrently(lambda job: run_job(tok, job), jobs)
        for i, (got, want) in enumerate(zip(concurrent, sequential)):
            assert got == want, f"thread {i} differs from the sequential run"
    # and the sequential results are HF's
    for job, result in zip(jobs[:2], sequential):
        small, big, pairs = job
        assert result[0] == snapshot(hf.encode_batch(small))
        assert result[1] == snapshot(hf.encode_batch(big))
        assert result[2] == snapshot(hf.encode_batch(pairs))


def test_concurrent_different_tokenizers():
    """Threads on different tokenizers (different tables) at once."""
    names = ["bert-base-uncased", "bert-base-cased", "bert-base-multilingual-cased", "all-mpnet-base-v2"]
    tokenizers = [budtiktok.Tokenizer.from_str(shared_json(n)) for n in names]
    jobs = workloads()[: len(names)]
    sequential = [run_job(tok, job) for tok, job in zip(tokenizers, jobs)]
    concurrent = run_concurrently(lambda pair: run_job(*pair), list(zip(tokenizers, jobs)))
    assert concurrent == sequential


@pytest.mark.parametrize("call", ["encode", "encode_batch_arrays"])
def test_kernels_release_the_gil(call):
    """While one thread is inside a long kernel call, another Python thread keeps running: the
    longest pause of a ticking thread stays far below the call's duration (a kernel holding the
    GIL would freeze it for the whole call)."""
    tok = budtiktok.Tokenizer.from_str(shared_json("bert-base-uncased"))
    text = "Héllo, wörld! İstanbul 你好 don't " * 120_000
    encode = (lambda: tok.encode(text).ids[:1]) if call == "encode" else (lambda: tok.encode_batch_arrays([text]))
    encode()  # compile / warm outside the measurement
    stamps = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            stamps.append(time.perf_counter())
            time.sleep(0.0005)

    watcher = threading.Thread(target=ticker)
    watcher.start()
    try:
        time.sleep(0.05)
        start = time.perf_counter()
        encode()
        end = time.perf_counter()
        time.sleep(0.05)
    finally:
        stop.set()
        watcher.join(timeout=TIMEOUT_S)
    duration = end - start
    gaps = [b - a for a, b in zip(stamps, stamps[1:]) if b > start and a < end]
    assert sum(start <= s <= end for s in stamps) >= 5, f"ticker stalled during a {duration:.3f}s call"
    assert max(gaps) < 0.5 * duration, f"ticker paused {max(gaps):.3f}s during a {duration:.3f}s call"


def test_concurrent_decode_and_vocab():
    tok = budtiktok.Tokenizer.from_str(shared_json("bert-base-uncased"))
    ids = [tok.encode(t).ids for t in BASE_TEXTS] * 20
    expected = tok.decode_batch(ids)
    results = run_concurrently(lambda _: (tok.decode_batch(ids), tok.get_vocab_size(), tok.token_to_id("hello")),
                               range(N_THREADS))
    assert all(r == (expected, tok.get_vocab_size(), tok.token_to_id("hello")) for r in results)
    assert np.all([r[0] == expected for r in results])
