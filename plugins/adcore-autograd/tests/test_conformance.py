"""The adcore conformance suite on AutoAutograd, in each mode."""

from typing import Any

import adcore as ad
from adcore.testing import parametrize_with_checks

BACKENDS = [ad.AutoAutograd(), ad.AutoAutograd(mode="forward"), ad.AutoAutograd(mode="reverse")]

# {check name: why}: none, every check passes in every mode, on every scenario.
EXPECTED_FAILURES: dict[str, str] = {}


@parametrize_with_checks(BACKENDS, expected_failed_checks=EXPECTED_FAILURES)
def test_conformance(backend: Any, check: Any) -> None:
    check()
