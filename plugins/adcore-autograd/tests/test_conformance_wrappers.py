"""The adcore conformance suite on AutoAutograd behind adcore's wrappers ForwardFromPrimitive and
ReverseFromPrimitive: every operator through the core's fallbacks over its pushforward, or
its pullback, alone; second order nests it in itself."""

from typing import Any

import adcore as ad
from adcore.extend import ForwardFromPrimitive, ReverseFromPrimitive
from adcore.testing import parametrize_with_checks

BACKENDS = [ForwardFromPrimitive(ad.AutoAutograd()), ReverseFromPrimitive(ad.AutoAutograd())]


@parametrize_with_checks(BACKENDS)
def test_conformance_wrapped(backend: Any, check: Any) -> None:
    check()
