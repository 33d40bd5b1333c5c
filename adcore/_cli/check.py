"""``adcore check NAME``: the conformance suite on one backend, a table and a summary."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from . import render

__all__ = ["run_check"]

_STATUSES = ("passed", "failed", "skipped")

_CAPTION = "passed; [red]✗ failed[/]; [yellow]s skipped[/]; [dim]· not applicable[/]"


def run_check(args: argparse.Namespace) -> int:
    chosen = render.chosen("check", args.name)
    if chosen is None:
        return 2
    try:
        from adcore.testing import Report, all_scenarios, check_differentiation, default_scenarios
    except ImportError as e:
        print(f"adcore check: {e}", file=sys.stderr)
        return 2
    scenarios = default_scenarios() if args.scenarios == "default" else all_scenarios()
    report = Report()
    # One scenario at a time, for the progress indication.
    for scenario in render.progress(scenarios, f"checking {chosen!r}", plain=args.plain,
                                    unit="scenarios"):
        part = check_differentiation([chosen], [scenario])
        report.results += part.results
        report.notes = list(dict.fromkeys([*report.notes, *part.notes]))
    rows = _rows(report)
    columns, turned = _turned(rows)
    if args.plain or not render.print_rich(f"adcore check {chosen!r}", columns, turned,
                                           caption=_CAPTION, compact=True):
        render.print_plain(rows, f"adcore check {chosen!r}: passed/failed/skipped per operator "
                                 "and check")
    for note in report.notes:  # e.g. second order through finite differences (nested=False)
        print(note)
    for r in report.failures:
        family = "" if r.family == "numpy" else f", {r.family}"
        print(f"{r.status.upper()} {r.check} [{r.scenario}{family}]: {r.message}")
    print(", ".join(f"{report.count(s)} {s}" for s in (*_STATUSES, "xfailed", "xpassed")
                    if s in _STATUSES or report.count(s)))
    return 0 if report else 1


def _rows(report: Any) -> list[tuple[str, ...]]:
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


def _turned(rows: list[tuple[str, ...]]) -> tuple[list[render.Column], list[list[render.Cell]]]:
    """The table turned around for rich, checks down and operators across, a short cell each:
    narrow enough for a 100-column terminal."""
    columns = [render.Column("check")]
    columns += [render.Column(row[0].replace("_", "\n"), justify="right") for row in rows[1:]]
    cells = [[check, *(_cell(row[i]) for row in rows[1:])]
             for i, check in enumerate(rows[0][1:], start=1)]
    return columns, cells


def _cell(counts: str) -> render.Cell:
    """``passed/failed/skipped`` as the passed count in green, then the failures and skips."""
    if counts == "-":
        return [("·", "dim")]
    passed, failed, skipped = counts.split("/")
    cell = [(passed, "green" if failed == "0" else "")]
    if failed != "0":
        cell.append((f" ✗{failed}", "bold red"))
    if skipped != "0":
        cell.append((f" s{skipped}", "yellow"))
    return cell
