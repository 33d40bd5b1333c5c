"""The tracer's registries and errors: what every rule module shares.

``HANDLED`` maps numpy functions to the tracer's implementations (``implements``
registers one); ``PROTOCOLS`` holds what the tracer's ``__array_ufunc__`` and
``__array_namespace__`` call, registered by ``protocols``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...errors import AdcoreError

__all__ = ["HANDLED", "PROTOCOLS", "TracingError", "implements", "not_traceable", "unsupported"]

#: numpy functions the tracer implements: ``{numpy function: implementation}``.
HANDLED: dict[Any, Callable[..., Any]] = {}
#: What the tracer's ``__array_ufunc__`` (``"ufunc"``) and ``__array_namespace__``
#: (``"namespace"``) call: the rules above this module register them (``protocols``), as
#: they register numpy's functions into ``HANDLED``.
PROTOCOLS: dict[str, Callable[..., Any]] = {}


def implements(*funcs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def register(impl: Callable[..., Any]) -> Callable[..., Any]:
        for func in funcs:
            if func is not None:
                HANDLED[func] = impl
        return impl

    return register


class TracingError(AdcoreError, TypeError):
    """``TracerSparsityDetector`` met something in ``f`` that it cannot follow."""


_SUGGESTION = (
    "TracerSparsityDetector knows which inputs every value depends on, not the values "
    "themselves. Rewrite that part of f with array operations (xp.where for a branch on "
    "values), detect the pattern at one point with DenseSparsityDetector(backend), or give "
    "it with KnownJacobianSparsity(pattern) / KnownHessianSparsity(pattern)."
)


def not_traceable(what: str) -> TracingError:
    return TracingError(f"f {what}, which depends on the values of x. {_SUGGESTION}")


def unsupported(name: str) -> TracingError:
    return TracingError(
        f"TracerSparsityDetector does not know how {name} propagates dependencies. Write f with "
        "the operations listed in docs/sparsity.md, detect the pattern at one point with "
        "DenseSparsityDetector(backend), or give it with KnownJacobianSparsity(pattern) / "
        "KnownHessianSparsity(pattern)."
    )


