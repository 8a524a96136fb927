"""Shared pytest setup: ``shared_data`` (in this folder) is importable from every test file."""
