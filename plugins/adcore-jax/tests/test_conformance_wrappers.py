"""The adcore conformance suite on AutoJAX behind adcore's wrappers ForwardFromPrimitive and
ReverseFromPrimitive: every operator through the core's fallbacks over its pushforward, or
its pullback, alone; second order nests it in itself. numpy and the engine's arrays alike
(a Cache holding the engine's immutable array included: where the core's fallbacks call f
themselves, to learn the shape of f(x), f gets a writable numpy copy of it)."""

from typing import Any

import adcore as ad
from adcore.extend import ForwardFromPrimitive, ReverseFromPrimitive
from adcore.testing import parametrize_with_checks

BACKENDS = [ForwardFromPrimitive(ad.AutoJAX()), ReverseFromPrimitive(ad.AutoJAX())]

MARK = parametrize_with_checks(BACKENDS)


@MARK
def test_conformance_wrapped(backend: Any, check: Any) -> None:
    check()
