"""Expected failures keyed by check and scenario tag (adcore/testing/_expected.py)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

import adcore as ad
from adcore.extend import AbstractBackend, AbstractPushforward
from adcore.testing import (
    UnknownExpectedFailureError,
    check_differentiation,
    check_reference,
    default_scenarios,
    float32_scenarios,
    parametrize_with_checks,
)
from adcore.testing._expected import ExpectedFailures, known_tags

CHECKS = ["check_reference", "check_batch"]


def test_a_key_is_a_check_or_a_check_and_a_tag() -> None:
    s32, s64 = float32_scenarios()[0], default_scenarios()[0]
    ef = ExpectedFailures({"check_reference[float32]": "f32", "check_batch": "all"}, CHECKS)
    assert ef.reason("check_reference", s32) == "f32"
    assert ef.reason("check_reference", s64) is None
    assert ef.reason("check_batch", s64) == "all"
    by_operator = ExpectedFailures({"check_reference[hvp]": "hvp"}, CHECKS)
    hvp = next(s for s in default_scenarios() if s.operator == "hvp")
    assert by_operator.reason("check_reference", hvp) == "hvp"
    assert by_operator.reason("check_reference", s64) is None


@pytest.mark.parametrize("key, says", [
    ("check_refrence", "no check is named 'check_refrence'"),
    ("check_reference[secnd_order]", "no scenario has the tag 'secnd_order'"),
    ("check_reference[second_order", "write a check's name"),
])
def test_an_unknown_key_is_an_error(key: str, says: str) -> None:
    with pytest.raises(UnknownExpectedFailureError, match=says.replace("[", r"\[")):
        ExpectedFailures({key: "why"}, CHECKS)
    with pytest.raises(ValueError):  # what Python users catch
        check_differentiation([ad.AutoFiniteDiff()], default_scenarios()[:1],
                              expected_failed_checks={key: "why"})
    with pytest.raises(UnknownExpectedFailureError):
        parametrize_with_checks([ad.AutoFiniteDiff()], scenarios=default_scenarios()[:1],
                                expected_failed_checks={key: "why"})


def test_the_tags_are_those_of_the_families_the_scenarios_and_the_operators() -> None:
    tags = known_tags()
    assert {"default", "inplace", "context", "cache", "float32", "second_order", "sparse"} <= tags
    assert {"gradient", "hvp"} <= tags
    mine = ad.testing.Scenario("gradient", lambda x: (x ** 2).sum(), np.ones(2),
                               res1=2 * np.ones(2), tags=("mine",))
    assert ExpectedFailures({"check_reference[mine]": "why"}, CHECKS, [mine]).reason(
        "check_reference", mine) == "why"


class _Doubled(AbstractPushforward):
    def __init__(self, right: Any) -> None:
        self.right = right

    def value_and_pushforward(self, x: Any, tx: Any, contexts: Any, y: Any = None) -> Any:
        value, ty = self.right.value_and_pushforward(x, tx, contexts, y)
        return value, tuple(2 * t for t in ty)


@dataclass(frozen=True)
class WrongOnFloat32(AbstractBackend):
    """Pushforwards doubled for float32 x: wrong on the scenarios tagged float32 only."""

    name: ClassVar[str] = "wrongonfloat32"
    modes: ClassVar[frozenset[str]] = frozenset({"forward"})
    expected_failures: ClassVar[dict[str, str]] = {"check_reference[float32]": "doubled"}

    def prepare_pushforward(self, f: Any, x: Any, tx: Any, contexts: Any, *, y: Any = None,
                            same_point: bool = False) -> Any:
        right = ad.AutoFiniteDiff().prepare_pushforward(f, x, tx, contexts, y=y)
        return _Doubled(right) if getattr(x, "dtype", None) == np.float32 else right


def test_a_backend_declares_its_expected_failures_and_the_suite_takes_them() -> None:
    scenarios = [s for s in (*default_scenarios(), *float32_scenarios())
                 if s.operator == "pushforward"]
    backend = WrongOnFloat32()
    report = check_differentiation([backend], scenarios, checks=[check_reference])
    assert report, str(report)
    assert report.count("xfailed") == sum("float32" in s.tags for s in scenarios) > 0
    assert report.count("passed") == sum("float32" not in s.tags for s in scenarios) > 0
    # given ones are added: here one that passes, reported
    more = check_differentiation([backend], scenarios, checks=[check_reference],
                                 expected_failed_checks={"check_reference[default]": "no"})
    assert {r.status for r in more.failures} == {"xpassed"}


DECLARING_CONFTEST = '''
import adcore as ad

# As a plugin declares them, next to its backend (here patched onto the shipped one).
ad.AutoFiniteDiff.expected_failures = {"check_value[float32]": "declared, and passing"}
'''


def test_pytest_adcore_backend_takes_the_backends_declared_expected_failures(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(DECLARING_CONFTEST)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "ADCORE_"))}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rX",
         "--adcore-backend=finitediff", "-k", "check_value and gradient and not generated"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    out = done.stdout
    assert done.returncode == 1, out + done.stderr
    assert "AutoFiniteDiff() declares expected failures: check_value[float32]" in out
    assert re.search(r"=+ \d+ failed, \d+ passed", out.strip().splitlines()[-1]), out
    assert "[XPASS(strict)] declared, and passing" in out
    assert re.search(r"adcore conformance: time per backend -+\nAutoFiniteDiff\(\): [\d.]+ s in \d+ "
                     "checks", out), out
