"""``adcore.DifferentiateWith`` (and a cross-engine ``SecondOrder``) under HIPS autograd.

A ``ForeignFunction`` becomes an autograd primitive whose value comes from the function
on numpy, with a VJP ``w @ J`` and a JVP ``J @ t`` where ``J`` is the same primitive over
the Jacobian function: a boxed value under an outer trace, so second derivatives work.
"""

from __future__ import annotations

from typing import Any

import autograd.numpy as anp
import numpy as np
from autograd.extend import defjvp, defvjp, primitive

__all__ = ["call"]


@primitive
def _foreign(x: Any, function: Any) -> Any:
    return np.array(function.value(np.asarray(x)), copy=True)


def _jacobian(x: Any, function: Any) -> Any:
    return _foreign(x, function.jacobian_function())


def _vjp(ans: Any, x: Any, function: Any) -> Any:
    return lambda w: anp.reshape(anp.dot(anp.reshape(w, (-1,)), _jacobian(x, function)), anp.shape(x))


def _jvp(t: Any, ans: Any, x: Any, function: Any) -> Any:
    return anp.reshape(anp.dot(_jacobian(x, function), anp.reshape(t, (-1,))), anp.shape(ans))


defvjp(_foreign, _vjp)
defjvp(_foreign, _jvp)


def call(function: Any, x: Any) -> Any:
    """``function(x)`` for an autograd box ``x``: a primitive that autograd differentiates."""
    return _foreign(x, function)
