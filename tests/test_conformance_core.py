"""The whole conformance suite (every family but the sparse one) on the core's numpy backends.

AutoFiniteDiff with its native operators, and wrapped so that only its
pushforward (or only a pullback derived from it) shows, drives every fallback
of the core; SecondOrder pairs drive the four ways of nesting them.
"""

from __future__ import annotations

from typing import Any

import adcore as ad
from adcore.extend import ForwardFromPrimitive, ReverseFromPrimitive
from adcore.testing import all_scenarios, parametrize_with_checks

FD = ad.AutoFiniteDiff()
FORWARD = ForwardFromPrimitive(FD)
REVERSE = ReverseFromPrimitive(FD)

BACKENDS = [
    FD,
    ad.AutoFiniteDiff(method="forward"),
    FORWARD,
    REVERSE,
    ad.SecondOrder(FORWARD, REVERSE),  # forward over reverse
    ad.SecondOrder(REVERSE, FORWARD),  # reverse over forward
]


@parametrize_with_checks(BACKENDS, scenarios=all_scenarios())
def test_core_backends_conform(backend: Any, check: Any) -> None:
    check()
