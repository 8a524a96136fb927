"""Spec → flat, read-only NumPy tables; ``compiled.compile_tokenizer`` is the entry point."""
