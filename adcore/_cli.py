"""The ``adcore`` command: ``adcore backends``, ``adcore demo``, ``adcore check``, ``adcore bench``.

Each subcommand is a subparser whose ``func`` default is a function
``_name(args) -> int``; to add a command, add a block to ``_parser`` and its
function below.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """main(argv=None) -> exit status: run the ``adcore`` command line on ``argv`` (or sys.argv)."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else 2
    if args.func is None:
        parser.print_help(sys.stderr)
        return 2
    status: int = args.func(args)
    return status


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="adcore", description="One syntax for differentiating Python functions."
    )
    parser.add_argument("--version", action="version", version=f"adcore {__version__}")
    parser.set_defaults(func=None)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    # --- backends
    p = commands.add_parser("backends", help="installed backends, capabilities, load errors")
    p.add_argument("--plain", action="store_true", help="plain text even if rich is installed")
    p.set_defaults(func=_backends)

    # --- demo
    p = commands.add_parser("demo", help="the tutorial, live, with timings")
    p.add_argument("--backend", default="finitediff", metavar="NAME")
    p.set_defaults(func=_demo)

    # --- check
    p = commands.add_parser("check", help="the conformance suite on one backend")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--scenarios", choices=("all", "default"), default="all",
                   help="scenario families: all (default) or only the default ones")
    p.add_argument("--plain", action="store_true", help="plain text even if rich is installed")
    p.set_defaults(func=_check)

    # --- bench
    p = commands.add_parser("bench", help="benchmark table with a progress bar")
    p.add_argument("--backend", action="append", dest="backends", metavar="NAME")
    p.add_argument("--csv", metavar="FILE")
    p.add_argument("--plot", metavar="FILE")
    p.set_defaults(func=_bench)
    return parser


# --- backends

_COLUMNS = ("name", "distribution", "version", "modes", "native", "inplace", "array families",
            "error")


def _rows() -> list[tuple[str, ...]]:
    from ._plugins import available_backends

    rows = []
    for info in available_backends():
        caps: dict[str, Any] = info.capabilities
        rows.append((
            info.name,
            info.distribution,
            info.version or "-",
            ", ".join(caps.get("modes", ())) or "-",
            ", ".join(caps.get("native", ())) or "-",
            ("yes" if caps["inplace"] else "no") if "inplace" in caps else "-",
            ", ".join(caps.get("array_families", ())) or "-",
            info.error or "",
        ))
    return rows


def _backends(args: argparse.Namespace) -> int:
    rows = _rows()
    if args.plain or not _print_rich(rows):
        _print_plain([_COLUMNS, *rows])
    return 0


def _print_plain(table: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


def _print_rich(rows: list[tuple[str, ...]]) -> bool:
    try:
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text
    except ImportError:
        return False
    table = Table(*_COLUMNS, title="adcore backends")
    for row in rows:
        table.add_row(*map(Text, row[:-1]), Text(row[-1], style="red"))
    Console().print(table)
    return True


# --- demo


def _demo(args: argparse.Namespace) -> int:
    from ._demo import run_demo

    return run_demo(args.backend)


# --- check


def _check(args: argparse.Namespace) -> int:
    from . import backend
    from .errors import AdcoreError

    try:
        chosen = backend(args.name)
        from .testing import Report, all_scenarios, check_differentiation, default_scenarios
    except (AdcoreError, ImportError, TypeError) as e:
        print(f"adcore check: {e}", file=sys.stderr)
        return 2
    scenarios = default_scenarios() if args.scenarios == "default" else all_scenarios()
    report = Report()
    # One scenario at a time, for the progress indication.
    for scenario in _progress(scenarios, f"checking {chosen!r}", plain=args.plain):
        report.results += check_differentiation([chosen], [scenario]).results
    rows = _check_rows(report)
    if args.plain or not _print_rich_checks(rows, title=f"adcore check {chosen!r}"):
        print(f"adcore check {chosen!r}: passed/failed/skipped per operator and check")
        _print_plain(rows)
    for r in report.failures:
        family = "" if r.family == "numpy" else f", {r.family}"
        print(f"{r.status.upper()} {r.check} [{r.scenario}{family}]: {r.message}")
    print(", ".join(f"{report.count(s)} {s}" for s in _STATUSES))
    return 0 if report else 1


_STATUSES = ("passed", "failed", "skipped")


def _check_rows(report: Any) -> list[tuple[str, ...]]:
    """The table: a header, then one row per operator, a cell per check."""
    from .testing import CHECKS
    from .testing._scenario import OPERATORS

    checks = [c.__name__ for c in CHECKS]
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for r in report.results:
        counts.setdefault((r.operator, r.check), dict.fromkeys(_STATUSES, 0))[r.status] += 1
    rows = [("operator", *(c.removeprefix("check_") for c in checks))]
    for operator in OPERATORS:
        if any(op == operator for op, _ in counts):
            rows.append((operator, *(
                "/".join(str(counts[operator, c][s]) for s in _STATUSES) if (operator, c) in counts
                else "-" for c in checks
            )))
    return rows


def _print_rich_checks(rows: list[tuple[str, ...]], title: str) -> bool:
    try:
        from rich import box
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text
    except ImportError:
        return False
    # Two-line headers ("prep\nreuse") keep the twelve check columns within ~130 characters.
    table = Table(title=title, caption="passed/failed/skipped", box=box.SIMPLE_HEAVY,
                  collapse_padding=True, pad_edge=False)
    for header in rows[0]:
        table.add_column(header.replace("_", "\n"), no_wrap=True)
    for row in rows[1:]:
        cells = [Text(row[0])]
        for cell in row[1:]:
            failed = cell != "-" and cell.split("/")[1] != "0"
            cells.append(Text(cell, style="red" if failed else "green" if cell != "-" else "dim"))
        table.add_row(*cells)
    console = Console()
    if not console.is_terminal:  # rich would squeeze a pipe's output into 80 columns
        console = Console(width=140)
    console.print(table)
    return True


def _progress(items: list[Any], what: str, *, plain: bool) -> Any:
    """Yield ``items``, showing how far along on stderr (rich's bar where available)."""
    if not plain:
        try:
            from rich.progress import track
        except ImportError:
            pass
        else:
            from rich.console import Console

            yield from track(items, description=what, console=Console(stderr=True), transient=True)
            return
    tty = sys.stderr.isatty()
    for i, item in enumerate(items):
        if tty:
            print(f"\r{what}: {i}/{len(items)} scenarios", end="", file=sys.stderr, flush=True)
        yield item
    print(f"\r{what}: {len(items)}/{len(items)} scenarios", file=sys.stderr, flush=True)



# --- bench


def _bench(args: argparse.Namespace) -> int:
    print("adcore bench: not yet implemented", file=sys.stderr)
    return 2
