"""Batch throughput per tokenizer × workload × contender. HF ``encode_batch`` runs in the same suite
as the baseline: read ratios against it with ``asv compare`` or in the html view."""
from .common import FreshBatch


class EncodeBatch(FreshBatch):
    repeat = (3, 10, 60.0)
    timeout = 600

    def time_encode_batch(self, tokenizer, workload_name, contender):
        self.encode_batch(self.texts)
