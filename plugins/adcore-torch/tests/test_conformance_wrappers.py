"""The adcore conformance suite on AutoTorch behind adcore's wrappers ForwardFromPrimitive and
ReverseFromPrimitive: every operator through the core's fallbacks over its pushforward, or
its pullback, alone; second order nests it in itself. numpy and torch inputs alike.

Left out, for now: the layout scenarios of an empty x. Through the core's fallbacks, a
second-order operator at an empty x nests AutoTorch in itself where torch.func sees no
tensor to trace, and falls back to classic autograd, which refuses the nesting. AutoTorch
itself passes them (test_conformance.py); the wrapped case is open work.

The checks that concern the fallbacks (adcore.testing._subsets.wrapped): every scenario on
numpy inputs, the default, context and complex families on the engine's arrays; the rest
is the core's own code, which tests/test_conformance_core.py runs in full, or the engine's,
which test_conformance.py runs.
"""

from typing import Any

import pytest

import adcore as ad
from adcore.extend import ForwardFromPrimitive, ReverseFromPrimitive
from adcore.testing import parametrize_with_checks
from adcore.testing._subsets import subset, wrapped

BACKENDS = [ForwardFromPrimitive(ad.AutoTorch()), ReverseFromPrimitive(ad.AutoTorch())]

MARK = subset(parametrize_with_checks(BACKENDS), wrapped)
KEPT = [p for p in MARK.args[1] if "-empty" not in p.id]


@pytest.mark.parametrize(MARK.args[0], KEPT)
def test_conformance_wrapped(backend: Any, check: Any) -> None:
    check()
