"""``adcore bench``'s table and figure (adcore._cli.bench), in process, with rich and matplotlib."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest

from adcore._cli import main
from adcore._cli.bench import plot, table_rows
from adcore.extend import AbstractBackend
from adcore.testing import BenchmarkResult, BenchmarkRow


def rows(backend: str, scale: float) -> list[BenchmarkRow]:
    return [
        BenchmarkRow(backend, "s", operator, prepared, 3, scale * base * (1 if prepared else 2),
                     scale * base, 7, 1e-5 if prepared else None)
        for operator, base in (("hessian", 1e-3), ("gradient", 1e-5), ("value_and_gradient", 2e-5))
        for prepared in (False, True)
    ]


RESULT = BenchmarkResult([*rows("Slow()", 10.0), *rows("Fast()", 1.0)])


def test_table_rows_pair_prepared_with_unprepared_in_operator_order() -> None:
    table = table_rows(RESULT)
    assert [(r[0], r[2]) for r in table] == [
        ("gradient", "Slow()"), ("gradient", "Fast()"),
        ("value_and_gradient", "Slow()"), ("value_and_gradient", "Fast()"),
        ("hessian", "Slow()"), ("hessian", "Fast()"),
    ]
    assert table[0][3:7] == (1e-4, 2e-4, 1e-5, "3/3")  # prepared, unprepared, preparation, calls
    assert table[0][7] == pytest.approx(10.0) and table[1][7] == pytest.approx(1.0)  # vs fastest


def test_plot_writes_a_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    plot(RESULT, str(tmp_path / "out.png"))
    assert (tmp_path / "out.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bench_with_rich_and_matplotlib(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("rich")
    pytest.importorskip("matplotlib")
    png, csv = tmp_path / "out.png", tmp_path / "out.csv"
    status = main(["bench", "--backend", "finitediff", "--operator", "pushforward", "--min-time",
                   "0.0001", "--samples", "3", "--plot", str(png), "--csv", str(csv)])
    out = capsys.readouterr().out
    assert status == 0
    assert "adcore bench" in out and "━" in out
    assert "pushforward   shiftprod-32   AutoFiniteDiff()" in out
    assert out.splitlines()[-2:] == [f"wrote {csv}", f"wrote {png}"]
    assert png.read_bytes()[:4] == b"\x89PNG" and csv.read_text().count("\n") == 3


@dataclass(frozen=True)
class Unavailable(AbstractBackend):
    name: ClassVar[str] = "unavailable"
    modes: ClassVar[frozenset[str]] = frozenset({"forward"})

    def available(self) -> bool:
        return False


def test_bench_refuses_a_named_backend_whose_engine_is_missing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("adcore._registry.plugins.backend", lambda name: Unavailable())
    assert main(["bench", "--backend", "unavailable", "--plain"]) == 2
    assert "Unavailable() is not available here (its engine does not import)" in capsys.readouterr().err
