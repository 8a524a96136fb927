"""Kernel conventions, checked on the source: one decorator set, no fastmath, documented kernels."""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "budtiktok"
KERNEL_FILES = sorted(p for folder in ("kernels", "gpu") for p in (PACKAGE / folder).glob("*.py")
                      if p.name != "_jit.py")
DECORATORS = {"kernel", "inline_kernel", "parallel_kernel"}


def decorated_functions(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.decorator_list:
            yield node


@pytest.mark.parametrize("path", KERNEL_FILES, ids=lambda p: p.name)
def test_kernels_use_the_project_decorators_and_have_docstrings(path):
    for function in decorated_functions(path):
        names = {d.id if isinstance(d, ast.Name) else ast.unparse(d) for d in function.decorator_list}
        assert names <= DECORATORS, f"{path.name}:{function.name} uses {names - DECORATORS}"
        assert ast.get_docstring(function), f"{path.name}:{function.name} has no docstring"


@pytest.mark.parametrize("path", KERNEL_FILES + [PACKAGE / "kernels" / "_jit.py"], ids=lambda p: p.name)
def test_no_fastmath_and_no_bare_njit(path):
    source = path.read_text(encoding="utf-8")
    assert "fastmath" not in source
    if path.name != "_jit.py":
        assert "njit(" not in source and "numba.jit(" not in source
