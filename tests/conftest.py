"""Shared pytest setup: ``shared_data`` (in this folder) is importable from every test file.

The tests call budtiktok's OpenMP-backed kernels and HuggingFace's thread pool back to back, many
times: idle OpenMP threads must sleep rather than spin, or the two pools fight over the 2 cores
(this only affects speed, never results).
"""
import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
