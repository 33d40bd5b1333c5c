"""``AbstractWrapper``: the one delegation mechanism of backends made of other backends.

A wrapper is a frozen dataclass whose fields hold the backends it wraps. It declares
``routes``, which operator each of them prepares (``AbstractBackend.route``), and takes
its capabilities from them through one method, ``derived``: no per-property forwarding
and no ``prepare_*`` that only passes a call on.
"""

from __future__ import annotations

from typing import Any

from .._core.backend import AbstractBackend
from ..errors import ArgumentTypeError

__all__ = ["AbstractWrapper"]


class AbstractWrapper(AbstractBackend):
    """A backend whose fields named in ``routes`` hold the backends it wraps.

    On construction it checks that each of those fields holds a backend, then sets the
    capabilities that ``derived()`` returns on the instance, where they override the
    class's declarations. By default a wrapper takes contexts and in-place functions
    where every wrapped backend does, and the array families they share; it nests, and
    is thread-safe, where every wrapped backend is, and computes at a complex ``x`` what they
    all compute; ``modes``,
    ``native`` and ``batched_tangents`` stay as the class declares them.
    """

    def __post_init__(self) -> None:
        for role in self.roles():
            if not isinstance(getattr(self, role), AbstractBackend):
                raise ArgumentTypeError(
                    f"{type(self).__name__}: `{role}` must be an adcore backend, got "
                    f"{getattr(self, role)!r}"
                )
        for capability, value in self.derived().items():
            object.__setattr__(self, capability, value)

    def roles(self) -> tuple[str, ...]:
        """The names of the fields that hold wrapped backends, in declaration order."""
        return tuple(dict.fromkeys(self.routes.values()))

    def wrapped(self) -> tuple[AbstractBackend, ...]:
        """The wrapped backends, in the order of ``roles``."""
        return tuple(getattr(self, role) for role in self.roles())

    def derived(self) -> dict[str, Any]:
        """The capabilities taken from the wrapped backends; override to take others."""
        inner = self.wrapped()
        families = frozenset.intersection(*(frozenset(b.array_families) for b in inner))
        return {
            "contexts": all(b.contexts for b in inner),
            "inplace": all(b.inplace for b in inner),
            "array_families": families,
            "nested": all(b.nested for b in inner),
            "thread_safe": all(b.thread_safe for b in inner),
            "complex_operators": frozenset.intersection(*(b.complex_operators for b in inner)),
        }

    def available(self) -> bool:
        return all(b.available() for b in self.wrapped())

    def accuracy(self, eps: float, order: int) -> float:
        """The least accurate of the wrapped backends."""
        return max(b.accuracy(eps, order) for b in self.wrapped())

    def synchronize(self, result: Any) -> Any:
        for b in self.wrapped():
            result = b.synchronize(result)
        return result
