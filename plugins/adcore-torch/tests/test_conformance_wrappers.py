"""The adcore conformance suite on AutoTorch behind adcore's wrappers ForwardFromPrimitive and
ReverseFromPrimitive: every operator through the core's fallbacks over its pushforward, or
its pullback, alone; second order nests it in itself. numpy and torch inputs alike (at an
empty x, the core's hvp is empty without nesting AutoTorch in itself, where torch.func,
seeing no tensor, would refuse).

The checks that concern the fallbacks (adcore.testing._subsets.wrapped): every scenario on
numpy inputs, the default, context and complex families on the engine's arrays; the rest
is the core's own code, which tests/test_conformance_core.py runs in full, or the engine's,
which test_conformance.py runs.
"""

from typing import Any

import adcore as ad
from adcore.extend import ForwardFromPrimitive, ReverseFromPrimitive
from adcore.testing import parametrize_with_checks
from adcore.testing._subsets import subset, wrapped

BACKENDS = [ForwardFromPrimitive(ad.AutoTorch()), ReverseFromPrimitive(ad.AutoTorch())]


@subset(parametrize_with_checks(BACKENDS), wrapped)
def test_conformance_wrapped(backend: Any, check: Any) -> None:
    check()
