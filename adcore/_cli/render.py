"""How every ``adcore`` command prints: tables, plain or rich, a progress bar, Markdown.

rich is the ``[cli]`` extra: it is imported inside the functions that use it,
and without it every command prints plain text. The commands hand over cells
and column layouts; only this module builds rich objects.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

__all__ = ["Cell", "Column", "console", "markdown_table", "print_plain", "print_rich", "progress"]

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


def console(*, stderr: bool = False) -> Any:
    """A rich console; a pipe's gets a wide page, since rich would squeeze it into 80 columns."""
    from rich.console import Console

    found = Console(stderr=stderr)
    return found if found.is_terminal else Console(stderr=stderr, width=160)


def print_plain(table: Sequence[Sequence[str]], title: str | None = None) -> None:
    """Print ``title``, then ``table`` (a header, then the rows) in columns two spaces apart."""
    if title is not None:
        print(title)
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


def print_rich(title: str, columns: Sequence[Column], rows: Iterable[Sequence[Cell]], *,
               caption: str | None = None, compact: bool = False,
               sections: Collection[int] = ()) -> bool:
    """Print a rich table, with a rule before each row whose index is in ``sections``;
    False, printing nothing, where rich is not installed. ``title`` and ``caption``
    take rich markup; cells are text as it is. ``compact`` drops the padding at the edges."""
    try:
        from rich import box
        from rich.table import Table
        from rich.text import Text
    except ImportError:
        return False
    table = Table(title=title, caption=caption, box=box.SIMPLE_HEAVY, pad_edge=not compact,
                  collapse_padding=compact)
    for c in columns:
        table.add_column(c.header, justify=c.justify, no_wrap=not c.wrap, min_width=c.min_width)
    for i, row in enumerate(rows):
        if i in sections:
            table.add_section()
        table.add_row(*(Text(cell) if isinstance(cell, str) else Text.assemble(*cell) for cell in row))
    console().print(table)
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
