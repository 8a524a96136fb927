"""Memory: asv ``peakmem_`` (peak RSS of the whole benchmark process, setup included) per batch
call, and the RSS of a fresh interpreter right after ``Tokenizer.from_file``."""
import budtiktok
from budtiktok import bench

from .common import DATA_DIR, TOKENIZERS, FreshBatch, latency_text, workload


class PeakMemEncode(FreshBatch):
    def peakmem_encode_batch(self, tokenizer, workload_name, contender):
        self.encode_batch(self.texts)


class LoadTokenizer:
    params = (TOKENIZERS,)
    param_names = ("tokenizer",)

    def peakmem_from_file(self, tokenizer):
        budtiktok.Tokenizer.from_file(bench.tokenizer_file(DATA_DIR, tokenizer))

    def track_rss_after_load(self, tokenizer):
        measured = bench.measure_cold_start(bench.tokenizer_file(DATA_DIR, tokenizer), latency_text(400),
                                            workload("paragraphs")[:bench.COLD_START_BATCH], fresh_caches=False)
        return measured["rss_after_load_mib"]

    track_rss_after_load.unit = "MiB"
