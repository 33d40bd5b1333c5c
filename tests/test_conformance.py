"""The conformance suite (adcore.testing) reports as it says: expected failures, check_backend,
parametrize_with_checks, the pytest plugin and ``adcore check``. The broken backends that each
check must catch are in test_broken_backends.py; one of them, AutoFlippedSign, serves here as
the backend that fails.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from test_broken_backends import AutoFlippedSign

import adcore as ad
from adcore._cli import main
from adcore.testing import (
    CHECKS,
    Scenario,
    _checks,
    _checks_contract,
    all_scenarios,
    check_backend,
    check_differentiation,
    default_scenarios,
    parametrize_with_checks,
)

ROOT = Path(__file__).resolve().parent.parent
FD = ad.AutoFiniteDiff()


# --- array families that change dtypes


def test_check_out_allocates_for_a_python_float_x_in_the_dtype_of_the_result() -> None:
    # A Python float x has no dtype; a float32 Constant makes the derivative float32.
    c = np.array([1.0, -2.0, 0.5], dtype=np.float32)
    s = Scenario("derivative", lambda x, c: c * x * x, 0.7, contexts=(ad.Constant(c),),
                 res1=1.4 * c.astype(np.float64), name="float32-constant")
    report = check_differentiation([ad.AutoFiniteDiff(method="complex")], [s], checks=[_checks.check_out])
    assert report and report.count("passed") == 1, str(report)


def test_check_prep_mismatch_picks_a_dtype_that_the_family_keeps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A family like JAX without its 64-bit mode: float64 arrays arrive as float32.
    def fake32(v: np.ndarray) -> np.ndarray:
        return np.asarray(v, dtype=np.float32 if v.dtype == np.float64 else v.dtype)

    real = _checks_contract.to_family
    monkeypatch.setattr(_checks_contract, "to_family",
                        lambda v, family: fake32(v) if family == "fake32" else real(v, family))
    x = np.array([0.5, 1.0])
    assert _checks_contract._other_dtype("numpy", x, x) is np.float32
    assert _checks_contract._other_dtype("numpy", x.astype(np.float32), x.astype(np.float32)) is np.float64
    assert _checks_contract._other_dtype("fake32", x, fake32(x)) is np.float16


# --- expected failures, check_backend, parametrize_with_checks


GRADIENTS = [s for s in default_scenarios() if s.operator == "gradient"][:2]


def test_an_expected_failure_that_fails_is_xfailed() -> None:
    report = check_differentiation([AutoFlippedSign()], GRADIENTS, expected_failed_checks={
        "check_reference": "sign", "check_prep_reuse": "sign", "check_out": "sign",
        "check_state": "sign"})
    assert report and not report.failures
    assert report.count("xfailed") == 4 * len(GRADIENTS) and report.count("failed") == 0


def test_an_expected_failure_that_passes_is_reported() -> None:
    report = check_differentiation([FD], GRADIENTS, expected_failed_checks={"check_value": "no value"})
    assert not report
    assert [r.status for r in report.failures] == ["xpassed"] * len(GRADIENTS)
    assert report.failures[0].message == "expected to fail (no value) but passed"
    assert "XPASSED check_value | AutoFiniteDiff() |" in str(report)


def test_check_backend_raises_assertion_error_with_the_report() -> None:
    with pytest.raises(AssertionError) as info:
        check_backend(AutoFlippedSign(), scenarios=GRADIENTS)
    text = str(info.value)
    assert text.startswith("adcore conformance: ") and "failed" in text.splitlines()[0]
    assert f"FAILED check_reference | AutoFlippedSign() | {GRADIENTS[0].id} | gradient (plain)" in text
    assert check_backend(FD, scenarios=GRADIENTS).count("passed") > 0


def test_parametrize_with_checks_gives_readable_unique_ids_and_xfail_marks() -> None:
    mark = parametrize_with_checks([FD, AutoFlippedSign()], scenarios=all_scenarios(),
                                   expected_failed_checks={"check_out": "because"})
    argnames, params = mark.args
    assert mark.name == "parametrize" and argnames == "backend, check"
    ids = [p.id for p in params]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"(AutoFiniteDiff|AutoFlippedSign)\(\)-check_[a-z_]+\[[\w.-]+\]", i)
               for i in ids), ids[:3]
    assert "AutoFiniteDiff()-check_reference[" + GRADIENTS[0].id + "]" in ids
    xfails = [p for p in params if p.marks]
    assert xfails and all("check_out[" in p.id for p in xfails)
    assert all(m.kwargs == {"strict": True, "reason": "because"} for p in xfails for m in p.marks)


# --- through pytest, in a subprocess


def run_pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "ADCORE_"))}
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


PLUGIN_TEST_FILE = '''
from dataclasses import dataclass

import adcore as ad
from adcore.extend import AbstractBackend
from adcore.testing import default_scenarios, parametrize_with_checks

FD = ad.AutoFiniteDiff()


@dataclass(frozen=True)
class AutoFlippedSign(AbstractBackend):
    modes = frozenset({"forward"})

    def prepare_pushforward(self, f, x, tx, contexts, *, y=None, same_point=False):
        inner = FD.prepare_pushforward(f, x, tx, contexts, y=y, same_point=same_point)
        return Flipped(inner)


class Flipped(ad.extend.AbstractPushforward):
    def __init__(self, inner):
        self.inner = inner

    def value_and_pushforward(self, x, tx, contexts, y=None):
        value, ty = self.inner.value_and_pushforward(x, tx, contexts, y)
        return value, tuple(-t for t in ty)


@parametrize_with_checks(
    [AutoFlippedSign()],
    scenarios=[s for s in default_scenarios() if s.operator == "gradient"][:1],
    expected_failed_checks={"check_reference": "sign", "check_prep_reuse": "sign",
                            "check_out": "sign", "check_state": "sign",
                            "check_value": "wrongly expected"},
)
def test_backend(backend, check):
    check()
'''


def test_parametrize_with_checks_in_pytest_xfails_and_reports_xpass(tmp_path: Path) -> None:
    (tmp_path / "test_flipped.py").write_text(PLUGIN_TEST_FILE)
    done = run_pytest(tmp_path, "-q", "-rfx", "-W", "error")
    assert done.returncode == 1, done.stdout + done.stderr
    summary = done.stdout.strip().splitlines()[-1]
    assert re.match(r"1 failed, \d+ passed, 4 xfailed in ", summary), summary
    assert re.search(r"^FAILED test_flipped.py::test_backend\[AutoFlippedSign\(\)-check_value\[[\w-]+\]\]",
                     done.stdout, re.M), done.stdout
    assert "[XPASS(strict)] wrongly expected" in done.stdout
    assert "XFAIL test_flipped.py::test_backend[AutoFlippedSign()-check_reference[" in done.stdout


def test_entry_point_is_installed() -> None:
    from importlib.metadata import entry_points

    eps = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert eps.get("adcore") == "adcore.testing._pytest_plugin", (
        "adcore's pytest11 entry point is not installed here: reinstall adcore (pip install -e .)"
    )


def test_pytest_adcore_backend_runs_the_suite_in_an_empty_folder(tmp_path: Path) -> None:
    done = run_pytest(tmp_path, "-v", "--adcore-backend=finitediff", "--adcore-scenarios=default")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    assert "adcore conformance suite (default scenarios) on: AutoFiniteDiff()" in done.stdout
    ids = re.findall(r"^(\S+) PASSED", done.stdout, re.M)
    n = len(parametrize_with_checks([FD], scenarios=default_scenarios()).args[1])
    assert len(ids) == n + 1 and n > 100
    assert ids[0].startswith("adcore/testing/_suite.py::test_conformance[AutoFiniteDiff()-check_")
    assert ids[-1] == "adcore/testing/_suite.py::test_conformance_generated[AutoFiniteDiff()]"


def test_pytest_adcore_backend_selects_with_k_and_fails_on_an_unknown_name(tmp_path: Path) -> None:
    done = run_pytest(tmp_path, "-q", "--adcore-backend=finitediff", "-k", "check_batch and pullback")
    assert done.returncode == 0 and re.search(r"\d+ passed, \d+ deselected", done.stdout), done.stdout
    done = run_pytest(tmp_path, "--adcore-backend=nosuchthing")
    assert done.returncode == 4
    assert "--adcore-backend=nosuchthing: No backend named 'nosuchthing'" in done.stderr


INERT = '''
import sys


def test_nothing_added(pytestconfig):
    assert pytestconfig.args == [{cwd!r}]
    assert "adcore.testing._suite" not in sys.modules
    assert pytestconfig.getoption("adcore_backends") == []
'''

HYPOTHESIS = '''
from hypothesis import given, settings, strategies as st

calls = []


@given(st.integers())
def test_counts(i):
    calls.append(i)


def test_max_examples():
    assert settings().max_examples == 7
    assert 0 < len(calls) <= 7
'''


def test_without_its_options_the_plugin_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.pytest.ini_options]\nfilterwarnings = ["error"]\n')
    (tmp_path / "test_inert.py").write_text(INERT.format(cwd=str(tmp_path)))
    done = run_pytest(tmp_path, "-q")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith("1 passed")


def test_adcore_max_examples_loads_a_hypothesis_profile(tmp_path: Path) -> None:
    (tmp_path / "test_hyp.py").write_text(HYPOTHESIS)
    done = run_pytest(tmp_path, "-q", "--adcore-max-examples=7")
    assert done.returncode == 0, done.stdout + done.stderr
    done = run_pytest(tmp_path, "-q", "--adcore-max-examples=0")
    assert done.returncode == 4 and "give a positive number" in done.stderr


# --- adcore check NAME


def test_cli_check_prints_a_table_and_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["check", "finitediff", "--scenarios", "default", "--plain"])
    out = capsys.readouterr().out.splitlines()
    assert status == 0
    assert out[0] == "adcore check AutoFiniteDiff(): passed/failed/skipped per operator and check"
    header = out[1].split()
    assert header == ["operator", *(c.__name__.removeprefix("check_") for c in CHECKS)]
    rows = {line.split()[0]: line.split()[1:] for line in out[2:-1]}
    assert set(rows) == {s.operator for s in default_scenarios()}
    assert all(re.fullmatch(r"\d+/0/0|-", cell) for row in rows.values() for cell in row)
    n = len(check_differentiation([FD], default_scenarios()).results)
    assert out[-1] == f"{n} passed, 0 failed, 0 skipped"


def test_cli_check_lists_failures_and_exits_1(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(ad, "backend", lambda name: AutoFlippedSign())
    status = main(["check", "flipped", "--scenarios", "default", "--plain"])
    out = capsys.readouterr().out
    assert status == 1
    assert re.search(r"^FAILED check_reference \[[\w-]+\]: \w+ \(plain\): res1: ", out, re.M)
    assert re.search(r"^\d+ passed, \d+ failed, 0 skipped$", out, re.M)


def test_cli_check_of_an_unknown_backend_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "nosuchthing"]) == 2
    assert "No backend named 'nosuchthing'" in capsys.readouterr().err


# --- docs


def test_the_docs_list_exactly_the_checks_with_their_docstrings() -> None:
    text = (ROOT / "docs" / "conformance.md").read_text()
    listed = re.findall(r"^- `(check_\w+)`: (.*)$", text, re.M)
    assert [name for name, _ in listed] == [c.__name__ for c in CHECKS]
    for (_, line), check in zip(listed, CHECKS):
        assert line == (check.__doc__ or "").strip().splitlines()[0].replace("``", "`")


def test_call_counts_are_reported():
    from adcore.testing import default_scenarios

    scenarios = [s for s in default_scenarios() if s.operator == "gradient"][:2]
    report = check_differentiation([ad.AutoFiniteDiff(method="forward")], scenarios,
                                   correctness=False, call_count=True)
    assert not report.results
    assert [c.scenario for c in report.calls] == [s.id for s in scenarios]
    for c, s in zip(report.calls, scenarios):
        # forward differences: f(x) and one evaluation per coordinate
        assert c.call == c.value_call == np.size(s.x) + 1
    assert "calls to f (prepare / call / value_and_* call)" in str(report)
