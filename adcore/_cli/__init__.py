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

import adcore as ad

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
    from adcore import __version__

    parser = argparse.ArgumentParser(
        prog="adcore", description="One syntax for differentiating Python functions."
    )
    parser.add_argument("--version", action="version", version=f"adcore {__version__}")
    parser.set_defaults(func=None)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    # --- backends
    p = commands.add_parser("backends", help="installed backends, capabilities, load errors")
    p.add_argument("--plain", action="store_true", help="plain text even if rich is installed")
    p.add_argument("--markdown", action="store_true",
                   help="the capability table in Markdown, for a README or the docs")
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
    p = commands.add_parser("bench", help="benchmark table with a progress bar",
                            description="Time backends on one scenario per operator, "
                            "prepared and unprepared, and count the calls to f.")
    p.add_argument("--backend", action="append", dest="backends", metavar="NAME",
                   help="a backend to time (repeat for several; default: every installed one)")
    p.add_argument("--scenario", action="append", dest="scenarios", metavar="TEXT",
                   help="only scenarios whose name contains TEXT (repeatable)")
    p.add_argument("--operator", action="append", dest="operators", metavar="NAME",
                   help="only this operator, e.g. gradient or value_and_gradient (repeatable)")
    p.add_argument("--csv", metavar="FILE", help="write every row to FILE as CSV")
    p.add_argument("--plot", metavar="FILE",
                   help="draw a figure comparing backends per operator (needs matplotlib)")
    p.add_argument("--min-time", type=float, default=0.05, metavar="SECONDS",
                   help="the least time one sample lasts (default: 0.05)")
    p.add_argument("--samples", type=int, default=7, metavar="N",
                   help="samples per timing; the table shows their median (default: 7)")
    p.add_argument("--plain", action="store_true", help="plain text even if rich is installed")
    p.set_defaults(func=_bench)
    return parser


# --- backends

_COLUMNS = ("name", "distribution", "version", "modes", "native", "inplace", "array families",
            "error")


def _rows() -> list[tuple[str, ...]]:
    rows = []
    for info in ad.available_backends():
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
    if args.markdown:
        print(_markdown())
        return 0
    rows = _rows()
    if args.plain or not _print_rich(rows):
        _print_plain([_COLUMNS, *rows])
    return 0


_MARKDOWN = ("backend (name)", "distribution", "modes", "native operators", "in-place f",
             "contexts", "batched tangents", "array families")


def _markdown() -> str:
    """The capability table of the installed backends, as their classes declare it."""
    lines = ["| " + " | ".join(_MARKDOWN) + " |", "|" + "---|" * len(_MARKDOWN)]
    for info in ad.available_backends():
        if info.error is not None or info.cls is None:
            continue
        caps = info.capabilities
        cells = (f"`{info.cls.__name__}` (`{info.name}`)", info.distribution,
                 ", ".join(caps["modes"]), ", ".join(caps["native"]) or "-",
                 *("yes" if caps[key] else "no" for key in ("inplace", "contexts", "batched_tangents")),
                 ", ".join(caps["array_families"]))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _console(*, stderr: bool = False) -> Any:
    """A rich console; a pipe's gets a wide page, since rich would squeeze it into 80 columns."""
    from rich.console import Console

    console = Console(stderr=stderr)
    return console if console.is_terminal else Console(stderr=stderr, width=160)


def _print_plain(table: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    for row in table:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


def _print_rich(rows: list[tuple[str, ...]]) -> bool:
    try:
        from rich import box
        from rich.table import Table
        from rich.text import Text
    except ImportError:
        return False
    table = Table(title="adcore backends", box=box.SIMPLE_HEAVY)
    for column in _COLUMNS:
        # Lists and errors wrap (between words, so a narrow terminal shows whole names).
        table.add_column(column.replace(" ", "\n"), no_wrap=column in ("name", "version", "inplace"),
                         min_width=18 if column == "native" else None)
    for row in rows:
        table.add_row(*map(Text, row[:-1]), Text(row[-1], style="red"))
    _console().print(table)
    return True


# --- demo


def _demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    return run_demo(args.backend)


# --- check


def _check(args: argparse.Namespace) -> int:
    try:
        chosen = ad.backend(args.name)
        from adcore.testing import Report, all_scenarios, check_differentiation, default_scenarios
    except (ad.AdcoreError, ImportError, TypeError) as e:
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
    from adcore.testing import CHECKS
    from adcore.testing._scenario import OPERATORS

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
        from rich.table import Table
        from rich.text import Text
    except ImportError:
        return False
    # Checks down, operators across, a short cell each: narrow enough for a 100-column terminal.
    operators = [row[0] for row in rows[1:]]
    table = Table(title=title, box=box.SIMPLE_HEAVY, caption="passed; [red]✗ failed[/]; "
                  "[yellow]s skipped[/]; [dim]· not applicable[/]", pad_edge=False,
                  collapse_padding=True)
    table.add_column("check", no_wrap=True)
    for operator in operators:
        table.add_column(operator.replace("_", "\n"), justify="right", no_wrap=True)
    for i, check in enumerate(rows[0][1:], start=1):
        cells = []
        for row in rows[1:]:
            if row[i] == "-":
                cells.append(Text("·", style="dim"))
                continue
            passed, failed, skipped = row[i].split("/")
            cell = Text(passed, style="green" if failed == "0" else "")
            if failed != "0":
                cell.append(f" ✗{failed}", style="bold red")
            if skipped != "0":
                cell.append(f" s{skipped}", style="yellow")
            cells.append(cell)
        table.add_row(check, *cells)
    _console().print(table)
    return True


def _progress(items: list[Any], what: str, *, plain: bool, unit: str = "scenarios",
              describe: Any = None) -> Any:
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
            with rp.Progress(*columns, console=_console(stderr=True), transient=True) as progress:
                task = progress.add_task(what, total=len(items), item="")
                for item in items:
                    progress.update(task, item=describe(item) if describe else "")
                    yield item
                    progress.advance(task)
            return
    tty = sys.stderr.isatty()
    for i, item in enumerate(items):
        if tty:
            print(f"\r{what}: {i}/{len(items)} {unit}", end="", file=sys.stderr, flush=True)
        yield item
    print(f"\r{what}: {len(items)}/{len(items)} {unit}", file=sys.stderr, flush=True)


# --- bench


def _bench(args: argparse.Namespace) -> int:
    from .bench import run_bench

    return run_bench(args)
