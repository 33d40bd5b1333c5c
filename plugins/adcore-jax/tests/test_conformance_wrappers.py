"""The adcore conformance suite on AutoJAX behind adcore's wrappers ForwardFromPrimitive and
ReverseFromPrimitive: every operator through the core's fallbacks over its pushforward, or
its pullback, alone; second order nests it in itself. On numpy inputs: the conversions to
the engine's arrays are those of the backend's own suite (test_conformance.py)."""

from typing import Any

import pytest

import adcore as ad
from adcore.extend import ForwardFromPrimitive, ReverseFromPrimitive
from adcore.testing import parametrize_with_checks

BACKENDS = [ForwardFromPrimitive(ad.AutoJAX()), ReverseFromPrimitive(ad.AutoJAX())]

MARK = parametrize_with_checks(BACKENDS)
NUMPY = [p for p in MARK.args[1] if not p.id.endswith("-jax]")]


@pytest.mark.parametrize(MARK.args[0], NUMPY)
def test_conformance_wrapped(backend: Any, check: Any) -> None:
    check()
