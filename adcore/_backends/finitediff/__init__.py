"""``AutoFiniteDiff``: finite differences in plain numpy, the backend that needs no engine.

Every prepared operator owns one private working copy of ``x``. It perturbs one
or two coordinates of that copy in place (``xw[i] = xi + h; f(xw); xw[i] = xi``),
or writes ``x + s * t`` into it for a direction ``t``, evaluates ``f`` there and
combines the values into difference quotients. Nothing of size ``n * n`` is
allocated except a result that has that size (Jacobian, Hessian), and ``x``
itself is never written. With ``executor=``, the same points are copied out and
evaluated on the executor instead, in chunks of points, one task per chunk (``parallel``).

A complex ``x`` is perturbed along the real, then the imaginary part of each
coordinate. With ``step="adaptive"``, each coordinate (or tangent) gets a ladder of
steps whose central differences are extrapolated, keeping the best-estimated one.

``backend`` holds the options and preparation, ``steps`` the choice of steps,
``adaptive`` the ladders and their extrapolation, ``evaluate`` the evaluator (with
``parallel``, how points are shared on an executor, ``calls``, how ``f`` is called there,
and ``checks``, of inputs and results),
``first_order`` and ``second_order`` the stencils and executors.
"""

from .backend import AutoFiniteDiff as AutoFiniteDiff

__all__ = ["AutoFiniteDiff"]
