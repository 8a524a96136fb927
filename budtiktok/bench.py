"""Throughput, single-text latency and cold start of budtiktok beside its peers.

    python -m budtiktok.bench --workload paragraphs --workload short --repeat 5 --markdown

How it keeps the comparison fair (shared/docs/peers.md): every contender runs in this one process
and run; each tokenizer object stays warm and is warmed up once on the whole workload before
timing; each repetition encodes texts no library has seen whole (every text gets a
per-repetition suffix), so per-word caches count and whole-text caches do not; contenders take
turns within each repetition, and the best repetition counts. Ratios ("× HF") are throughput over
that of HuggingFace ``tokenizers`` ``encode_batch`` in the same run. Flat calls
(``encode_batch_arrays``, tokie ``encode_batch_flat``) and object calls (``encode_batch``) are
listed apart, and so is a Python loop of single-text calls where that is what a user would write
(tiktoken ``encode_ordinary``, whose batch call only fans the loop out to threads). Compile time is
not in these numbers: the cold-start section reports it.

tiktoken runs gpt2, cl100k, o200k (gpt-4o) and Llama-3 offline: its ``Encoding`` is built from the
tokenizer.json itself (ranks = ids, the file's split regex, no special tokens) and used only if its
``encode_ordinary`` gives HF's ids (``add_special_tokens=False``) on a sample of every workload.
By design the two differ on text spelling a special token, which HF still matches as one.

Comparing with ``tokenizers`` 1.0, which cannot share a process with 0.23: in a venv holding only
``tokenizers==1.0.0rc3`` and numpy, run this file as a script (``python -m budtiktok.bench`` would
import the package, and with it numba) in HF-only mode, then give its JSON to a main run made
right after it with the same ``--tokenizer`` / ``--workload`` / ``--repeat``::

    python -m venv /tmp/venv-hf1 && /tmp/venv-hf1/bin/pip install tokenizers==1.0.0rc3 numpy
    PYTHONPATH=. /tmp/venv-hf1/bin/python budtiktok/bench.py --hf-only --json hf1.json ...
    .venv/bin/python -m budtiktok.bench --compare-json hf1.json ...

Its rows then appear as ratios to this run's HF 0.23 ``encode_batch``; ratios across two runs
carry the machine's run-to-run noise, so run them back to back.
"""
from __future__ import annotations

import argparse
import gc
import gzip
import hashlib
import itertools
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache, partial
from importlib import metadata
from pathlib import Path

# The folder holding the budtiktok package: the repository in a checkout.
PACKAGE_PARENT = Path(__file__).resolve().parents[1]


# ----------------------------------------------------------------------------- workloads
@dataclass(frozen=True)
class Workload:
    """Lines of shared corpora with ``min_chars <= len <= max_chars``, shuffled with a fixed seed
    and cycled to ``count`` texts (every line when ``count`` is None)."""
    corpora: tuple[str, ...]  # file patterns under corpora/; a ``.gz`` twin matches too
    min_chars: int = 1
    max_chars: int | None = None
    count: int | None = None

    def accepts(self, text: str) -> bool:
        return self.min_chars <= len(text) and (self.max_chars is None or len(text) <= self.max_chars)


WORKLOADS = {
    "paragraphs": Workload(("en_*_lines.txt", "xquad_en_contexts_lines.txt"), 100, 1000, 10_000),
    "short": Workload(("short_en_*_lines.txt", "short_xquad_en_questions_lines.txt"), 1, 63, 100_000),
    "multilingual": Workload(("xquad_*_contexts_lines.txt", "ja_wagahai_lines.txt")),
}
LATENCY_TEXTS = {400: "paragraphs", 20: "short"}  # target length in chars -> workload it is drawn from
LATENCY_BLOCK = 100  # calls timed together, so the timer's own cost stays out of sub-µs calls
COLD_START_BATCH = 64  # paragraphs: enough text for the parallel kernels, as in any real batch


def default_data_dir(repo_root: Path | None = None) -> Path:
    """``$BUDTIKTOK_TEST_DATA``, else the ``shared`` folder beside the repository."""
    configured = os.environ.get("BUDTIKTOK_TEST_DATA")
    return Path(configured) if configured else (repo_root or PACKAGE_PARENT).parent / "shared"


@cache
def read_corpus(path: Path) -> tuple[str, ...]:
    """The non-blank lines of a corpus file, plain or gzip."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return tuple(line.rstrip("\n") for line in handle if line.strip())


def corpus_paths(data_dir: Path, patterns: Sequence[str]) -> list[Path]:
    """The corpus files matching ``patterns``, sorted by name; a plain file wins over its ``.gz``."""
    found: dict[str, Path] = {}
    for pattern in patterns:
        for path in sorted((data_dir / "corpora").glob(pattern + "*")):
            found.setdefault(path.name.removesuffix(".gz"), path)
    return [found[name] for name in sorted(found)]


def build_workload(name: str, data_dir: Path | None = None, limit: int | None = None) -> list[str]:
    """The texts of workload ``name`` (always the same ones); ``limit`` keeps the first few."""
    workload = WORKLOADS[name]
    data_dir = data_dir or default_data_dir()
    pool = [text for path in corpus_paths(data_dir, workload.corpora) for text in read_corpus(path)
            if workload.accepts(text)]
    if not pool:
        raise FileNotFoundError(f"no corpus text for workload {name!r} under {data_dir / 'corpora'}")
    random.Random(0).shuffle(pool)  # mixes the sources, so a limit or a cut still samples all of them
    count = workload.count or len(pool)
    if limit is not None:
        count = min(count, limit)
    return list(itertools.islice(itertools.cycle(pool), count))


def fresh_texts(texts: Sequence[str], tag: object) -> list[str]:
    """``texts`` with `` {tag}`` appended to each, so that no library has seen them whole."""
    suffix = f" {tag}"
    return [text + suffix for text in texts]


def text_variants(text: str, count: int, tag: object) -> list[str]:
    """``count`` distinct variants of one text, for timing single calls without whole-text caches."""
    return [f"{text} {tag}{i}" for i in range(count)]


def latency_text(chars: int, data_dir: Path | None = None, limit: int | None = None) -> str:
    """The text closest to ``chars`` long in its workload (``LATENCY_TEXTS``)."""
    texts = build_workload(LATENCY_TEXTS[chars], data_dir, limit)
    return min(texts, key=lambda text: (abs(len(text) - chars), text))


def utf8_bytes(texts: Sequence[str]) -> int:
    return sum(len(text.encode("utf-8")) for text in texts)


# ----------------------------------------------------------------------------- contenders
def tokenizer_file(data_dir: Path, name: str) -> Path:
    """``tokenizers/<name>/tokenizer.json`` or its ``.gz``."""
    folder = data_dir / "tokenizers" / name
    for candidate in (folder / "tokenizer.json", folder / "tokenizer.json.gz"):
        if candidate.is_file():
            return candidate.resolve()
    raise FileNotFoundError(f"no tokenizer.json(.gz) in {folder}")


def plain_json(path: Path) -> Path:
    """``path``, or for a ``.gz`` a decompressed copy in the temp dir (tokie and HF 1.0 read plain files only)."""
    if path.suffix != ".gz":
        return path
    raw = gzip.decompress(path.read_bytes())
    digest = hashlib.sha256(raw).hexdigest()[:16]
    target = Path(tempfile.gettempdir(), "budtiktok-bench", f"{path.parent.name}-{digest}.json")
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(raw)
        os.replace(partial, target)
    return target


class Unavailable(Exception):
    """A library that cannot run this tokenizer here; the message says why."""


def _load_budtiktok(path: Path, name: str, data_dir: Path):
    try:
        import budtiktok
    except ImportError as error:
        raise Unavailable(f"budtiktok: not importable ({error})") from None
    try:
        return budtiktok.Tokenizer.from_file(path)
    except (budtiktok.UnsupportedComponentError, budtiktok.TokenizerConfigError) as error:
        raise Unavailable(f"budtiktok: cannot load {name} ({error})") from None


def _load_hf(path: Path, name: str, data_dir: Path):
    try:
        import tokenizers
    except ImportError:
        raise Unavailable("HF tokenizers: not installed") from None
    return tokenizers.Tokenizer.from_file(str(plain_json(path)))


def _load_tokie(path: Path, name: str, data_dir: Path):
    try:
        import tokie
    except ImportError:
        raise Unavailable("tokie: not installed") from None
    try:
        return tokie.Tokenizer.from_json(str(plain_json(path)))
    except tokie.TokieError as error:
        raise Unavailable(f"tokie: cannot load {name} ({error})") from None


TIKTOKEN_TOKENIZERS = ("gpt2", "cl100k-gpt-3.5-turbo", "gpt-4o", "llama-3")  # published as tiktoken encodings
# The split ByteLevel makes when its use_regex is on (HF's GPT-2 pattern).
GPT2_PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
TIKTOKEN_CHECK_TEXTS = 100  # per workload: the sample on which tiktoken must give HF's ids


def byte_level_alphabet() -> dict[str, int]:
    """The byte each character of GPT-2's byte-level alphabet stands for."""
    printable = [*range(0x21, 0x7F), *range(0xA1, 0xAD), *range(0xAE, 0x100)]
    shifted = sorted(set(range(256)) - set(printable))
    return {**{chr(byte): byte for byte in printable}, **{chr(0x100 + i): byte for i, byte in enumerate(shifted)}}


def byte_level_split(config: dict, name: str) -> str:
    """The one regex that byte-level BPE ``config`` (a parsed tokenizer.json) splits text by;
    Unavailable where it is not a plain byte-level BPE. Absent fields take HF's defaults."""
    model, pre = config.get("model") or {}, config.get("pre_tokenizer") or {}
    if (model.get("type", "BPE") != "BPE" or "merges" not in model or model.get("dropout") or model.get("byte_fallback")
            or model.get("continuing_subword_prefix") or model.get("end_of_word_suffix")):
        raise Unavailable(f"tiktoken: {name}'s model is not a plain BPE")
    if config.get("normalizer") is not None:
        raise Unavailable(f"tiktoken: {name} has a normalizer")
    if pre.get("type") == "ByteLevel" and pre.get("use_regex", True) and not pre.get("add_prefix_space", True):
        return GPT2_PATTERN
    steps = pre.get("pretokenizers", []) if pre.get("type") == "Sequence" else []
    if len(steps) == 2:
        split, byte_level = steps
        # Both keep each match as a piece. tiktoken drops any text between matches, where Isolated
        # keeps it: the exactness check catches a pattern that leaves gaps.
        if (split.get("type") == "Split" and "Regex" in split.get("pattern", {})
                and (split.get("behavior"), split.get("invert", False)) in {("Isolated", False), ("Removed", True)}
                and byte_level.get("type") == "ByteLevel" and not byte_level.get("use_regex", True)
                and not byte_level.get("add_prefix_space", True)):
            return split["pattern"]["Regex"]
    raise Unavailable(f"tiktoken: {name}'s pre-tokenizer is not one regex split and ByteLevel")


def tiktoken_encoding(path: Path, name: str):
    """An offline ``tiktoken.Encoding`` of byte-level BPE tokenizer.json ``path``: its vocabulary as
    mergeable ranks (rank = id), its split regex, no special tokens."""
    try:
        import tiktoken
    except ImportError:
        raise Unavailable("tiktoken: not installed") from None
    config = json.loads(plain_json(path).read_bytes())
    pattern = byte_level_split(config, name)
    alphabet = byte_level_alphabet()
    try:
        ranks = {bytes(alphabet[char] for char in token): rank for token, rank in config["model"]["vocab"].items()}
    except KeyError as error:
        raise Unavailable(f"tiktoken: {name}'s vocabulary is not byte-level ({error} is no byte)") from None
    return tiktoken.Encoding(f"{name}-offline", pat_str=pattern, mergeable_ranks=ranks, special_tokens={})


def _load_tiktoken(path: Path, name: str, data_dir: Path):
    """tiktoken's encoding of ``name``, if it gives HF's ids on a sample of every workload:
    tiktoken merges the pair whose merged token has the lowest id, HF the earliest merge."""
    if name not in TIKTOKEN_TOKENIZERS:
        raise Unavailable(f"tiktoken: does not apply to {name}")
    encoding = tiktoken_encoding(path, name)
    hf = _load_hf(path, name, data_dir)
    try:
        texts = [text for workload in WORKLOADS for text in build_workload(workload, data_dir, TIKTOKEN_CHECK_TEXTS)]
    except FileNotFoundError as error:
        raise Unavailable(f"tiktoken: no sample to check {name} on ({error})") from None
    expected = [hf_encoding.ids for hf_encoding in hf.encode_batch(texts, add_special_tokens=False)]
    differing = sum(got != want for got, want in zip(encoding.encode_ordinary_batch(texts), expected))
    if differing:
        raise Unavailable(f"tiktoken: ids differ from HF's on {differing} of {len(texts)} sample texts of {name}")
    return encoding


@dataclass(frozen=True)
class Library:
    """How to load one library, and which of its methods are benchmarked."""
    name: str
    # (tokenizer file, tokenizer name, shared data dir) -> tokenizer; raises Unavailable
    load: Callable[[Path, str, Path], object]
    batch_calls: tuple[tuple[str, str], ...]  # (method, what it returns); single_call here: a loop of it
    single_call: str = "encode"


LIBRARIES = (
    Library("budtiktok", _load_budtiktok, (("encode_batch_arrays", "flat arrays"), ("encode_batch", "objects"))),
    Library("HF tokenizers", _load_hf, (("encode_batch", "objects"),)),
    Library("tokie", _load_tokie, (("encode_batch_flat", "flat arrays"), ("encode_batch", "objects"))),
    Library("tiktoken", _load_tiktoken, (("encode_ordinary_batch", "lists"), ("encode_ordinary", "lists")),
            single_call="encode_ordinary"),
)
BASELINE = ("HF tokenizers", "encode_batch")


def contender_name(library: str, call: str, per_text: bool) -> str:
    return f"{library} {call}{' per text' if per_text else ''}"


CONTENDER_NAMES = tuple(contender_name(library.name, method, method == library.single_call)
                        for library in LIBRARIES for method, _ in library.batch_calls)


@dataclass(frozen=True)
class Contender:
    """One batch call of one loaded tokenizer (or a loop of its single-text call), with that
    tokenizer's single-text call."""
    library: str
    call: str
    returns: str
    encode_batch: Callable[[list[str]], object]
    encode: Callable[[str], object]
    per_text: bool = False

    @property
    def name(self) -> str:
        return contender_name(self.library, self.call, self.per_text)

    @property
    def baseline(self) -> bool:
        return (self.library, self.call) == BASELINE


def load_contenders(path: Path, name: str, hf_only: bool = False,
                    data_dir: Path | None = None) -> tuple[list[Contender], list[str]]:
    """The contenders that can run tokenizer ``name`` (file ``path``), and why the others cannot."""
    data_dir = data_dir or default_data_dir()
    libraries = [library for library in LIBRARIES if not hf_only or library.name == BASELINE[0]]
    contenders, skipped = [], []
    for library in libraries:
        try:
            tokenizer = library.load(path, name, data_dir)
        except Unavailable as reason:
            skipped.append(str(reason))
            continue
        encode = getattr(tokenizer, library.single_call)
        for method, returns in library.batch_calls:
            per_text = method == library.single_call
            encode_batch = partial(encode_each, encode) if per_text else getattr(tokenizer, method)
            contenders.append(Contender(library.name, method, returns, encode_batch, encode, per_text))
    return contenders, skipped


# ----------------------------------------------------------------------------- measuring
def time_call(call: Callable, argument) -> float:
    """Seconds until ``call(argument)`` returns (freeing its result comes after), with the garbage
    collector off as ``timeit`` does."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        result = call(argument)  # noqa: F841 -- held past the timer, so freeing it is not timed
        return time.perf_counter() - start
    finally:
        gc.enable()


def warm_up(contenders: Sequence[Contender], texts: Sequence[str]) -> None:
    """One untimed call per contender on the whole workload: compiles, fills allocators and caches."""
    batch = fresh_texts(texts, "warm-up")
    for contender in contenders:
        contender.encode_batch(batch)


def measure_throughput(contenders: Sequence[Contender], texts: Sequence[str], repeat: int) -> list[dict]:
    """Best of ``repeat`` repetitions per contender; each repetition gives all of them the same fresh texts."""
    warm_up(contenders, texts)
    best: dict[str, tuple[float, int]] = {}
    for repetition in range(repeat):
        batch = fresh_texts(texts, repetition)
        n_bytes = utf8_bytes(batch)
        for contender in contenders:
            seconds = time_call(contender.encode_batch, batch)
            if contender.name not in best or seconds < best[contender.name][0]:
                best[contender.name] = (seconds, n_bytes)
    rows = [{"library": c.library, "call": c.call, "per_text": c.per_text, "returns": c.returns, "baseline": c.baseline,
             "texts": len(texts), "bytes": best[c.name][1], "seconds": best[c.name][0],
             "mb_per_s": best[c.name][1] / 1e6 / best[c.name][0]} for c in contenders]
    baseline = next((row for row in rows if row["baseline"]), None)
    for row in rows:
        row["ratio_to_hf"] = row["mb_per_s"] / baseline["mb_per_s"] if baseline else None
    return rows


def measure_latency(encoders: dict[str, Callable[[str], object]], text: str, calls: int) -> dict[str, float]:
    """Median µs per single-text call, per library: blocks of distinct variants of ``text``, the
    libraries taking turns block by block."""
    for encode in encoders.values():
        encode_each(encode, text_variants(text, LATENCY_BLOCK, "warm-up"))
    variants = text_variants(text, calls, "")
    blocks = [variants[start:start + LATENCY_BLOCK] for start in range(0, calls, LATENCY_BLOCK)]
    per_call: dict[str, list[float]] = {library: [] for library in encoders}
    for block in blocks:
        for library, encode in encoders.items():
            per_call[library].append(time_call(partial(encode_each, encode), block) / len(block))
    return {library: statistics.median(samples) * 1e6 for library, samples in per_call.items()}


def encode_each(encode: Callable[[str], object], texts: Sequence[str]) -> list:
    """One single-text call per text; the results are returned, so that ``time_call`` frees them untimed."""
    return [encode(text) for text in texts]


# Runs in a fresh interpreter: reads its job as JSON on stdin, prints its measurements as JSON.
COLD_START_CHILD = """
import json, resource, sys, time

def peak_rss_mib():
    # Linux: VmHWM is this process's own peak. ru_maxrss would carry the parent's peak over
    # fork + exec, and the parent holds the benchmark's workloads.
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        rss_unit = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB elsewhere
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * rss_unit / 2**20

job = json.loads(sys.stdin.read())
started = time.perf_counter()
import budtiktok
imported = time.perf_counter()
from budtiktok import cache
# Every table-cache miss ends in cache._store. (Counting new files in the cache folder would also
# count those of other processes sharing it.)
table_misses = []
store_table = cache._store
cache._store = lambda path, arrays: (table_misses.append(path.name), store_table(path, arrays))
tokenizer = budtiktok.Tokenizer.from_file(job["path"])
loaded = time.perf_counter()
rss_after_load = peak_rss_mib()
tokenizer.encode(job["text"])
encoded = time.perf_counter()
tokenizer.encode_batch_arrays(job["batch"])
batched = time.perf_counter()
from numba.core.dispatcher import Dispatcher
dispatchers = {id(value): value for name, module in list(sys.modules.items()) if name.startswith("budtiktok")
               for value in vars(module).values() if isinstance(value, Dispatcher)}.values()
print(json.dumps({
    "import_s": imported - started, "load_s": loaded - imported,
    "first_encode_s": encoded - loaded, "first_batch_s": batched - encoded,
    "rss_after_load_mib": rss_after_load, "peak_rss_mib": peak_rss_mib(),
    "numba_cache_hits": sum(sum(d.stats.cache_hits.values()) for d in dispatchers),
    "numba_cache_misses": sum(sum(d.stats.cache_misses.values()) for d in dispatchers),
    "table_cache_misses": len(table_misses),
}))
"""


def measure_cold_start(path: Path, text: str, batch: Sequence[str], fresh_caches: bool) -> dict:
    """``import budtiktok``, ``from_file``, the first ``encode`` and the first batch in a fresh
    interpreter: with the Numba and table caches as they are, or with empty temp ones. RSS figures
    are the process's high-water mark."""
    env = dict(os.environ)
    # The child imports this same budtiktok, wherever the parent found it.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, (str(PACKAGE_PARENT), env.get("PYTHONPATH"))))
    with tempfile.TemporaryDirectory(prefix="budtiktok-cold-") as scratch:
        if fresh_caches:
            env["NUMBA_CACHE_DIR"] = str(Path(scratch, "numba"))
            env["BUDTIKTOK_CACHE_DIR"] = str(Path(scratch, "tables"))
        job = json.dumps({"path": str(path), "text": text, "batch": list(batch)})
        child = subprocess.run([sys.executable, "-c", COLD_START_CHILD], input=job, capture_output=True,
                               text=True, env=env, check=False)
    if child.returncode != 0:
        raise RuntimeError(f"cold-start subprocess failed:\n{child.stderr}")
    measured = json.loads(child.stdout.splitlines()[-1])
    measured["numba_cache_warm"] = measured["numba_cache_misses"] == 0
    measured["table_cache_warm"] = measured["table_cache_misses"] == 0
    return {"caches": "empty" if fresh_caches else "current", **measured}


# ----------------------------------------------------------------------------- running
def installed_versions() -> dict[str, str]:
    versions = {}
    for package in ("tokenizers", "tokie", "tiktoken", "numba", "numpy"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            pass
    return versions


def machine_facts(with_budtiktok: bool) -> dict:
    """Cores, CPU, Numba threads and library versions (budtiktok's only when it is imported)."""
    facts = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "platform": platform.platform(),
             "python": platform.python_version(), "cores": os.cpu_count(),
             "cpu": platform.processor() or platform.machine(), "versions": installed_versions()}
    if with_budtiktok:
        import numba

        import budtiktok

        facts["numba_threads"] = numba.get_num_threads()
        facts["versions"]["budtiktok"] = budtiktok.__version__
        if hasattr(budtiktok, "info"):
            cpu = budtiktok.info()["cpu"]
            facts["cpu"] = f"{cpu['name']} ({', '.join(cpu['simd'])})"
    return facts


def run_benchmarks(tokenizer_names: Sequence[str], workloads: Sequence[str], repeat: int, data_dir: Path, *,
                   hf_only: bool = False, texts_limit: int | None = None, latency_calls: int = 2000,
                   cold_start: bool = True, cold_compile: bool = True) -> dict:
    """Every measurement asked for, printed as it completes and returned as one JSON-ready dict.
    ``hf_only`` times HF ``encode_batch`` alone, without importing budtiktok."""
    results = {
        "machine": machine_facts(with_budtiktok=not hf_only),
        "settings": {"tokenizers": list(tokenizer_names), "workloads": list(workloads), "repeat": repeat,
                     "data_dir": str(data_dir), "texts_limit": texts_limit, "hf_only": hf_only,
                     "regime": "tokenizers warm, each warmed up once on the workload; fresh texts every "
                               "repetition; contenders take turns"},
        "throughput": [], "skipped": [], "latency": [], "cold_start": [],
    }
    print(format_machine(results["machine"]), flush=True)
    for name in tokenizer_names:
        path = tokenizer_file(data_dir, name)
        contenders, skipped = load_contenders(path, name, hf_only, data_dir)
        for reason in skipped:
            print(f"skipped {reason}", flush=True)
            results["skipped"].append({"tokenizer": name, "reason": reason})
        for workload in workloads:
            texts = build_workload(workload, data_dir, texts_limit)
            for row in measure_throughput(contenders, texts, repeat):
                row = {"tokenizer": name, "workload": workload, **row}
                results["throughput"].append(row)
                print(format_throughput(row), flush=True)
        if hf_only:
            continue
        if latency_calls:
            encoders = {contender.library: contender.encode for contender in contenders}
            for chars in LATENCY_TEXTS:
                text = latency_text(chars, data_dir, texts_limit)
                for library, micros in measure_latency(encoders, text, latency_calls).items():
                    row = {"tokenizer": name, "library": library, "target_chars": chars, "text_chars": len(text),
                           "calls": latency_calls, "median_us": micros}
                    results["latency"].append(row)
                    print(f"{name}  {library:<14} encode of {len(text):>3} chars: {micros:8.2f} µs", flush=True)
        if cold_start and any(contender.library == "budtiktok" for contender in contenders):
            text = latency_text(400, data_dir)
            batch = build_workload("paragraphs", data_dir, COLD_START_BATCH)
            for fresh in (False, True) if cold_compile else (False,):
                row = {"tokenizer": name, **measure_cold_start(path, text, batch, fresh)}
                results["cold_start"].append(row)
                print(format_cold_start(row), flush=True)
    if not hf_only:
        results["machine"]["numba_threading_layer"] = numba_threading_layer()
    return results


def numba_threading_layer() -> str | None:
    """The layer Numba's parallel kernels ran on (None before any ran): under load, OpenMP's
    spin-waiting can cost far more than the others."""
    import numba

    try:
        return numba.threading_layer()
    except ValueError:
        return None


def combine_runs(results: dict, other: dict) -> list[dict]:
    """``other``'s HF ``encode_batch`` rows (an ``--hf-only`` run, e.g. in a tokenizers 1.0 venv) as
    ratios to the HF baseline of ``results``; rows whose workload differs are left out."""
    version = other["machine"]["versions"].get("tokenizers", "?")
    baselines = {(row["tokenizer"], row["workload"], row["texts"]): row
                 for row in results["throughput"] if row["baseline"]}
    combined = []
    for row in other["throughput"]:
        baseline = baselines.get((row["tokenizer"], row["workload"], row["texts"]))
        if row["baseline"] and baseline is not None:
            combined.append({**row, "library": f"HF tokenizers {version} (separate run)", "baseline": False,
                             "ratio_to_hf": row["mb_per_s"] / baseline["mb_per_s"], "separate_run": True})
    return combined


# ----------------------------------------------------------------------------- reporting
def format_machine(machine: dict) -> str:
    threads = f", {machine['numba_threads']} Numba threads" if "numba_threads" in machine else ""
    if machine.get("numba_threading_layer"):
        threads += f" ({machine['numba_threading_layer']} layer)"
    versions = ", ".join(f"{package} {version}" for package, version in sorted(machine["versions"].items()))
    return (f"{machine['cores']} cores{threads}, CPU {machine['cpu']}, {machine['platform']}, "
            f"Python {machine['python']}, {machine['date']}\n{versions}")


def format_ratio(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio:.2f}×"


def format_throughput(row: dict) -> str:
    contender = contender_name(row["library"], row["call"], row["per_text"])
    return (f"{row['tokenizer']}  {row['workload']:<12} {contender:<44} "
            f"{row['seconds']:8.4f} s {row['mb_per_s']:9.2f} MB/s {format_ratio(row['ratio_to_hf']):>8} HF")


def format_cold_start(row: dict) -> str:
    return (f"{row['tokenizer']}  cold start, {row['caches']} caches: import {row['import_s']:.2f} s, "
            f"from_file {row['load_s']:.2f} s, first encode {row['first_encode_s']:.2f} s, "
            f"first batch {row['first_batch_s']:.2f} s, RSS after load {row['rss_after_load_mib']:.0f} MiB "
            f"(peak {row['peak_rss_mib']:.0f}); Numba cache {_warm_or_cold(row['numba_cache_warm'])} "
            f"({row['numba_cache_hits']} hits, {row['numba_cache_misses']} misses), "
            f"table cache {_warm_or_cold(row['table_cache_warm'])} ({row['table_cache_misses']} misses)")


def _warm_or_cold(warm: bool) -> str:
    return "warm" if warm else "cold"


def markdown_report(results: dict) -> str:
    """README-ready markdown: throughput (workload × contender), then latency and cold start when measured."""
    machine, settings = results["machine"], results["settings"]
    lines = [(f"{format_machine(machine).replace(chr(10), '; ')}. Best of {settings['repeat']}; "
             f"{settings['regime']}. MB/s counts UTF-8 input bytes; × HF is throughput over HF `encode_batch`."),
             "", "| tokenizer | workload | contender | time (s) | MB/s | × HF |", "|---|---|---|--:|--:|--:|"]
    lines += [f"| {row['tokenizer']} | {row['workload']} | {row['library']} `{row['call']}`"
              f"{' per text' if row['per_text'] else ''} | {row['seconds']:.4f} | {row['mb_per_s']:.1f} "
              f"| {format_ratio(row['ratio_to_hf'])} |" for row in results["throughput"]]
    if results["latency"]:
        by_library: dict[tuple[str, str], dict[int, float]] = {}
        for row in results["latency"]:
            by_library.setdefault((row["tokenizer"], row["library"]), {})[row["target_chars"]] = row["median_us"]
        lengths = sorted({row["target_chars"] for row in results["latency"]}, reverse=True)
        lines += ["", "| tokenizer | library | " + " | ".join(f"`encode`, ~{n} chars (µs)" for n in lengths) + " |",
                  "|---|---|" + "--:|" * len(lengths)]
        lines += [f"| {tokenizer} | {library} | " + " | ".join(f"{micros[n]:.2f}" for n in lengths) + " |"
                  for (tokenizer, library), micros in by_library.items()]
    if results["cold_start"]:
        lines += ["", ("| tokenizer | caches | import (s) | from_file (s) | first encode (s) | first batch (s) "
                      "| RSS after load (MiB) | Numba cache | table cache |"), "|---|---|--:|--:|--:|--:|--:|---|---|"]
        lines += [f"| {row['tokenizer']} | {row['caches']} | {row['import_s']:.2f} | {row['load_s']:.2f} "
                  f"| {row['first_encode_s']:.2f} | {row['first_batch_s']:.2f} | {row['rss_after_load_mib']:.0f} "
                  f"| {_warm_or_cold(row['numba_cache_warm'])} | {_warm_or_cold(row['table_cache_warm'])} |"
                  for row in results["cold_start"]]
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="budtiktok bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--tokenizer", action="append", metavar="NAME",
                        help="folder under <data-dir>/tokenizers (repeatable; default bert-base-uncased)")
    parser.add_argument("--workload", action="append", choices=[*WORKLOADS, "all"],
                        help="repeatable; default all")
    parser.add_argument("--repeat", type=int, default=5, metavar="N", help="timed repetitions; the best counts")
    parser.add_argument("--data-dir", type=Path, default=default_data_dir(),
                        help="shared test data (default $BUDTIKTOK_TEST_DATA or ../shared)")
    parser.add_argument("--texts", type=int, metavar="N", help="use only the first N texts of each workload")
    parser.add_argument("--latency-calls", type=int, default=2000, metavar="N",
                        help="single-text calls per library and text (0: skip latency)")
    parser.add_argument("--no-cold-start", action="store_true", help="skip the fresh-interpreter measurements")
    parser.add_argument("--no-cold-compile", action="store_true",
                        help="skip only the one with empty Numba and table caches (it compiles everything)")
    parser.add_argument("--hf-only", action="store_true",
                        help="time HF encode_batch alone, without importing budtiktok (for a tokenizers 1.0 venv)")
    parser.add_argument("--compare-json", type=Path, metavar="OTHER",
                        help="add an --hf-only run's results as ratios to this run's HF encode_batch")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the results here")
    parser.add_argument("--markdown", action="store_true", help="print README-ready markdown tables at the end")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """``budtiktok bench`` / ``python -m budtiktok.bench``."""
    args = build_parser().parse_args(argv)
    chosen = args.workload or ["all"]
    workloads = list(WORKLOADS) if "all" in chosen else list(dict.fromkeys(chosen))
    results = run_benchmarks(args.tokenizer or ["bert-base-uncased"], workloads, args.repeat, args.data_dir,
                             hf_only=args.hf_only, texts_limit=args.texts, latency_calls=args.latency_calls,
                             cold_start=not args.no_cold_start, cold_compile=not args.no_cold_compile)
    if args.compare_json:
        combined = combine_runs(results, json.loads(args.compare_json.read_text()))
        for row in combined:
            print(format_throughput(row))
        results["throughput"] += combined
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    if args.markdown:
        print("\n" + markdown_report(results))
    return 0


if __name__ == "__main__":
    if not __package__:
        # Run as a script (how the HF-only venv, which has no numba, runs it), budtiktok/ itself is
        # sys.path[0]; put the repository there instead so that budtiktok's modules shadow nothing.
        sys.path[0] = str(PACKAGE_PARENT)
    sys.exit(main())
