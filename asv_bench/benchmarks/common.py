"""What the benchmarks share, all taken from ``budtiktok.bench``: the data location, the workloads,
the contenders (each warmed up once per process) and fresh texts for every timed call."""
import itertools
from functools import lru_cache
from pathlib import Path

from budtiktok import bench

DATA_DIR = bench.default_data_dir(repo_root=Path(__file__).resolve().parents[2])
TOKENIZERS = ("bert-base-uncased",)
WORKLOADS = tuple(bench.WORKLOADS)
LIBRARIES = tuple(library.name for library in bench.LIBRARIES)
_sample_tags = itertools.count()


@lru_cache(maxsize=None)
def workload(name: str) -> tuple[str, ...]:
    return tuple(bench.build_workload(name, DATA_DIR))


@lru_cache(maxsize=None)
def latency_text(chars: int) -> str:
    return bench.latency_text(chars, DATA_DIR)


def sample_tag() -> int:
    """A tag no earlier sample in this process used, for ``bench.fresh_texts`` / ``bench.text_variants``."""
    return next(_sample_tags)


@lru_cache(maxsize=None)
def contenders(tokenizer: str) -> dict[str, bench.Contender]:
    loaded, _ = bench.load_contenders(bench.tokenizer_file(DATA_DIR, tokenizer), tokenizer)
    return {contender.name: contender for contender in loaded}


@lru_cache(maxsize=None)
def warm_contender(tokenizer: str, name: str, workload_name: str) -> bench.Contender:
    """The contender, warmed up once on the whole workload; NotImplementedError (asv skips) if unavailable."""
    contender = contenders(tokenizer).get(name)
    if contender is None:
        raise NotImplementedError(f"{name} cannot run {tokenizer} here")
    bench.warm_up([contender], workload(workload_name))
    return contender


def library_encoder(tokenizer: str, library: str):
    """The single-text ``encode`` of ``library``, warmed up; NotImplementedError (asv skips) if unavailable."""
    encode = next((c.encode for c in contenders(tokenizer).values() if c.library == library), None)
    if encode is None:
        raise NotImplementedError(f"{library} cannot run {tokenizer} here")
    bench.encode_each(encode, bench.text_variants(latency_text(400), 10, "warm-up"))
    return encode


class FreshBatch:
    """Setup for batch benchmarks: a warm contender and, before every timed call, fresh texts."""
    params = (TOKENIZERS, WORKLOADS, bench.CONTENDER_NAMES)
    param_names = ("tokenizer", "workload", "contender")
    number = 1  # with number 1, asv runs setup() before every timed call: each call gets fresh texts
    warmup_time = 0  # setup() has warmed the contender up

    def setup(self, tokenizer, workload_name, contender):
        self.encode_batch = warm_contender(tokenizer, contender, workload_name).encode_batch
        self.texts = bench.fresh_texts(workload(workload_name), sample_tag())
