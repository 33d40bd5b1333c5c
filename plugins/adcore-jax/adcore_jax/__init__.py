"""adcore-jax: the JAX backend of adcore, ``AutoJAX``.

Installing this distribution makes ``adcore.AutoJAX`` and
``adcore.backend("jax")`` available; importing it does not import JAX.
"""

from __future__ import annotations

from ._backend import AutoJAX as AutoJAX

__all__ = ["AutoJAX"]
__version__ = "0.1.0"
