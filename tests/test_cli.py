"""The ``adcore`` command line (adcore._cli), run as ``python -m adcore`` in a subprocess."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_plugins import build_site, run_python


@pytest.fixture(scope="module")
def paths(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_site(tmp_path_factory.mktemp("cli"))


def test_backends_prints_a_table_with_versions_capabilities_and_errors(
    paths: dict[str, Path],
) -> None:
    done = run_python(paths, ["-m", "adcore", "backends"])
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["name", "distribution", "version", "modes", "native", "inplace",
                                "nested", "thread-safe", "array", "families", "error"]
    rows = {line.split()[0] + " " + line.split()[1]: line for line in lines[1:]}
    assert rows["good adcore-good"].split() == ["good", "adcore-good", "0.3.0", "forward", "-",
                                                "no", "yes", "no", "numpy"]
    assert rows["fine adcore-bad"].split()[3:9] == ["reverse", "gradient", "yes", "yes", "no", "numpy"]
    assert "ImportError: adcore-broken needs the engine" in rows["broken adcore-broken"]
    assert "already taken by AutoGood" in rows["good adcore-twin"]
    assert lines[1].startswith("finitediff")
    # The columns line up: every row's distribution starts where the header's does.
    column = lines[0].index("distribution")
    assert all(line[column - 2:column] == "  " and line[column] != " " for line in lines[1:])


def test_backends_with_no_plugins_lists_the_core(paths: dict[str, Path]) -> None:
    done = run_python(paths, ["-m", "adcore", "backends", "--plain"], plugins="")
    assert done.returncode == 0, done.stderr
    assert [line.split()[:2] for line in done.stdout.splitlines()[1:]] == [
        ["finitediff", "adcore"]
    ]


def test_no_command_prints_usage_and_fails(paths: dict[str, Path]) -> None:
    done = run_python(paths, ["-m", "adcore"])
    assert done.returncode == 2
    assert "usage: adcore" in done.stderr and "backends" in done.stderr


def test_backends_markdown_is_the_capability_table(paths: dict[str, Path]) -> None:
    done = run_python(paths, ["-m", "adcore", "backends", "--markdown"], plugins="")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("| backend (name) | distribution | modes | native operators |")
    assert lines[2].startswith("| `AutoFiniteDiff` (`finitediff`) | adcore | forward | derivative, ")


BENCH = ["-m", "adcore", "bench", "--min-time", "0.0001", "--samples", "3"]


def test_bench_prints_a_table_and_writes_csv(paths: dict[str, Path], tmp_path: Path) -> None:
    csv_path = tmp_path / "out.csv"
    done = run_python(paths, [*BENCH, "--backend", "finitediff", "--operator", "gradient",
                              "--operator", "value_and_gradient", "--csv", str(csv_path)])
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("adcore bench: seconds per call, median of 3 samples")
    assert lines[1].split() == ["operator", "scenario", "backend", "prepared", "unprepared",
                                "preparation", "calls", "to", "f"]
    assert [line.split()[:3] for line in lines[2:4]] == [
        ["gradient", "rosenbrock-32", "AutoFiniteDiff()"],
        ["value_and_gradient", "rosenbrock-32", "AutoFiniteDiff()"]]
    assert lines[2].split()[-1] == "65/65"  # central differences: 2 calls per coordinate, and f(x)
    assert lines[-1] == f"wrote {csv_path}"
    rows = csv_path.read_text().splitlines()
    assert rows[0] == "backend,scenario,operator,prepared,calls,median,min,samples,prep_time"
    assert len(rows) == 1 + 4
    assert "benchmarking: 1/1 runs" in done.stderr  # the progress, without rich


def test_bench_without_backends_times_every_installed_one(paths: dict[str, Path]) -> None:
    done = run_python(paths, [*BENCH, "--operator", "derivative"], plugins="")
    assert done.returncode == 0, done.stderr
    assert [line.split()[:3] for line in done.stdout.splitlines()[2:]] == [
        ["derivative", "trig", "AutoFiniteDiff()"]]


@pytest.mark.parametrize(("args", "message"), [
    (["--operator", "grad"], "unknown operator 'grad'; choose from derivative, value_and_derivative, "),
    (["--scenario", "nothing"], "no scenario matches; the scenarios are rosenbrock-32, shiftprod-32"),
    (["--plot", "out.png"], "--plot needs matplotlib, which is not installed. Install it with "
                            "`pip install matplotlib`"),
])
def test_bench_usage_errors(paths: dict[str, Path], args: list[str], message: str) -> None:
    done = run_python(paths, [*BENCH, *args], plugins="")
    assert done.returncode == 2
    assert message in done.stderr
