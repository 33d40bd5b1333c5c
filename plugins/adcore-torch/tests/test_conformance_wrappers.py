"""The adcore conformance suite on AutoTorch behind adcore's wrappers ForwardFromPrimitive and
ReverseFromPrimitive: every operator through the core's fallbacks over its pushforward, or
its pullback, alone; second order nests it in itself. numpy and torch inputs alike (at an
empty x, the core's hvp is empty without nesting AutoTorch in itself, where torch.func,
seeing no tensor, would refuse).

The checks that concern the fallbacks (adcore.testing._subsets.wrapped): every scenario on
numpy inputs, the default, context and complex families on the engine's arrays; the rest
is the core's own code, which tests/test_conformance_core.py runs in full, or the engine's,
which test_conformance.py runs.

Left out: second order of the mixed family (a DifferentiateWith subroutine) behind
ForwardFromPrimitive, which is forward over forward: torch does not differentiate a custom
Function's jvp rule at an outer forward level, so adcore-torch refuses a jvp of a jvp
through DifferentiateWith (NotSupportedError) rather than give a wrong second derivative.
AutoTorch itself, reverse at one level, passes them.
"""

from typing import Any

import adcore as ad
from adcore.extend import ForwardFromPrimitive, ReverseFromPrimitive
from adcore.testing import parametrize_with_checks
from adcore.testing._subsets import subset, wrapped

BACKENDS = [ForwardFromPrimitive(ad.AutoTorch()), ReverseFromPrimitive(ad.AutoTorch())]
SECOND = ("second_derivative", "hessian", "hvp")


def kept(bound: Any) -> bool:
    forward_twice = (isinstance(bound.backend, ForwardFromPrimitive)
                     and "mixed" in bound.scenario.tags and bound.scenario.operator in SECOND)
    return wrapped(bound) and not forward_twice


@subset(parametrize_with_checks(BACKENDS), kept)
def test_conformance_wrapped(backend: Any, check: Any) -> None:
    check()
