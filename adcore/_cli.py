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
        table = [_COLUMNS, *rows]
        widths = [max(len(row[i]) for row in table) for i in range(len(_COLUMNS))]
        for row in table:
            print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    return 0


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
    print("adcore check: not yet implemented", file=sys.stderr)
    return 2


# --- bench


def _bench(args: argparse.Namespace) -> int:
    print("adcore bench: not yet implemented", file=sys.stderr)
    return 2
