"""The checks: one property each, named ``check_<property>``; their names are public API.

Each check takes ``(backend, scenario, family)``, raises ``CheckFailure`` with a
message naming the variant and the numbers that differ, raises ``SkipCheck``
when it does not apply, and may return a note for the report.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import adcore as ad

from ._calls import Inputs, inputs_for, to_family, to_numpy
from ._checking import VARIANTS, applies, array_x, compare_outcome, reference, setup, value_of
from ._checks_contract import (
    check_no_mutation,
    check_not_supported,
    check_prep_mismatch,
    check_result_type,
)
from ._checks_state import check_ownership, check_state
from ._checks_threads import check_thread_safety
from ._compare import CheckFailure, SkipCheck, assert_close
from ._scenario import Scenario
from ._trees import tree_map, walks

__all__ = ["CHECKS"]

_TANGENT_OPERATORS = ("pushforward", "pullback", "hvp")

def check_reference(backend: Any, scenario: Scenario, family: str = "numpy") -> None:
    """Every variant, unprepared, matches the scenario's reference results."""
    spec, rtol, atol = setup(backend, scenario, family)
    for variant in VARIANTS:
        got = spec.call(variant, inputs_for(scenario, family), backend)
        compare_outcome(got, reference(scenario), f"{spec.name} ({variant})", rtol, atol)


def check_prepared(backend: Any, scenario: Scenario, family: str = "numpy") -> None:
    """A prepared call gives what an unprepared call gives."""
    spec, rtol, atol = setup(backend, scenario, family)
    s = inputs_for(scenario, family)
    prep = spec.prepare_for(s, backend)
    for variant in VARIANTS:
        got = spec.call(variant, inputs_for(scenario, family), backend, prep=prep)
        want = spec.call(variant, inputs_for(scenario, family), backend)
        compare_outcome(got, tuple(map(to_numpy, want)), f"{spec.name} ({variant}, prepared)",
                         rtol, atol)


def check_prep_reuse(backend: Any, scenario: Scenario, family: str = "numpy") -> None:
    """A preparation made at one x serves another x of the same shape and dtype."""
    spec, rtol, atol = setup(backend, scenario, family)
    other = _other_point(scenario.x)
    prep = spec.prepare_for(inputs_for(scenario, family, x=other), backend)
    for variant in VARIANTS:
        got = spec.call(variant, inputs_for(scenario, family), backend, prep=prep)
        compare_outcome(got, reference(scenario), f"{spec.name} ({variant}, prepared elsewhere)",
                         rtol, atol)


def _other_point(x: Any) -> Any:
    return _affine(x, 0.75, 0.1)


def _affine(v: Any, a: float, b: float = 0.0) -> Any:
    """``a * v + b`` of the type of ``v``: numpy arithmetic turns a 0-d array into a scalar."""
    if walks(v):  # a pytree: leaf by leaf
        return tree_map(lambda u: _affine(u, a, b), v)
    result = a * v + b
    if isinstance(v, np.ndarray):
        return np.asarray(result, dtype=v.dtype)
    return result


@applies(lambda backend, s: s.operator in _TANGENT_OPERATORS)
def check_same_point(backend: Any, scenario: Scenario, family: str = "numpy") -> None:
    """A same-point preparation serves new tangents at the same x (checked by linearity)."""
    spec, rtol, atol = setup(backend, scenario, family)
    prep = spec.prepare_for(inputs_for(scenario, family), backend, same_point=True)
    s = inputs_for(scenario, family)
    doubled = Inputs(s.f, s.x, tuple(_affine(t, 2.0) for t in s.tangents or ()), s.contexts, s.y)
    got = spec.call("plain", doubled, backend, prep=prep)[spec.plain_result]
    reference = scenario.res2 if spec.second_order else scenario.res1
    want = tuple(_affine(np.asarray(r) if isinstance(r, float) else r, 2.0) for r in reference)
    assert_close(got, want, f"{spec.name} (same point, 2 * tangents)", rtol, atol)


def check_out(backend: Any, scenario: Scenario, family: str = "numpy") -> None:
    """``out=`` is filled with the result and is the object returned."""
    spec, rtol, atol = setup(backend, scenario, family)
    like = inputs_for(scenario, family).x
    for variant in VARIANTS:
        # Buffers take the dtype of x; a Python float x has none, and then the result's
        # dtype follows f and its contexts (a float32 Constant gives float32 results).
        shaped = reference(scenario) if hasattr(like, "dtype") else spec.call(
            variant, inputs_for(scenario, family), backend)
        out = spec.out_buffers(variant, shaped, like)
        try:
            got = spec.call(variant, inputs_for(scenario, family), backend, out=out)
        except TypeError as e:
            if "immutable" in str(e):
                raise SkipCheck(f"{family} arrays are immutable") from None
            raise
        if variant == "plain":
            returned: Any = got[spec.plain_result]
        else:
            returned = (got[1], got[2]) if spec.second_order else got[1]
        if not _same_objects(returned, out):
            raise CheckFailure(f"{spec.name} ({variant}, out=): returned new objects, not those of `out`")
        compare_outcome(got, reference(scenario), f"{spec.name} ({variant}, out=)", rtol, atol)


def _same_objects(a: Any, b: Any) -> bool:
    if isinstance(b, tuple):
        return isinstance(a, tuple) and len(a) == len(b) and all(map(_same_objects, a, b))
    return a is b


@applies(lambda backend, s: s.operator != "hvp")
def check_value(backend: Any, scenario: Scenario, family: str = "numpy") -> None:
    """The value of a ``value_and_*`` operator equals ``f(x)``."""
    spec, rtol, atol = setup(backend, scenario, family)
    got = spec.call("value", inputs_for(scenario, family), backend)
    assert_close(got[0], value_of(scenario), f"{spec.with_value.__name__}: value", rtol, atol)


@applies(lambda backend, s: s.operator in _TANGENT_OPERATORS)
def check_batch(backend: Any, scenario: Scenario, family: str = "numpy") -> None:
    """A batch of tangents gives, in order, what each tangent gives alone."""
    spec, rtol, atol = setup(backend, scenario, family)
    s = inputs_for(scenario, family)
    batch = (*s.tangents, *(_affine(t, -1.5) for t in s.tangents))
    together = spec.call("plain", Inputs(s.f, s.x, batch, s.contexts, s.y), backend)
    alone = [spec.call("plain", Inputs(s.f, s.x, (t,), s.contexts, s.y), backend) for t in batch]
    i = 2 if spec.second_order else 1
    assert_close(together[i], tuple(to_numpy(a[i][0]) for a in alone),
                 f"{spec.name} (batch of {len(batch)} vs one at a time)", rtol, atol)


@applies(lambda backend, s: s.operator in ("pushforward", "pullback") and array_x(s))
def check_dot_product(backend: Any, scenario: Scenario, family: str = "numpy") -> None:
    """Pushforward and pullback agree: <w, J t> == <J^T w, t>."""
    _, rtol, atol = setup(backend, scenario, family)
    s = inputs_for(scenario, family)
    value = np.asarray(value_of(scenario))
    t_np = _probe(0.5, -1.0, scenario.x)
    w_np = _probe(-1.0, 0.7, value)
    t = to_family(t_np, family)
    w = to_family(w_np, family) if isinstance(value_of(scenario), np.ndarray) else float(w_np)
    y = {} if s.y is None else {"y": s.y}
    (jt,) = ad.pushforward(s.f, backend, s.x, (t,), *s.contexts, **y)
    (jw,) = ad.pullback(s.f, backend, s.x, (w,), *s.contexts, **y)
    # The real inner product Re(vdot(u, v)): for a complex x, the pullback is the adjoint of
    # the real-linear pushforward for it.
    left = float(np.real(np.vdot(w_np, to_numpy(jt))))
    right = float(np.real(np.vdot(to_numpy(jw), to_numpy(t))))
    assert_close(left, right, "<w, pushforward(t)> vs <pullback(w), t>", rtol * 10, atol * 10)


def _probe(start: float, stop: float, like: np.ndarray) -> np.ndarray:
    """Values from ``start`` to ``stop`` shaped like ``like``; imaginary parts too, if complex."""
    v = np.linspace(start, stop, like.size).reshape(like.shape)
    if np.iscomplexobj(like):
        v = v + 1j * v[::-1] if v.ndim else v + 0.5j
    return v.astype(like.dtype)


@applies(lambda backend, s: "sparse" in s.tags and s.operator in ("jacobian", "hessian"))
def check_sparse_matches_dense(backend: Any, scenario: Scenario, family: str = "numpy") -> None:
    """AutoSparse over the backend gives what the backend gives densely, in every variant."""
    spec, rtol, atol = setup(backend, scenario, family)
    try:
        import scipy  # noqa: F401

        from adcore.sparse import AutoSparse
    except ImportError:
        raise SkipCheck("sparse results need adcore[sparse] (scipy)") from None
    dense = backend.dense if isinstance(backend, AutoSparse) else backend
    sparse = backend if isinstance(backend, AutoSparse) else AutoSparse(backend)
    for variant in VARIANTS:
        got = spec.call(variant, inputs_for(scenario, family), sparse)
        want = spec.call(variant, inputs_for(scenario, family), dense)
        compare_outcome(got, tuple(map(to_numpy, want)), f"{spec.name} ({variant}, {sparse!r} vs "
                         f"{dense!r})", rtol, atol)


CHECKS = (
    check_reference,
    check_prepared,
    check_prep_reuse,
    check_state,
    check_same_point,
    check_out,
    check_value,
    check_batch,
    check_no_mutation,
    check_ownership,
    check_result_type,
    check_prep_mismatch,
    check_dot_product,
    check_not_supported,
    check_sparse_matches_dense,
    check_thread_safety,
)
