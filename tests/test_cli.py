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
                                "array", "families", "error"]
    rows = {line.split()[0] + " " + line.split()[1]: line for line in lines[1:]}
    assert rows["good adcore-good"].split() == ["good", "adcore-good", "0.3.0", "forward", "-",
                                                "no", "numpy"]
    assert rows["fine adcore-bad"].split()[3:7] == ["reverse", "gradient", "yes", "numpy"]
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
