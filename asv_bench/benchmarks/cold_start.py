"""What a fresh interpreter pays (asv ``timeraw_``): ``import budtiktok``, then ``from_file`` alone or
with the first ``encode`` or first batch, with the on-disk Numba and table caches warm, and empty."""
from budtiktok import bench

from .common import DATA_DIR, TOKENIZERS, library_encoder, warm_contender

FIRST_CALLS = {
    "none": "",
    "encode": "tokenizer.encode(text)",
    "encode_batch_arrays": "tokenizer.encode_batch_arrays(batch)",
}
# Set before budtiktok (and so numba) is imported, which read these variables once.
EMPTY_CACHES = """
import os, tempfile
caches = tempfile.TemporaryDirectory()  # removed at exit, after the timing
os.environ["NUMBA_CACHE_DIR"] = os.path.join(caches.name, "numba")
os.environ["BUDTIKTOK_CACHE_DIR"] = os.path.join(caches.name, "tables")
"""


def timeraw_import_budtiktok():
    return "import budtiktok"


class _LoadAndFirstCall:
    params = (TOKENIZERS, tuple(FIRST_CALLS))
    param_names = ("tokenizer", "first_call")
    number = 1
    warmup_time = 0
    timeout = 900
    caches_setup = ""

    def timeraw_load_and_first_call(self, tokenizer, first_call):
        setup = self.caches_setup + (
            "import budtiktok\n"
            "from pathlib import Path\n"
            "from budtiktok import bench\n"
            f"text = bench.latency_text(400, Path({str(DATA_DIR)!r}))\n"
            f"batch = bench.build_workload('paragraphs', Path({str(DATA_DIR)!r}), bench.COLD_START_BATCH)\n"
        )
        path = bench.tokenizer_file(DATA_DIR, tokenizer)
        return f"tokenizer = budtiktok.Tokenizer.from_file({str(path)!r})\n{FIRST_CALLS[first_call]}", setup


class WarmCaches(_LoadAndFirstCall):
    repeat = (3, 10, 60.0)

    def setup(self, tokenizer, first_call):
        # Compiling here fills the on-disk caches that the timed interpreters read.
        warm_contender(tokenizer, "budtiktok encode_batch_arrays", "paragraphs")
        library_encoder(tokenizer, "budtiktok")


class EmptyCaches(_LoadAndFirstCall):
    caches_setup = EMPTY_CACHES
    repeat = 1  # each sample compiles every kernel it calls
    rounds = 1
