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
