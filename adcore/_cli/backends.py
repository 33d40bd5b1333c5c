"""``adcore backends``: the installed backends, their capabilities and load errors."""

from __future__ import annotations

import argparse
from typing import Any

import adcore as ad

from . import render

__all__ = ["capability_markdown", "run_backends"]

_COLUMNS = ("name", "distribution", "version", "modes", "native", "inplace", "nested",
            "thread-safe", "array families", "error")

_YES_NO = ("inplace", "nested", "thread_safe")
_WHOLE = ("name", "version", "inplace", "nested", "thread-safe")  # columns that never wrap

_MARKDOWN = ("backend (name)", "distribution", "modes", "native operators", "in-place f",
             "contexts", "batched tangents", "nested", "thread-safe", "array families")


def run_backends(args: argparse.Namespace) -> int:
    if args.markdown:
        print(capability_markdown())
        return 0
    rows = _rows()
    # Lists and errors wrap (between words, so a narrow terminal shows whole names).
    columns = [render.Column(c.replace(" ", "\n"), wrap=c not in _WHOLE,
                             min_width=18 if c == "native" else None) for c in _COLUMNS]
    styled: list[list[render.Cell]] = [[*row[:-1], [(row[-1], "red")]] for row in rows]
    if args.plain or not render.print_rich("adcore backends", columns, styled):
        render.print_plain([_COLUMNS, *rows])
    return 0


def _rows() -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for info in ad.available_backends():
        caps: dict[str, Any] = info.capabilities
        rows.append((
            info.name,
            info.distribution,
            info.version or "-",
            ", ".join(caps.get("modes", ())) or "-",
            ", ".join(caps.get("native", ())) or "-",
            *(("yes" if caps[key] else "no") if key in caps else "-" for key in _YES_NO),
            ", ".join(caps.get("array_families", ())) or "-",
            info.error or "",
        ))
    return rows


def capability_markdown() -> str:
    """The capability table of the installed backends, as their classes declare it."""
    rows = []
    for info in ad.available_backends():
        if info.error is not None or info.cls is None:
            continue
        caps = info.capabilities
        rows.append((f"`{info.cls.__name__}` (`{info.name}`)", info.distribution,
                     ", ".join(caps["modes"]), ", ".join(caps["native"]) or "-",
                     *("yes" if caps[key] else "no"
                       for key in ("inplace", "contexts", "batched_tangents", "nested", "thread_safe")),
                     ", ".join(caps["array_families"])))
    return render.markdown_table(_MARKDOWN, rows)
