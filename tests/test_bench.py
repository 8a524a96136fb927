"""Smoke tests of ``budtiktok.bench`` on a tiny workload: it runs and reports; speed is never asserted."""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from shared_data import CORPORA_DIR, DATA_DIR, TOKENIZERS_DIR, require

from budtiktok import bench

REPO_ROOT = Path(__file__).resolve().parents[1]
TINY_RUN = ["--tokenizer", "bert-base-uncased", "--workload", "paragraphs", "--workload", "short",
            "--repeat", "1", "--texts", "20", "--data-dir", str(DATA_DIR)]


@pytest.fixture(scope="module")
def shared_data() -> None:
    require(TOKENIZERS_DIR / "bert-base-uncased")
    require(CORPORA_DIR)


@pytest.fixture(scope="module")
def hf_only_json(shared_data, tmp_path_factory) -> Path:
    """An ``--hf-only`` run, as the tokenizers 1.0 venv makes it (here with the installed tokenizers)."""
    path = tmp_path_factory.mktemp("bench") / "hf_only.json"
    assert bench.main([*TINY_RUN, "--hf-only", "--json", str(path)]) == 0
    return path


@pytest.mark.parametrize("name", list(bench.WORKLOADS))
def test_workloads_are_deterministic_and_within_bounds(shared_data, name):
    texts = bench.build_workload(name, DATA_DIR, limit=50)
    assert texts == bench.build_workload(name, DATA_DIR, limit=50)
    assert len(texts) == 50
    assert all(bench.WORKLOADS[name].accepts(text) for text in texts)


def test_tiny_run_reports_json_and_markdown(shared_data, hf_only_json, tmp_path, capsys):
    json_path = tmp_path / "bench.json"
    assert bench.main([*TINY_RUN, "--latency-calls", "20", "--no-cold-compile", "--compare-json", str(hf_only_json),
                       "--json", str(json_path), "--markdown"]) == 0
    results = json.loads(json_path.read_text())
    assert {"machine", "settings", "throughput", "skipped", "latency", "cold_start"} <= results.keys()

    libraries = ["budtiktok", "HF tokenizers"] + (["tokie"] if importlib.util.find_spec("tokie") else [])
    expected = {f"{library.name} {method}" for library in bench.LIBRARIES if library.name in libraries
                for method, _ in library.batch_calls}
    for workload in ("paragraphs", "short"):
        rows = [row for row in results["throughput"] if row["workload"] == workload]
        assert {f"{row['library']} {row['call']}" for row in rows if not row.get("separate_run")} == expected
        assert sum(row["baseline"] for row in rows) == 1
        assert any(row.get("separate_run") for row in rows)
        for row in rows:
            assert row["texts"] == 20
            assert {"seconds", "bytes", "mb_per_s", "ratio_to_hf"} <= row.keys()

    assert {(row["library"], row["target_chars"]) for row in results["latency"]} == {
        (library, chars) for library in libraries for chars in bench.LATENCY_TEXTS}
    (cold,) = results["cold_start"]
    assert cold["caches"] == "current"
    assert {"import_s", "load_s", "first_encode_s", "first_batch_s", "rss_after_load_mib",
            "numba_cache_warm", "table_cache_warm"} <= cold.keys()

    markdown = capsys.readouterr().out
    assert "| tokenizer | workload | contender | time (s) | MB/s | × HF |" in markdown
    assert "| bert-base-uncased | short | budtiktok `encode_batch_arrays` |" in markdown
    assert "(separate run) `encode_batch` |" in markdown


def test_hf_only_script_runs_without_numba(shared_data, tmp_path):
    """The mode for the tokenizers 1.0 venv: run as a script, it must not import numba."""
    (tmp_path / "numba.py").write_text("raise ImportError('--hf-only must not import numba')\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), str(REPO_ROOT)]))
    json_path = tmp_path / "hf_only.json"
    script = REPO_ROOT / "budtiktok" / "bench.py"
    child = subprocess.run([sys.executable, str(script), *TINY_RUN, "--hf-only", "--json", str(json_path)],
                           env=env, capture_output=True, text=True, check=False)
    assert child.returncode == 0, child.stderr
    rows = json.loads(json_path.read_text())["throughput"]
    assert [(row["workload"], row["baseline"]) for row in rows] == [("paragraphs", True), ("short", True)]


# Contractions, \r\n and runs of spaces, digits, scripts, emoji: where regex engines and patterns part.
TRICKY_TEXTS = ["I'll say it's DON'T we've", "  leading\r\n\r\n\ttabs   and trailing  ", "1234567 3.14159 ١٢٣",
                "naïve café 東京タワー 😀👍🏽", "\u00a0nbsp\u200bzero width", "a\n\n\nb \n c", ""]


def test_byte_level_alphabet_maps_every_byte_once():
    alphabet = bench.byte_level_alphabet()
    assert sorted(alphabet.values()) == list(range(256))
    assert (alphabet["!"], alphabet["Ā"], alphabet["Ċ"], alphabet["Ġ"], alphabet["Ń"]) == (0x21, 0x00, 0x0A, 0x20, 0xAD)


def _config(pre_tokenizer: dict, normalizer: dict | None = None, model_type: str = "BPE") -> dict:
    return {"normalizer": normalizer, "pre_tokenizer": pre_tokenizer, "model": {"type": model_type, "merges": []}}


BYTE_LEVEL = {"type": "ByteLevel", "add_prefix_space": False, "use_regex": False}


def _split(behavior: str, invert: bool) -> dict:
    return {"type": "Sequence", "pretokenizers": [
        {"type": "Split", "pattern": {"Regex": r"\p{L}+|\s+"}, "behavior": behavior, "invert": invert}, BYTE_LEVEL]}


def test_byte_level_split_reads_the_regex_or_says_why_not():
    assert bench.byte_level_split(_config({**BYTE_LEVEL, "use_regex": True}), "t") == bench.GPT2_PATTERN
    assert bench.byte_level_split(_config(_split("Isolated", False)), "t") == r"\p{L}+|\s+"
    assert bench.byte_level_split(_config(_split("Removed", True)), "t") == r"\p{L}+|\s+"
    for config, reason in [(_config(_split("Removed", False)), "pre-tokenizer"),
                           (_config({**BYTE_LEVEL, "use_regex": True, "add_prefix_space": True}), "pre-tokenizer"),
                           (_config(_split("Isolated", False), {"type": "NFC"}), "normalizer"),
                           (_config(_split("Isolated", False), model_type="WordPiece"), "model")]:
        with pytest.raises(bench.Unavailable, match=reason):
            bench.byte_level_split(config, "t")


@pytest.mark.parametrize("name", ["gpt2", "cl100k-gpt-3.5-turbo"])
def test_offline_tiktoken_gives_hf_ids(shared_data, name):
    pytest.importorskip("tiktoken")
    import tokenizers

    require(TOKENIZERS_DIR / name)
    path = bench.tokenizer_file(DATA_DIR, name)
    encoding = bench._load_tiktoken(path, name, DATA_DIR)  # raises Unavailable unless exact on its sample
    hf = tokenizers.Tokenizer.from_file(str(bench.plain_json(path)))
    assert [encoding.encode_ordinary(text) for text in TRICKY_TEXTS] == [
        hf_encoding.ids for hf_encoding in hf.encode_batch(TRICKY_TEXTS, add_special_tokens=False)]


@pytest.mark.parametrize(("merges", "exact"), [([["h", "e"], ["t", "h"]], True), ([["t", "h"], ["h", "e"]], False)])
def test_offline_tiktoken_needs_merge_order_equal_to_id_order(shared_data, tmp_path, monkeypatch, merges, exact):
    """Ids "he" 256, "th" 257: tiktoken merges "he" first in "the"; HF does so only if it is the first merge."""
    pytest.importorskip("tiktoken")
    vocab = {**bench.byte_level_alphabet(), "he": 256, "th": 257}
    model = {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
             "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
             "vocab": vocab, "merges": merges}
    pre_tokenizer = {**BYTE_LEVEL, "use_regex": True, "trim_offsets": True}
    path = tmp_path / "tokenizer.json"
    path.write_text(json.dumps({"version": "1.0", "truncation": None, "padding": None, "added_tokens": [],
                                "normalizer": None, "pre_tokenizer": pre_tokenizer, "post_processor": None,
                                "decoder": None, "model": model}))
    monkeypatch.setattr(bench, "TIKTOKEN_TOKENIZERS", ("tiny",))
    if exact:
        assert bench._load_tiktoken(path, "tiny", DATA_DIR).encode_ordinary("the") == [ord("t"), 256]
    else:
        with pytest.raises(bench.Unavailable, match="ids differ from HF's"):
            bench._load_tiktoken(path, "tiny", DATA_DIR)


def test_tiktoken_runs_per_text_and_batched(shared_data, monkeypatch):
    pytest.importorskip("tiktoken")
    require(TOKENIZERS_DIR / "gpt2")
    monkeypatch.setattr(bench, "LIBRARIES", tuple(lib for lib in bench.LIBRARIES if lib.name == "tiktoken"))
    contenders, skipped = bench.load_contenders(bench.tokenizer_file(DATA_DIR, "gpt2"), "gpt2", data_dir=DATA_DIR)
    assert not skipped
    assert [contender.name for contender in contenders] == ["tiktoken encode_ordinary_batch",
                                                            "tiktoken encode_ordinary per text"]
    assert "tiktoken encode_ordinary per text" in bench.CONTENDER_NAMES
    texts = bench.build_workload("short", DATA_DIR, limit=5)
    batched, per_text = contenders
    assert per_text.per_text and per_text.encode == batched.encode
    assert per_text.encode_batch(texts) == batched.encode_batch(texts) == [batched.encode(text) for text in texts]
    rows = bench.measure_throughput(contenders, texts, repeat=1)
    assert [(row["call"], row["per_text"], row["ratio_to_hf"]) for row in rows] == [
        ("encode_ordinary_batch", False, None), ("encode_ordinary", True, None)]


def _row(library: str, call: str, mb_per_s: float, texts: int = 10_000, **extra) -> dict:
    return {"tokenizer": "gpt2", "workload": "paragraphs", "library": library, "call": call, "per_text": False,
            "returns": "objects", "baseline": False, "texts": texts, "bytes": 4_000_000,
            "seconds": 4 / mb_per_s, "mb_per_s": mb_per_s, "ratio_to_hf": None, **extra}


def _results(rows: list[dict], versions: dict[str, str]) -> dict:
    machine = {"date": "2026-01-01T00:00:00+00:00", "platform": "Linux", "python": "3.11.7", "cores": 2,
               "cpu": "x86_64", "versions": versions}
    return {"machine": machine, "settings": {"repeat": 5, "regime": "fresh texts"}, "throughput": rows,
            "skipped": [], "latency": [], "cold_start": []}


def test_combine_runs_and_report_on_synthetic_runs():
    """The second step of the tokenizers 1.0 comparison, on made-up numbers."""
    run = _results([_row("HF tokenizers", "encode_batch", 5.0, baseline=True, ratio_to_hf=1.0),
                    _row("tiktoken", "encode_ordinary", 20.0, per_text=True, returns="lists", ratio_to_hf=4.0)],
                   {"tokenizers": "0.23.3", "tiktoken": "0.14.0"})
    hf1 = _results([_row("HF tokenizers", "encode_batch", 200.0, baseline=True, ratio_to_hf=1.0),
                    _row("HF tokenizers", "encode_batch", 100.0, texts=20, baseline=True, ratio_to_hf=1.0)],
                   {"tokenizers": "1.0.0rc3"})
    (combined,) = bench.combine_runs(run, hf1)  # the 20-text row matches no workload of this run
    assert combined["library"] == "HF tokenizers 1.0.0rc3 (separate run)"
    assert (combined["ratio_to_hf"], combined["baseline"], combined["separate_run"]) == (40.0, False, True)
    assert "HF tokenizers 1.0.0rc3 (separate run) encode_batch" in bench.format_throughput(combined)
    assert "tiktoken encode_ordinary per text" in bench.format_throughput(run["throughput"][1])

    run["throughput"].append(combined)
    markdown = bench.markdown_report(run).splitlines()
    assert "| gpt2 | paragraphs | tiktoken `encode_ordinary` per text | 0.2000 | 20.0 | 4.00× |" in markdown
    assert "| gpt2 | paragraphs | HF tokenizers 1.0.0rc3 (separate run) `encode_batch` | 0.0200 | 200.0 | 40.00× |" \
        in markdown
