"""Single-text ``encode`` of a ~400- and a ~20-char text per library."""
from budtiktok import bench

from .common import LIBRARIES, TOKENIZERS, latency_text, library_encoder, sample_tag


class SingleText:
    """Each timed call encodes ``bench.LATENCY_BLOCK`` distinct variants of the text one by one, so
    the time per ``encode`` is the reported time / ``LATENCY_BLOCK`` and no text is seen twice."""
    params = (TOKENIZERS, LIBRARIES, tuple(bench.LATENCY_TEXTS))
    param_names = ("tokenizer", "library", "chars")
    number = 1  # setup() before every timed call makes new variants
    warmup_time = 0  # library_encoder() has warmed the library up

    def setup(self, tokenizer, library, chars):
        self.encode = library_encoder(tokenizer, library)
        self.variants = bench.text_variants(latency_text(chars), bench.LATENCY_BLOCK, sample_tag())

    def time_encode_block(self, tokenizer, library, chars):
        bench.encode_each(self.encode, self.variants)
