"""The tutorial (docs/index.md) as written, on every installed backend: only the backend
changes. Each plugin's tests run it on their engine too (``run_tutorial``), since the
core's session has finite differences only."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import adcore as ad

PAGE = Path(__file__).resolve().parent.parent / "docs" / "index.md"
#: The sections whose examples take any backend, after the first, which defines f.
SECTIONS = ("Writing f once for every engine", "Overwriting a gradient", "Preparing for many gradients")


def tutorial_blocks() -> list[tuple[str, str]]:
    """(section, code) of every Python block of the tutorial, in order."""
    text = PAGE.read_text()
    found = []
    for block in re.finditer(r"^```python\n(.*?)^```", text, re.S | re.M):
        headings = re.findall(r"^## (.+)$", text[:block.start()], re.M)
        found.append((headings[-1] if headings else "", block.group(1)))
    return found


def run_tutorial(backend: Any) -> dict[str, Any]:
    """The tutorial's first example (which defines ``f`` and ``x``), then those of
    ``SECTIONS`` with ``backend`` in place of finite differences; its namespace."""
    blocks = tutorial_blocks()
    namespace: dict[str, Any] = {}
    exec(compile(blocks[0][1], f"{PAGE.name}[block 0]", "exec"), namespace)
    f, x = namespace["f"], namespace["x"]
    namespace["backend"] = backend
    assert np.allclose(ad.gradient(f, backend, x), 2 * x)
    ran = set()
    for i, (section, code) in enumerate(blocks[1:], start=1):
        if section in SECTIONS:
            exec(compile(code, f"{PAGE.name}[block {i}]", "exec"), namespace)
            ran.add(section)
    assert ran == set(SECTIONS), f"docs/index.md lacks the sections {set(SECTIONS) - ran}"
    # What `adcore demo` shows besides: a Jacobian and a Hessian-vector product.
    J = ad.jacobian(lambda x: x[1:] * x[:-1], backend, x)
    n = x.size
    expected = np.eye(n - 1, n) * x[1:, None] + np.eye(n - 1, n, k=1) * x[:-1, None]
    assert np.allclose(J, expected, atol=1e-6)
    (hv,) = ad.hvp(f, backend, x, (np.ones_like(x),))
    assert np.allclose(hv, 2.0, atol=1e-4)
    return namespace


def installed() -> list[str]:
    return [info.name for info in ad.available_backends() if info.error is None]


@pytest.mark.parametrize("name", installed())
def test_the_tutorial_runs_on_every_installed_backend(name: str) -> None:
    backend = ad.backend(name)
    if not ad.check_available(backend):
        pytest.skip(f"{backend!r}: its engine is not installed")
    run_tutorial(backend)
