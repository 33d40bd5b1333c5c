"""How every ``adcore`` command prints: tables, plain or rich, a progress bar, Markdown.

rich is the ``[cli]`` extra: it is imported inside the functions that use it,
and without it every command prints plain text. The commands hand over cells
and column layouts; only this module builds rich objects.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import adcore as ad

__all__ = ["Cell", "Column", "chosen", "console", "markdown_table", "page_width", "print_plain",
           "print_rich", "progress", "usable_names"]

T = TypeVar("T")

#: A cell of a rich table: its text, or (text, style) parts, each in rich's style syntax.
Cell = str | Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Column:
    """A column of a rich table: its header, and how its cells lay out."""

    header: str
    justify: Literal["left", "right"] = "left"
    wrap: bool = False
    min_width: int | None = None


def usable_names() -> list[str]:
    """The names of the backends installed here whose plugin loaded."""
    return [info.name for info in ad.available_backends() if info.error is None]


def chosen(command: str, name: str) -> Any:
    """The backend named ``name``, or None after one line on stderr saying why not: the
    same for every command that takes a backend's name."""
    try:
        backend = ad.backend(name)
    except (ad.AdcoreError, ImportError, TypeError) as e:
        print(f"adcore {command}: {e}", file=sys.stderr)
        return None
    if not backend.available():  # a plugin installed without its engine
        print(f"adcore {command}: {backend!r} is not available here (its engine does not import); "
              f"installed: {', '.join(usable_names())}.", file=sys.stderr)
        return None
    return backend


def console(*, stderr: bool = False) -> Any:
    """A rich console; a pipe's gets a wide page, since rich would squeeze it into 80 columns,
    unless ``COLUMNS`` says how wide."""
    from rich.console import Console

    found = Console(stderr=stderr)
    if found.is_terminal or os.environ.get("COLUMNS", "").strip().isdigit():
        return found
    return Console(stderr=stderr, width=160)


def page_width() -> int | None:
    """The width plain tables fit in: the terminal's, or ``COLUMNS``; None (any) for a pipe."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit():
        return int(columns)
    return shutil.get_terminal_size().columns if sys.stdout.isatty() else None


def print_plain(table: Sequence[Sequence[str]], title: str | None = None) -> None:
    """Print ``title``, then ``table`` (a header, then the rows) in columns two spaces apart;
    where the page is too narrow, in groups of columns, each after the first column."""
    width = page_width()
    if title is not None:
        print(title if width is None else textwrap.fill(title, width))
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for n, group in enumerate(_groups(widths, widths, width, lambda k: 2 * (k - 1))):
        if n:
            print()
        for row in table:
            print("  ".join(row[i].ljust(widths[i]) for i in group).rstrip())


def _groups(least: Sequence[int], most: Sequence[int], width: int | None,
            overhead: Callable[[int], int]) -> list[list[int]]:
    """Column indices in groups that fit ``width`` at their ``least`` widths, each group after
    the first column (the rows' names): every column, in order, none left out. One group
    where all fit at their ``most`` widths, or the width is not known."""
    n = len(least)
    if width is None or sum(most) + overhead(n) <= width or n < 2:
        return [list(range(n))]
    groups = [[0]]
    for j in range(1, n):
        group = groups[-1]
        if len(group) > 1 and sum(least[i] for i in (*group, j)) + overhead(len(group) + 1) > width:
            groups.append([0])
        groups[-1].append(j)
    return groups


def _fitted(least: Sequence[int], most: Sequence[int], room: int) -> list[int]:
    """Widths from ``least`` up to ``most``, sharing ``room`` columns in all: first the columns
    that need least to be whole."""
    widths = list(least)
    spare = room - sum(widths)
    for i in sorted(range(len(widths)), key=lambda i: most[i] - least[i]):
        grow = max(0, min(most[i] - widths[i], spare))
        widths[i] += grow
        spare -= grow
    return widths


def print_rich(title: str, columns: Sequence[Column], rows: Iterable[Sequence[Cell]], *,
               caption: str | None = None, compact: bool = False,
               sections: Collection[int] = ()) -> bool:
    """Print a rich table, with a rule before each row whose index is in ``sections``;
    False, printing nothing, where rich is not installed. ``title`` and ``caption``
    take rich markup; cells are text as it is. ``compact`` drops the padding at the edges.

    No cell is cut: where the console is too narrow for the table, wrapping columns wrap
    between words, and if that is not enough, the columns come in several tables, each
    after the first column."""
    try:
        from rich import box
        from rich.measure import Measurement
        from rich.table import Table
        from rich.text import Text
    except ImportError:
        return False
    texts = [[Text(cell) if isinstance(cell, str) else Text.assemble(*cell) for cell in row]
             for row in rows]
    out = console()

    def table(group: Sequence[int], widths: Sequence[int | None], title: str | None,
              caption: str | None) -> Any:
        t = Table(title=title, caption=caption, box=box.SIMPLE_HEAVY, pad_edge=not compact,
                  collapse_padding=compact)
        for i, w in zip(group, widths):
            c = columns[i]
            # Given a width, which holds the column whole wherever it can, a cell longer than
            # the page folds onto the next line rather than being cut.
            t.add_column(c.header, justify=c.justify, no_wrap=w is None and not c.wrap,
                         overflow="fold", min_width=c.min_width if w is None else None, width=w)
        for r, row in enumerate(texts):
            if r in sections:
                t.add_section()
            t.add_row(*(row[i] for i in group))
        return t

    def overhead(k: int) -> int:
        return Measurement.get(out, out.options, table(range(k), [1] * k, None, None)).maximum - k

    lines = [[c.header.split("\n"), *(t.plain.split("\n") for t in (row[i] for row in texts))]
             for i, c in enumerate(columns)]
    most = [max(max(len(line) for line in cell) for cell in col) for col in lines]
    least = [max(max(len(word) for line in cell for word in line.split() or [""]) for cell in col)
             if c.wrap else m for c, col, m in zip(columns, lines, most)]
    most = [max(m, c.min_width or 0) for m, c in zip(most, columns)]
    groups = _groups(least, most, out.width, overhead)
    if len(groups) == 1 and sum(most) + overhead(len(columns)) <= out.width:
        out.print(table(range(len(columns)), [None] * len(columns), title, caption))
        return True
    for n, group in enumerate(groups):
        room = out.width - overhead(len(group))
        widths = _fitted([least[i] for i in group], [most[i] for i in group], room)
        part = title if n == 0 else "(continued)"
        out.print(table(group, widths, part, caption if n == len(groups) - 1 else None))
    return True


def progress(items: Sequence[T], what: str, *, plain: bool, unit: str,
             describe: Callable[[T], str] | None = None) -> Iterator[T]:
    """Yield ``items``, showing how far along on stderr (rich's bar where available);
    ``describe(item)``, if given, names the item under way."""
    if not plain:
        try:
            from rich import progress as rp
        except ImportError:
            pass
        else:
            columns = (rp.TextColumn("{task.description}"), rp.BarColumn(), rp.MofNCompleteColumn(),
                       rp.TimeElapsedColumn(), rp.TextColumn("[dim]{task.fields[item]}"))
            with rp.Progress(*columns, console=console(stderr=True), transient=True) as bar:
                task = bar.add_task(what, total=len(items), item="")
                for item in items:
                    bar.update(task, item=describe(item) if describe else "")
                    yield item
                    bar.advance(task)
            return
    tty = sys.stderr.isatty()
    for i, item in enumerate(items):
        if tty:
            print(f"\r{what}: {i}/{len(items)} {unit}", end="", file=sys.stderr, flush=True)
        yield item
    print(f"\r{what}: {len(items)}/{len(items)} {unit}", file=sys.stderr, flush=True)


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """The rows under ``header`` as a Markdown table.

    >>> print(markdown_table(("a", "b"), [("1", "2")]))
    | a | b |
    |---|---|
    | 1 | 2 |
    """
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
