"""The ``budtiktok`` command: encode corpora, warm the kernel cache, benchmark, inspect."""
from __future__ import annotations

import argparse
import json
import sys


def _encode(args) -> int:
    import numpy as np

    from .tokenizer import Tokenizer

    tok = Tokenizer.from_file(args.tokenizer)
    source = open(args.input, encoding="utf-8") if args.input != "-" else sys.stdin
    with source:
        texts = [line.rstrip("\n") for line in source]
    result = tok.encode_batch_arrays(texts, add_special_tokens=not args.no_special_tokens)
    if args.output:
        np.savez(args.output, ids=result.ids, row_splits=result.row_splits)
        print(f"{len(texts)} texts, {result.ids.shape[0]} tokens → {args.output}", file=sys.stderr)
        return 0
    splits = result.row_splits.tolist()
    ids = result.ids.tolist()
    out = sys.stdout
    for i in range(len(texts)):
        out.write(json.dumps(ids[splits[i]:splits[i + 1]]) + "\n")
    return 0


def _warmup(args) -> int:
    from . import warmup
    from .tokenizer import Tokenizer

    tok = Tokenizer.from_file(args.tokenizer) if args.tokenizer else None
    print(f"kernels ready in {warmup(tok):.1f} s")
    return 0


def _info(args) -> int:
    from . import info

    print(json.dumps(info(), indent=2))
    return 0


def _cache(args) -> int:
    from . import cache

    if args.action == "clear":
        print(f"removed {cache.clear()} table files from {cache.cache_dir()}")
    else:
        files = sorted(cache.cache_dir().glob("*.npz"))
        print(json.dumps({"dir": str(cache.cache_dir()), "files": len(files),
                          "bytes": sum(f.stat().st_size for f in files)}, indent=2))
    return 0


def _bench(args) -> int:
    from . import bench

    return bench.main(args.rest) or 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="budtiktok", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    encode = commands.add_parser("encode", help="tokenize a file of lines (one text per line)")
    encode.add_argument("tokenizer", help="path to tokenizer.json (or .json.gz)")
    encode.add_argument("input", nargs="?", default="-", help="text file, one document per line (default stdin)")
    encode.add_argument("-o", "--output", help="write ids + row_splits to this .npz instead of JSON lines")
    encode.add_argument("--no-special-tokens", action="store_true")
    encode.set_defaults(run=_encode)

    warm = commands.add_parser("warmup", help="compile every kernel once (cached on disk)")
    warm.add_argument("tokenizer", nargs="?", help="tokenizer.json to warm up with (default: a built-in one)")
    warm.set_defaults(run=_warmup)

    commands.add_parser("info", help="versions, CPU features, threads, cache locations").set_defaults(run=_info)

    cache = commands.add_parser("cache", help="the on-disk table cache")
    cache.add_argument("action", choices=["info", "clear"])
    cache.set_defaults(run=_cache)

    commands.add_parser("bench", help="speed against HuggingFace and peers (budtiktok bench --help)")

    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:
        return _bench(argparse.Namespace(rest=argv[1:]))
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
