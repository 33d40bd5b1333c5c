"""Every Python code block in README.md and docs/ runs, in order, per page.

A block whose first line is `# requires: MODULE` runs only where MODULE imports
(an engine's plugin); elsewhere it is skipped, and said so.
"""

from __future__ import annotations

import importlib.util
import re
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
        if required and importlib.util.find_spec(required.group(1)) is None:
            skipped.append(required.group(1))
            continue
        exec(compile(code, f"{page.name}[block {i}]", "exec"), namespace)
    if skipped and len(skipped) == len(blocks(page)):
        pytest.skip(f"needs {', '.join(skipped)}")


def test_every_page_has_code() -> None:
    assert all(blocks(page) for page in PAGES)
