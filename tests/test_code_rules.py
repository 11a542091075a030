"""The code's own rules, checked by the test command: layers, types, lint.

Each check runs the project's tool on the checkout, so a wrong import, a type error or an
undocumented public function fails the suite (and CI) like a failing test.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(*cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_imports_go_one_way():
    """import-linter's contracts in pyproject.toml: the layers, and no user interface in the package."""
    exe = shutil.which("lint-imports")
    assert exe, "lint-imports not found: install the test extra (pip install -e '.[test]')"
    out = _run(exe, "--no-cache")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Contracts: 2 kept, 0 broken." in out.stdout


def test_the_package_type_checks():
    out = _run(sys.executable, "-m", "mypy")
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.startswith("Success: no issues found")


def test_ruff_finds_nothing():
    """Style, imports, bugbear, and for simulator/ the docstring (numpy) and simplification rules."""
    exe = shutil.which("ruff")
    if exe is None:
        pytest.fail("ruff not found: install the test extra (pip install -e '.[test]')")
    out = _run(exe, "check", ".")
    assert out.returncode == 0, out.stdout + out.stderr


def test_no_function_level_imports_in_the_package():
    """Imports stand at the top of a module; a cycle is removed, not dodged inside a function.

    The one exception: static export imports Kaleido (and its browser finder) when an image is
    first drawn, so the command line and the app start without loading a browser driver.
    """
    import ast

    allowed = {("output/export.py", name) for name in ("kaleido", "plotly.io", "choreographer.browsers.chromium")}
    found = []
    for path in sorted((ROOT / "simulator").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for node in ast.walk(fn):
                    if isinstance(node, (ast.Import, ast.ImportFrom)):
                        names = [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
                        rel = path.relative_to(ROOT / "simulator").as_posix()
                        found += [f"{rel}:{node.lineno} {n}" for n in names if (rel, n) not in allowed]
    assert found == []
