"""``adcore bench``: time backends on the benchmark scenarios; a table, a CSV file, a figure."""

from __future__ import annotations

import argparse
import math
import sys
from typing import Any

import adcore as ad
from adcore._core.timing import format_seconds

from . import render

__all__ = ["plot", "run_bench", "table_rows"]

_HEADER = ("operator", "scenario", "backend", "prepared", "unprepared", "preparation",
           "calls to f", "vs fastest")


def run_bench(args: argparse.Namespace) -> int:
    from adcore.testing import BenchmarkResult, benchmark_differentiation, benchmark_scenarios
    from adcore.testing._benchmark import OPERATOR_NAMES, unknown_operators

    if args.plot:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            print("adcore bench: --plot needs matplotlib, which is not installed. Install it with "
                  "`pip install matplotlib` (or `pip install \"adcore[bench]\"`).", file=sys.stderr)
            return 2
    names = args.backends or [i.name for i in ad.available_backends() if i.error is None]
    try:
        backends = [ad.backend(name) for name in names]
    except (ad.AdcoreError, ImportError, TypeError) as e:
        print(f"adcore bench: {e}", file=sys.stderr)
        return 2
    missing = [b for b in backends if not b.available()]
    for b in missing:  # a plugin installed without its engine
        print(f"adcore bench: {b!r} is not available here (its engine does not import); "
              f"{'stopping' if args.backends else 'leaving it out'}", file=sys.stderr)
    if missing and args.backends:
        return 2
    backends = [b for b in backends if b not in missing]
    problem = unknown_operators(args.operators or ())
    if problem:
        print(f"adcore bench: {problem}", file=sys.stderr)
        return 2
    families = {OPERATOR_NAMES[op] for op in args.operators or ()}
    scenarios = [s for s in benchmark_scenarios()
                 if (not args.scenarios or any(part in s.id for part in args.scenarios))
                 and (not families or s.operator in families)]
    if not scenarios:
        print("adcore bench: no scenario matches; the scenarios are "
              f"{', '.join(sorted({s.id for s in benchmark_scenarios()}))}", file=sys.stderr)
        return 2

    status = 0
    result = BenchmarkResult()
    pairs = [(b, s) for b in backends for s in scenarios]
    for b, s in render.progress(pairs, "benchmarking", plain=args.plain, unit="runs",
                          describe=lambda pair: f"{pair[0]!r} {pair[1].operator} {pair[1].id}"):
        try:
            found = benchmark_differentiation([b], [s], operators=args.operators,
                                              min_time=args.min_time, samples=args.samples)
        except Exception as e:  # one broken backend does not stop the others
            print(f"adcore bench: {b!r} failed on {s.operator} {s.id}: {type(e).__name__}: {e}",
                  file=sys.stderr)
            status = 1
            continue
        result.rows += found.rows
        result.skipped += found.skipped

    _print_table(result, args)
    for backend_repr, scenario, operator, reason in result.skipped:
        print(f"skipped {operator} {scenario} on {backend_repr}: {reason}")
    if args.csv:
        result.to_csv(args.csv)
        print(f"wrote {args.csv}")
    if args.plot and result.rows:
        plot(result, args.plot)
        print(f"wrote {args.plot}")
    return status


# --- the table


def table_rows(result: Any) -> list[tuple[Any, ...]]:
    """One row per backend, scenario and operator: prepared and unprepared side by side.

    Cells: operator, scenario, backend, prepared median, unprepared median,
    preparation time (seconds or None), calls to f (prepared / unprepared), and
    the prepared time over the fastest backend's on the same operator and scenario.
    """
    from adcore.testing._benchmark import OPERATOR_NAMES

    pairs: dict[tuple[str, str, str], dict[bool, Any]] = {}
    for r in result.rows:
        pairs.setdefault((r.operator, r.scenario, r.backend), {})[r.prepared] = r
    backends = list(dict.fromkeys(r.backend for r in result.rows))
    rank = {name: i for i, name in enumerate(OPERATOR_NAMES)}  # first order first, each by its variant

    def order(key: tuple[str, str, str]) -> tuple[Any, ...]:
        operator, scenario, backend = key
        return (rank.get(operator, len(rank)), scenario, backends.index(backend))

    fastest: dict[tuple[str, str], float] = {}
    for (operator, scenario, _), both in pairs.items():
        if True in both:
            best = fastest.get((operator, scenario), math.inf)
            fastest[operator, scenario] = min(best, both[True].median)
    rows = []
    for key in sorted(pairs, key=order):
        operator, scenario, backend = key
        both = pairs[key]
        prepared, unprepared = both.get(True), both.get(False)
        calls = "/".join("-" if r is None else str(r.calls) for r in (prepared, unprepared))
        ratio = None if prepared is None else prepared.median / fastest[operator, scenario]
        rows.append((operator, scenario, backend,
                     None if prepared is None else prepared.median,
                     None if unprepared is None else unprepared.median,
                     None if prepared is None else prepared.prep_time, calls, ratio))
    return rows


def _cells(row: tuple[Any, ...]) -> tuple[str, ...]:
    operator, scenario, backend, prepared, unprepared, prep, calls, ratio = row
    seconds = lambda v: "-" if v is None else format_seconds(v)
    return (operator, scenario, backend, seconds(prepared), seconds(unprepared), seconds(prep),
            calls, "-" if ratio is None else f"{ratio:.0f}x" if ratio >= 100 else f"{ratio:.2g}x")


def _print_table(result: Any, args: argparse.Namespace) -> None:
    rows = table_rows(result)
    several = len({r[2] for r in rows}) > 1
    # With one backend, "vs fastest" says nothing.
    width = len(_HEADER) if several else len(_HEADER) - 1
    title = (f"adcore bench: seconds per call, median of {args.samples} samples "
             "(calls to f: prepared/unprepared)")
    if not args.plain:
        # Backends' reprs wrap between their options on a narrow page.
        columns = [render.Column(h, justify="right" if i >= 3 else "left", wrap=h == "backend")
                   for i, h in enumerate(_HEADER[:width])]
        sections = {i for i in range(1, len(rows)) if several and rows[i][0] != rows[i - 1][0]}
        if render.print_rich(title, columns, [_styled(row, several)[:width] for row in rows],
                             sections=sections):
            return
    render.print_plain([_HEADER[:width], *(_cells(row)[:width] for row in rows)], title)


def _styled(row: tuple[Any, ...], several: bool) -> list[render.Cell]:
    """The cells; among several backends, the fastest one's time and ratio in bold green."""
    plain = _cells(row)
    cells: list[render.Cell] = list(plain)
    if several and row[7] is not None and row[7] <= 1.0:
        for i in (3, 7):
            cells[i] = [(plain[i], "bold green")]
    return cells


# --- the figure


def plot(result: Any, path: str) -> None:
    """plot(result, path) -> None: one panel per operator, a pair of bars per backend
    (prepared, solid; unprepared, hatched), time per call on one log scale for all panels."""
    from matplotlib import colormaps
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    rows = table_rows(result)
    operators = list(dict.fromkeys(r[0] for r in rows))
    backends = list(dict.fromkeys(r[2] for r in rows))
    colors = {b: colormaps["tab10"](i % 10) for i, b in enumerate(backends)}
    times = [t for r in rows for t in (r[3], r[4]) if t is not None and t > 0]
    # Bars on a log scale start from a common floor, a power of ten, so that lengths compare;
    # on the right, room for the labels beside the longest bars.
    xlim = (10.0 ** math.floor(math.log10(min(times)) - 0.1), max(times) * 8)
    ncols = min(4, len(operators))
    nrows = math.ceil(len(operators) / ncols)
    per_panel = max(sum(1 for r in rows if r[0] == op) for op in operators)
    legend_rows = math.ceil((len(backends) + 2) / 5)
    height = (0.9 + 0.5 * per_panel) * nrows + 0.6 + 0.3 * legend_rows
    fig = Figure(figsize=(3.6 * ncols, height))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for ax in axes.flat[len(operators):]:
        ax.set_visible(False)
    for ax, operator in zip(axes.flat, operators):
        _panel(ax, operator, [r for r in rows if r[0] == operator], colors, xlim, per_panel)
    handles = [Patch(facecolor=colors[b], edgecolor=colors[b], label=b) for b in backends]
    handles += [Patch(facecolor="0.3", edgecolor="0.3", label="prepared"),
                Patch(facecolor="0.3", alpha=0.4, hatch="///", edgecolor="0.3", label="unprepared")]
    fig.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 1 - 0.36 / height),
               ncols=min(len(handles), 5), fontsize=9, frameon=False)
    fig.suptitle("adcore bench: time per call (median), log scale: shorter is faster",
                 x=0.5, y=1 - 0.08 / height, va="top", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 1 - (0.1 + 0.3 * legend_rows) / height))
    fig.savefig(path, dpi=130)


def _panel(ax: Any, operator: str, rows: list[tuple[Any, ...]], colors: dict[str, Any],
           xlim: tuple[float, float], slots: int) -> None:
    """One operator's bars, top to bottom in table order: a pair per backend and scenario,
    in ``slots`` rows, the same in every panel, so that bars are the same thickness."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    scenarios = list(dict.fromkeys(r[1] for r in rows))
    for i, (_, _, backend, prepared, unprepared, *_rest) in enumerate(rows):
        y = len(rows) - 1 - i
        for value, offset, hatched in ((prepared, 0.19, False), (unprepared, -0.19, True)):
            if value is None:
                continue
            ax.barh(y + offset, value - xlim[0], left=xlim[0], height=0.36, color=colors[backend],
                    alpha=0.4 if hatched else 1.0, hatch="///" if hatched else None,
                    edgecolor=colors[backend], linewidth=0.8)
            ax.text(value * 1.15, y + offset, format_seconds(value), va="center", fontsize=7.5)
    if len(scenarios) > 1:  # label each scenario's group of bars
        ys = {s: [len(rows) - 1 - i for i, r in enumerate(rows) if r[1] == s] for s in scenarios}
        ax.set_yticks([sum(v) / len(v) for v in ys.values()], scenarios, fontsize=8)
    else:
        ax.set_yticks([])
    ax.set_xscale("log")
    ax.set_xlim(*xlim)
    ax.set_ylim(len(rows) - slots - 0.4, len(rows) - 0.4)
    ax.xaxis.set_major_locator(LogLocator(base=10))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_seconds(v)))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.tick_params(axis="x", labelsize=7.5)
    ax.grid(axis="x", which="major", alpha=0.3)
    ax.set_axisbelow(True)
    title = operator if len(scenarios) > 1 else f"{operator}  ({scenarios[0]})"
    ax.set_title(title, fontsize=10, loc="left")
