"""The checks: one property each, named ``check_<property>``; their names are public API.

Each check takes ``(backend, scenario, family)``, raises ``CheckFailure`` with a
message naming the variant and the numbers that differ, raises ``SkipCheck``
when it does not apply, and may return a note for the report.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

import adcore as ad
from adcore._core.arrays import family as family_of

from ._calls import SPECS, Inputs, OperatorSpec, inputs_for, to_family, to_numpy
from ._compare import CheckFailure, SkipCheck, assert_close, tolerances
from ._scenario import Scenario

__all__ = ["CHECKS"]

VARIANTS = ("plain", "value")

_TANGENT_OPERATORS = ("pushforward", "pullback", "hvp")


def applies(predicate: Any) -> Any:
    """Declare which (backend, scenario) pairs a check is generated for at all;
    ``SkipCheck`` is then kept for what a backend declares it cannot do."""

    def mark(check: Any) -> Any:
        check.applies = predicate
        return check

    return mark


def _array_x(scenario: Scenario) -> bool:
    return isinstance(scenario.x, np.ndarray) and scenario.x.ndim > 0


def _setup(backend: Any, scenario: Scenario, family: str) -> tuple[OperatorSpec, float, float]:
    if _declared_unsupported(backend, scenario):
        kind = "in-place functions" if scenario.inplace else "contexts"
        raise SkipCheck(f"{backend!r} declares no support for {kind}")
    spec = SPECS[scenario.operator]
    rtol, atol = tolerances(to_family(scenario.x, family), spec.second_order)
    return spec, rtol, atol


def _reference(scenario: Scenario) -> tuple[Any, Any, Any]:
    return (_value(scenario), scenario.res1, scenario.res2)


def _value(scenario: Scenario) -> Any:
    values = [c.value for c in scenario.contexts]
    if scenario.inplace:
        y = np.array(scenario.y, copy=True)
        scenario.f(y, np.array(scenario.x, copy=True), *values)
        return y
    x = scenario.x.copy() if isinstance(scenario.x, np.ndarray) else scenario.x
    return to_numpy(scenario.f(x, *values))


def _compare_outcome(got: tuple[Any, Any, Any], want: tuple[Any, Any, Any], what: str,
                     rtol: float, atol: float) -> None:
    for name, g, w in zip(("value", "res1", "res2"), got, want):
        if g is not None and w is not None:
            assert_close(g, w, f"{what}: {name}", rtol, atol)


def check_reference(backend: Any, scenario: Scenario, family: str = "numpy") -> None:
    """Every variant, unprepared, matches the scenario's reference results."""
    spec, rtol, atol = _setup(backend, scenario, family)
    for variant in VARIANTS:
        got = spec.call(variant, inputs_for(scenario, family), backend)
        _compare_outcome(got, _reference(scenario), f"{spec.name} ({variant})", rtol, atol)


def check_prepared(backend: Any, scenario: Scenario, family: str = "numpy") -> None:
    """A prepared call gives what an unprepared call gives."""
    spec, rtol, atol = _setup(backend, scenario, family)
    s = inputs_for(scenario, family)
    prep = spec.prepare_for(s, backend)
    for variant in VARIANTS:
        got = spec.call(variant, inputs_for(scenario, family), backend, prep=prep)
        want = spec.call(variant, inputs_for(scenario, family), backend)
        _compare_outcome(got, tuple(map(to_numpy, want)), f"{spec.name} ({variant}, prepared)",
                         rtol, atol)


def check_prep_reuse(backend: Any, scenario: Scenario, family: str = "numpy") -> None:
    """A preparation made at one x serves another x of the same shape and dtype."""
    spec, rtol, atol = _setup(backend, scenario, family)
    other = _other_point(scenario.x)
    prep = spec.prepare_for(inputs_for(scenario, family, x=other), backend)
    for variant in VARIANTS:
        got = spec.call(variant, inputs_for(scenario, family), backend, prep=prep)
        _compare_outcome(got, _reference(scenario), f"{spec.name} ({variant}, prepared elsewhere)",
                         rtol, atol)


def _other_point(x: Any) -> Any:
    return _affine(x, 0.75, 0.1)


def _affine(v: Any, a: float, b: float = 0.0) -> Any:
    """``a * v + b`` of the type of ``v``: numpy arithmetic turns a 0-d array into a scalar."""
    result = a * v + b
    if isinstance(v, np.ndarray):
        return np.asarray(result, dtype=v.dtype)
    return result


@applies(lambda backend, s: s.operator in _TANGENT_OPERATORS)
def check_same_point(backend: Any, scenario: Scenario, family: str = "numpy") -> None:
    """A same-point preparation serves new tangents at the same x (checked by linearity)."""
    spec, rtol, atol = _setup(backend, scenario, family)
    prep = spec.prepare_for(inputs_for(scenario, family), backend, same_point=True)
    s = inputs_for(scenario, family)
    doubled = Inputs(s.f, s.x, tuple(_affine(t, 2.0) for t in s.tangents or ()), s.contexts, s.y)
    got = spec.call("plain", doubled, backend, prep=prep)[spec.plain_result]
    reference = scenario.res2 if spec.second_order else scenario.res1
    want = tuple(2 * np.asarray(r) for r in reference)
    assert_close(got, want, f"{spec.name} (same point, 2 * tangents)", rtol, atol)


def check_out(backend: Any, scenario: Scenario, family: str = "numpy") -> None:
    """``out=`` is filled with the result and is the object returned."""
    spec, rtol, atol = _setup(backend, scenario, family)
    like = inputs_for(scenario, family).x
    for variant in VARIANTS:
        # Buffers take the dtype of x; a Python float x has none, and then the result's
        # dtype follows f and its contexts (a float32 Constant gives float32 results).
        shaped = _reference(scenario) if hasattr(like, "dtype") else spec.call(
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
        _compare_outcome(got, _reference(scenario), f"{spec.name} ({variant}, out=)", rtol, atol)


def _same_objects(a: Any, b: Any) -> bool:
    if isinstance(b, tuple):
        return isinstance(a, tuple) and len(a) == len(b) and all(map(_same_objects, a, b))
    return a is b


@applies(lambda backend, s: s.operator != "hvp")
def check_value(backend: Any, scenario: Scenario, family: str = "numpy") -> None:
    """The value of a ``value_and_*`` operator equals ``f(x)``."""
    spec, rtol, atol = _setup(backend, scenario, family)
    got = spec.call("value", inputs_for(scenario, family), backend)
    assert_close(got[0], _value(scenario), f"{spec.with_value.__name__}: value", rtol, atol)


@applies(lambda backend, s: s.operator in _TANGENT_OPERATORS)
def check_batch(backend: Any, scenario: Scenario, family: str = "numpy") -> None:
    """A batch of tangents gives, in order, what each tangent gives alone."""
    spec, rtol, atol = _setup(backend, scenario, family)
    s = inputs_for(scenario, family)
    batch = (*s.tangents, *(_affine(t, -1.5) for t in s.tangents))
    together = spec.call("plain", Inputs(s.f, s.x, batch, s.contexts, s.y), backend)
    alone = [spec.call("plain", Inputs(s.f, s.x, (t,), s.contexts, s.y), backend) for t in batch]
    i = 2 if spec.second_order else 1
    assert_close(together[i], tuple(to_numpy(a[i][0]) for a in alone),
                 f"{spec.name} (batch of {len(batch)} vs one at a time)", rtol, atol)


def check_no_mutation(backend: Any, scenario: Scenario, family: str = "numpy") -> None:
    """No variant mutates x, the tangents or a Constant context."""
    spec, _, _ = _setup(backend, scenario, family)
    s = inputs_for(scenario, family)
    # Copies: to_numpy of a numpy array (or a CPU torch tensor) shares its memory.
    before = [copy.deepcopy(to_numpy(v)) for v in _guarded(s)]
    prep = spec.prepare_for(s, backend)
    for variant in VARIANTS:
        spec.call(variant, s, backend)
        spec.call(variant, s, backend, prep=prep)
    for name, old, new in zip(("x", "tangents", "Constant"), before, map(to_numpy, _guarded(s))):
        if not _equal(old, new):
            raise CheckFailure(f"{spec.name}: {name} was mutated")


def _guarded(s: Inputs) -> tuple[Any, ...]:
    constants = tuple(c.value for c in s.contexts if isinstance(c, ad.Constant))
    return (s.x, s.tangents or (), constants)


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, tuple):
        return len(a) == len(b) and all(map(_equal, a, b))
    return bool(np.array_equal(np.asarray(a), np.asarray(b)))


def check_result_type(backend: Any, scenario: Scenario, family: str = "numpy") -> None:
    """Results have the array family and dtype of x and the reference's shape."""
    spec, _, _ = _setup(backend, scenario, family)
    s = inputs_for(scenario, family)
    for variant in VARIANTS:
        got = spec.call(variant, inputs_for(scenario, family), backend)
        for name, g, ref in zip(("res1", "res2"), got[1:], (scenario.res1, scenario.res2)):
            if g is not None and ref is not None:
                _check_type(g, ref, s.x, f"{spec.name} ({variant}): {name}")


def _check_type(got: Any, ref: Any, x: Any, what: str) -> None:
    if isinstance(ref, tuple):
        if not isinstance(got, tuple):
            raise CheckFailure(f"{what}: expected a tuple, got {type(got).__name__}")
        for i, (g, r) in enumerate(zip(got, ref)):
            _check_type(g, r, x, f"{what}[{i}]")
        return
    if isinstance(ref, float) and not isinstance(ref, np.ndarray):
        if not isinstance(got, (float, np.floating)) and getattr(got, "shape", None) != ():
            raise CheckFailure(f"{what}: expected a scalar, got {type(got).__name__}")
        return
    # A scipy.sparse result (AutoSparse's, for numpy x) counts as numpy.
    got_family = "numpy" if type(got).__module__.startswith("scipy.sparse") else family_of(got)
    if got_family != family_of(x) and not isinstance(x, float):
        raise CheckFailure(f"{what}: expected the array family of x ({family_of(x)}), got {got_family}")
    if np.shape(to_numpy(got)) != np.shape(ref):
        raise CheckFailure(f"{what}: expected shape {np.shape(ref)}, got {np.shape(to_numpy(got))}")
    x_dtype = getattr(x, "dtype", None)
    if x_dtype is not None and str(got.dtype) != str(x_dtype):
        raise CheckFailure(f"{what}: expected dtype {x_dtype} (that of x), got {got.dtype}")


@applies(lambda backend, s: _array_x(s))
def check_prep_mismatch(backend: Any, scenario: Scenario, family: str = "numpy") -> None:
    """A strict preparation refuses an x of another shape or dtype with PrepMismatchError."""
    spec, _, _ = _setup(backend, scenario, family)
    s = inputs_for(scenario, family)
    prep = spec.prepare_for(s, backend)
    other_dtype = _other_dtype(family, scenario.x, s.x)
    for what, x in (("shape", np.concatenate([scenario.x.ravel(), scenario.x.ravel()[:1]])),
                    ("dtype", scenario.x.astype(other_dtype))):
        wrong = inputs_for(scenario, family, x=x)
        try:
            spec.call("plain", wrong, backend, prep=prep)
        except ad.PrepMismatchError:
            continue
        except Exception as e:
            raise CheckFailure(
                f"{spec.name}: x of another {what} raised {type(e).__name__} ({e}), not PrepMismatchError"
            ) from e
        raise CheckFailure(f"{spec.name}: a prepared call with x of another {what} raised nothing")


def _other_dtype(family: str, x: np.ndarray, converted: Any) -> Any:
    """A floating dtype for ``x`` that stays another dtype once converted to ``family``
    (JAX, outside its 64-bit mode, turns float64 into float32)."""
    for dtype in (np.float32, np.float64, np.float16):
        if str(to_family(x.astype(dtype), family).dtype) != str(converted.dtype):
            return dtype
    raise SkipCheck(f"no other floating dtype for x in the {family} family")


@applies(lambda backend, s: s.operator in ("pushforward", "pullback") and _array_x(s))
def check_dot_product(backend: Any, scenario: Scenario, family: str = "numpy") -> None:
    """Pushforward and pullback agree: <w, J t> == <J^T w, t>."""
    _, rtol, atol = _setup(backend, scenario, family)
    s = inputs_for(scenario, family)
    value = np.asarray(_value(scenario))
    t_np = np.linspace(0.5, -1.0, scenario.x.size).reshape(scenario.x.shape).astype(scenario.x.dtype)
    w_np = np.linspace(-1.0, 0.7, max(value.size, 1)).reshape(value.shape).astype(value.dtype)
    t = to_family(t_np, family)
    w = to_family(w_np, family) if isinstance(_value(scenario), np.ndarray) else float(w_np)
    y = {} if s.y is None else {"y": s.y}
    (jt,) = ad.pushforward(s.f, backend, s.x, (t,), *s.contexts, **y)
    (jw,) = ad.pullback(s.f, backend, s.x, (w,), *s.contexts, **y)
    left = float(np.sum(w_np * to_numpy(jt)))
    right = float(np.sum(to_numpy(jw) * to_numpy(t)))
    assert_close(left, right, "<w, pushforward(t)> vs <pullback(w), t>", rtol * 10, atol * 10)


def _declared_unsupported(backend: Any, s: Scenario) -> bool:
    return (s.inplace and not backend.inplace) or (bool(s.contexts) and not backend.contexts)


@applies(_declared_unsupported)
def check_not_supported(backend: Any, scenario: Scenario, family: str = "numpy") -> None:
    """What the backend declares unsupported raises NotSupportedError, never numbers."""
    spec = SPECS[scenario.operator]
    try:
        spec.call("plain", inputs_for(scenario, family), backend)
    except ad.NotSupportedError:
        return
    except Exception as e:
        raise CheckFailure(f"{spec.name}: raised {type(e).__name__} ({e}), not NotSupportedError") from e
    raise CheckFailure(f"{spec.name}: returned numbers for what {backend!r} declares unsupported")


@applies(lambda backend, s: "sparse" in s.tags and s.operator in ("jacobian", "hessian"))
def check_sparse_matches_dense(backend: Any, scenario: Scenario, family: str = "numpy") -> None:
    """AutoSparse over the backend gives what the backend gives densely, in every variant."""
    spec, rtol, atol = _setup(backend, scenario, family)
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
        _compare_outcome(got, tuple(map(to_numpy, want)), f"{spec.name} ({variant}, {sparse!r} vs "
                         f"{dense!r})", rtol, atol)


CHECKS = (
    check_reference,
    check_prepared,
    check_prep_reuse,
    check_same_point,
    check_out,
    check_value,
    check_batch,
    check_no_mutation,
    check_result_type,
    check_prep_mismatch,
    check_dot_product,
    check_not_supported,
    check_sparse_matches_dense,
)
