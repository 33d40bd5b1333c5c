"""Capability queries on backends."""

from __future__ import annotations

from ..errors import ArgumentTypeError
from .backend import AbstractBackend

__all__ = ["check_available", "check_inplace"]


def check_available(backend: AbstractBackend) -> bool:
    """check_available(backend) -> bool: whether the backend's engine is installed and works.

    >>> import adcore as ad
    >>> ad.check_available(ad.AutoFiniteDiff())
    True
    """
    if not isinstance(backend, AbstractBackend):
        raise ArgumentTypeError(f"check_available expects a backend, got {backend!r}")
    return backend.available()


def check_inplace(backend: AbstractBackend) -> bool:
    """check_inplace(backend) -> bool: whether it accepts in-place functions ``f(y, x)``.

    >>> import adcore as ad
    >>> ad.check_inplace(ad.AutoFiniteDiff())
    True
    """
    if not isinstance(backend, AbstractBackend):
        raise ArgumentTypeError(f"check_inplace expects a backend, got {backend!r}")
    return bool(backend.inplace)
