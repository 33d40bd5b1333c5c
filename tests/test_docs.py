"""Every Python code block in README.md and docs/ runs, in order, per page.

A block whose first line is `# requires: MODULE` (or `MODULE,MODULE`) runs only where
every MODULE imports (an engine's plugin); elsewhere it is skipped, and said so.
"""

from __future__ import annotations

import ast
import builtins
import importlib.util
import os
import re
import subprocess
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def blocks(page: Path) -> list[str]:
    return BLOCK.findall(page.read_text())


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_code_blocks_run(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A real module, so that dataclasses and pickling find what the page defines.
    module = types.ModuleType(f"docs_{page.stem}")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    namespace = module.__dict__
    skipped = []
    for i, code in enumerate(blocks(page)):
        first = code.splitlines()[0] if code else ""
        required = re.match(r"# requires: (\S+)", first)
        needed = required.group(1).split(",") if required else []
        missing = [m for m in needed if importlib.util.find_spec(m) is None]
        if missing:
            skipped.append(",".join(missing))
            continue
        exec(compile(code, f"{page.name}[block {i}]", "exec"), namespace)
    if skipped and len(skipped) == len(blocks(page)):
        pytest.skip(f"needs {', '.join(skipped)}")


def _hooks() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("docs_hooks", ROOT / "docs" / "hooks.py")
    assert spec is not None and spec.loader is not None
    hooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hooks)
    return hooks


def test_the_site_shows_no_test_markers() -> None:
    hooks = _hooks()
    shown = {page.name: hooks.without_test_markers(page.read_text()) for page in PAGES}
    assert not [name for name, text in shown.items() if "# requires:" in text]
    # The rest of each block is kept, the first line of a file as well.
    assert "```python\n# src/adcore_complexstep/plugin.py\n" in shown["writing-a-backend.md"]
    assert "```python\nbackend2 = ad.AutoJAX()\n" in shown["index.md"]


#: What a page says where its examples build on each other.
IN_ORDER = "The examples on this page run in order, each building on the ones above it"


def _unbound(code: str) -> set[str]:
    """The names ``code`` reads without defining or importing them (nor builtins)."""
    bound, read = set(dir(builtins)), set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name):
            (read if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return read - bound


def test_code_blocks_are_self_contained_or_the_page_says_they_build_on_each_other() -> None:
    """A reader who copies one block gets either all it needs, or was told to take the
    blocks above it too."""
    untold = {}
    for page in PAGES:
        text = page.read_text()
        if IN_ORDER in " ".join(text.split()):
            continue
        for i, code in enumerate(blocks(page)):
            if _unbound(code):
                untold[f"{page.relative_to(ROOT)}[block {i}]"] = sorted(_unbound(code))
    assert not untold, (f"blocks that use names of earlier blocks, on pages that do not say "
                        f"{IN_ORDER!r}: {untold}")


def test_every_page_has_code() -> None:
    # The API reference is filled from docstrings, whose examples run as doctests.
    assert all(blocks(page) for page in PAGES if page.parent.name != "api")


# --- the "writing a backend" page builds a working plugin

FILE_BLOCK = re.compile(r"^```\w+\n(?:# requires: \S+\n)?# (\S+\.(?:py|toml))\n(.*?)^```", re.S | re.M)


def test_writing_a_backend_page_makes_a_plugin_that_passes_its_tests(tmp_path: Path) -> None:
    """The files the page shows, as they are, make a plugin that adcore finds and
    whose conformance test passes: what a newcomer who follows the page gets."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11 and later
    from test_plugins import _dist_info

    root = tmp_path / "adcore-complexstep"
    files = FILE_BLOCK.findall((ROOT / "docs" / "writing-a-backend.md").read_text())
    assert {path for path, _ in files} >= {"pyproject.toml", "tests/test_conformance.py",
                                             "src/adcore_complexstep/plugin.py"}
    for path, text in files:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(f"# {path}\n{text}")
    # What `pip install -e .` makes of it, without a build: the sources on the path
    # and the distribution's metadata with its entry point.
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    site = tmp_path / "site"
    site.mkdir()
    entry_points = "\n".join(f"{k} = {v}" for k, v in project["entry-points"]["adcore"].items())
    _dist_info(site, project["name"], project["version"], entry_points)
    env = {k: v for k, v in os.environ.items() if k not in ("ADCORE_LOAD_PLUGINS", "COLUMNS")}
    env["PYTHONPATH"] = os.pathsep.join([str(site), str(root / "src")])

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, *args], cwd=root, env=env, capture_output=True,
                              text=True, timeout=300)

    # The page runs the whole suite in process; here, enough of it to see the package work.
    done = run("-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "check_reference", "tests")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    # skipped: the complex family, which the complex step declares it cannot take
    last = done.stdout.splitlines()[-1]
    assert re.match(r"\d+ passed, (\d+ skipped, )?\d+ deselected in ", last), done.stdout[-500:]
    done = run("-m", "adcore", "backends", "--plain")
    assert done.returncode == 0, done.stderr
    rows = [line.split() for line in done.stdout.splitlines()]
    assert ["complexstep", "adcore-complexstep", "0.1.0", "forward", "-", "yes", "no", "yes",
            "numpy"] in rows


def test_capability_table_lists_what_the_installed_backends_declare() -> None:
    """docs/backends.md's table, which the site regenerates (docs/hooks.py), is current
    for every backend installed here: `adcore backends --markdown` prints it."""
    hooks = _hooks()
    page = (ROOT / "docs" / "backends.md").read_text()
    regenerated, stale = hooks.capability_table(page)
    assert stale == [], f"paste `adcore backends --markdown` into docs/backends.md for {stale}"
    assert "| `AutoFiniteDiff` (`finitediff`) | adcore | forward |" in regenerated
