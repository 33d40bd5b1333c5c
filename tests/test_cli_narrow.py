"""The command line's tables at 80 columns: no cell cut, no column dropped, with rich
(``[cli]``) and without it, in process."""

from __future__ import annotations

import argparse
import sys

import pytest

from adcore._cli import main
from adcore._cli.bench import _HEADER, _print_table
from adcore._cli.check import _rows
from adcore.testing import BenchmarkResult, BenchmarkRow, Report

WIDTH = 80
LAYOUTS = ["rich", "plain", "no rich"]


@pytest.fixture(params=LAYOUTS)
def layout(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The extra arguments of a command, for rich's tables, --plain, or rich not installed."""
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    if request.param == "rich":
        pytest.importorskip("rich")
    if request.param == "no rich":
        for name in [m for m in sys.modules if m == "rich" or m.startswith("rich.")]:
            monkeypatch.delitem(sys.modules, name)
        monkeypatch.setitem(sys.modules, "rich", None)  # import rich raises ImportError
    return ["--plain"] if request.param == "plain" else []


def assert_readable(out: str, words: list[str]) -> None:
    """Every line fits, no cell ends cut ('…'), and every header and row name is there whole."""
    assert out.strip()
    too_long = [line for line in out.splitlines() if len(line.rstrip()) > WIDTH]
    assert not too_long, "\n".join(too_long)
    assert "…" not in out, out
    missing = [w for w in words if w not in out]
    assert not missing, f"{missing} missing from:\n{out}"


def test_backends_fits_80_columns(layout: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backends", *layout]) == 0
    out = capsys.readouterr().out
    assert_readable(out, ["name", "distribution", "version", "modes", "native", "inplace", "nested",
                          "thread-safe", "array", "families", "error", "finitediff", "adcore",
                          "second_derivative"])


def test_check_fits_80_columns(layout: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "finitediff", "--scenarios", "default", *layout]) == 0
    out = capsys.readouterr().out
    header, *rows = _rows(Report())  # the checks, whatever the suite holds
    operators = ["derivative", "gradient", "jacobian", "hessian", "pushforward", "pullback", "hvp"]
    assert not rows
    assert_readable(out, [*header[1:], *operators])
    assert "second" in out


def test_bench_fits_80_columns(layout: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    args = ["bench", "--backend", "finitediff", "--operator", "value_gradient_and_hessian",
            "--operator", "hvp", "--min-time", "0.0001", "--samples", "1", *layout]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert_readable(out, ["operator", "scenario", "backend", "prepared", "unprepared", "preparation",
                          "calls", "value_gradient_and_hessian", "rosenbrock-32", "AutoFiniteDiff()",
                          " µs", "129/129"])


def test_bench_of_several_backends_fits_80_columns(layout: list[str],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """All eight columns, long names, and times in every unit."""
    long_name = "AutoFiniteDiff(method='forward', step='adaptive')"
    result = BenchmarkResult([
        BenchmarkRow(backend, "rosenbrock-32", operator, prepared, 2049, t * (1 if prepared else 3),
                     t, 7, 1.5e-5 if prepared else None)
        for backend, t in ((long_name, 0.0123), ("AutoFiniteDiff()", 7.51e-5))
        for operator in ("value_gradient_and_hessian", "gradient") for prepared in (True, False)
    ])
    _print_table(result, argparse.Namespace(samples=7, plain=bool(layout)))
    out = capsys.readouterr().out
    # The long repr may wrap between its options.
    assert_readable(out, [*(w for h in _HEADER for w in h.split()), *long_name.split(), "12.3 ms",
                          "75.1 µs", "225 µs", "15 µs", "2049/2049", "164x"])
