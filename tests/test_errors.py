"""Bad input gets a clear error that says what was passed and what to do."""

from __future__ import annotations

import ast
import builtins
import dataclasses
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

import adcore as ad
from adcore.extend import (
    AbstractBackend,
    AbstractPushforward,
    ForwardFromPrimitive,
    ReverseFromPrimitive,
)

FD = ad.AutoFiniteDiff()


@pytest.mark.parametrize("backend", [FD, ForwardFromPrimitive(FD), ReverseFromPrimitive(FD)], ids=repr)
def test_gradient_of_non_scalar(backend):
    with pytest.raises(ValueError, match="gradient needs a scalar function.*use adcore.jacobian"):
        ad.value_and_gradient(lambda x: x**2, backend, np.ones(3))


def test_out_of_wrong_shape():
    with pytest.raises(ValueError, match=r"`out` must be an array of shape \(3,\)"):
        ad.gradient(lambda x: np.sum(x), FD, np.ones(3), out=np.empty(4))


def test_out_of_wrong_dtype():
    with pytest.raises(ValueError, match="`out` has dtype float32 but the result has dtype float64"):
        ad.gradient(lambda x: np.sum(x), FD, np.ones(3), out=np.empty(3, dtype=np.float32))


def test_tangents_not_a_tuple():
    with pytest.raises(TypeError, match=r"`tx` must be a non-empty tuple.*\(v,\)"):
        ad.pushforward(np.sin, FD, np.ones(3), np.ones(3))


def test_tangent_not_like_x():
    with pytest.raises(ValueError, match=r"tangent 0 must be like x"):
        ad.pushforward(np.sin, FD, np.ones(3), (np.ones(4),))


def test_inplace_function_given_to_gradient():
    with pytest.raises(ad.NotSupportedError, match="gradient does not take in-place functions"):
        ad.gradient(lambda y, x: None, FD, np.ones(3), y=np.empty(1))


def test_inplace_function_given_to_a_backend_without_them_names_who_takes_them():
    @dataclasses.dataclass(frozen=True)
    class AutoOutOfPlace(AbstractBackend):
        name: ClassVar[str] = "outofplace"
        modes: ClassVar[frozenset[str]] = frozenset({"forward"})

    message = (r"does not support in-place functions.*check_inplace\(backend\) is True "
               r"\(installed: finitediff.*\); in-place functions work with derivative, jacobian, "
               r"pushforward, pullback")
    with pytest.raises(ad.NotSupportedError, match=message):
        ad.jacobian(lambda y, x: None, AutoOutOfPlace(), np.ones(3), y=np.empty(1))


def test_backend_in_the_wrong_place():
    with pytest.raises(TypeError, match="argument order"):
        ad.gradient(np.sum, np.ones(3), FD)


def test_context_not_wrapped():
    with pytest.raises(TypeError, match="wrap inactive arguments as adcore.Constant"):
        ad.gradient(lambda x, a: np.sum(a * x), FD, np.ones(3), 2.0)


def test_derivative_needs_scalar():
    with pytest.raises(TypeError, match="derivative needs a scalar x"):
        ad.derivative(np.sin, FD, np.ones(3))


def test_out_tuple_length():
    with pytest.raises(TypeError, match="must be a tuple of 1 buffers"):
        ad.pushforward(np.sin, FD, np.ones(3), (np.ones(3),), out=np.empty(3))


ROOT = Path(__file__).resolve().parent.parent
BUILTIN_ERRORS = {name for name, value in vars(builtins).items()
                  if isinstance(value, type) and issubclass(value, BaseException)}


#: Builtins that a protocol asks for: attribute lookup, an abstract method, a command's
#: exit status, and a failed check of the conformance suite (pytest reports assertions).
PROTOCOL = {"AttributeError", "NotImplementedError", "SystemExit"}


def _bare_raises(path: Path, root: Path = ROOT) -> list[str]:
    """``raise ValueError(...)`` and the like: builtins that are not ``PROTOCOL`` (nor an
    ``AssertionError`` of ``adcore.testing``)."""
    allowed = PROTOCOL | ({"AssertionError"} if "testing" in path.parts else set())
    found = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Raise) and node.exc is not None:
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            name = exc.id if isinstance(exc, ast.Name) else None
            if name in BUILTIN_ERRORS and name not in allowed:
                found.append(f"{path.relative_to(root)}:{node.lineno} raises {name}")
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text()))
    return found


def test_adcore_and_its_plugins_raise_only_adcore_errors():
    """Every error adcore raises derives from AdcoreError (SPEC 10): no bare builtin."""
    paths = [*ROOT.glob("adcore/**/*.py"), *ROOT.glob("plugins/*/adcore_*/**/*.py")]
    assert len(paths) > 50
    bare = [hit for path in sorted(paths) for hit in _bare_raises(path)]
    assert not bare, "raise an adcore.errors class instead:\n" + "\n".join(bare)


def test_the_bare_raise_finder_finds_them(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    raise ValueError('x')\n\n"
                      "def __getattr__(name):\n    raise AttributeError(name)\n\n"
                      "def g():\n    raise ad.ShapeError('y')\n")
    assert _bare_raises(module, tmp_path) == ["m.py:2 raises ValueError"]


@pytest.mark.parametrize("error", [ad.ArgumentError, ad.ShapeError, ad.PrepMismatchError])
def test_value_errors_are_adcore_errors(error):
    assert issubclass(error, ad.AdcoreError) and issubclass(error, ValueError)


def test_adcore_errors_are_built_as_exceptions_are():
    # Tracers that rebuild an exception from its message (autograph) keep the class then.
    for error in (ad.AdcoreError, ad.ArgumentError, ad.ArgumentTypeError, ad.ShapeError,
                  ad.NotSupportedError, ad.PrepMismatchError, ad.PluginError):
        assert error.__init__ is Exception.__init__, error
    assert ad.BackendNotInstalledError("m", name="n").name == "n"


def test_type_errors_are_adcore_errors():
    with pytest.raises(ad.AdcoreError):
        ad.gradient(np.sum, np.ones(3), FD)
    with pytest.raises(ad.ShapeError):
        ad.gradient(lambda x: np.sum(x), FD, np.ones(3), out=np.empty(4))
    with pytest.raises(ad.ArgumentError):
        ad.AutoFiniteDiff(method="sideways")


# --- issue 16: arrays that would give a silent wrong number, and arguments checked first


@pytest.mark.filterwarnings("ignore:the matrix subclass:PendingDeprecationWarning")
@pytest.mark.parametrize("make", [np.ma.masked_array, np.matrix], ids=lambda t: t.__name__)
def test_numpy_subclass_x_is_refused(make):
    # Before: np.matrix squares as a matrix product and finite differences gave ~2.7e8.
    x = make([[1.0, 2.0]])
    with pytest.raises(ad.ArgumentTypeError, match=r"subclass of numpy.ndarray.*np.asarray\(x\)"):
        ad.gradient(lambda x: (x ** 2).sum(), FD, x)


@pytest.mark.parametrize("x", [2, True, np.arange(3)], ids=repr)
def test_integer_x_is_refused_alike(x):
    with pytest.raises(ad.ArgumentTypeError, match="derivatives need floating-point x"):
        (ad.derivative if np.ndim(x) == 0 else ad.jacobian)(np.sin, FD, x)


def square_into(y, x):
    y[...] = x ** 2


@pytest.mark.parametrize("y", [np.zeros(3, dtype=np.int64), np.zeros(3, dtype=bool)], ids=str)
def test_integer_y_is_refused(y):
    with pytest.raises(ad.ArgumentError, match=r"`y` has dtype .* cannot hold f\(x\)"):
        ad.jacobian(square_into, FD, np.array([1.0, 2.0, 3.0]), y=y)
    assert not y.any()


def test_read_only_y_is_refused():
    y = np.zeros(3)
    y.flags.writeable = False
    with pytest.raises(ad.ArgumentError, match="`y` is read-only"):
        ad.value_and_jacobian(square_into, FD, np.ones(3), y=y)


@pytest.mark.parametrize("operator", ["jacobian", "pushforward", "pullback", "derivative"])
def test_inplace_f_that_returns_instead_of_writing_y(operator):
    def returns(y, x):
        return x ** 2  # y left as it is: the backend would read an unchanged y

    x = 1.5 if operator == "derivative" else np.ones(3)
    args = {"pushforward": ((np.ones(3),),), "pullback": ((np.ones(3),),)}.get(operator, ())
    with pytest.raises(ad.ArgumentTypeError, match="returned a .* instead of writing f"):
        getattr(ad, operator)(returns, FD, x, *args, y=np.zeros(() if operator == "derivative" else 3))


@pytest.mark.parametrize("view", [lambda y: y, lambda y: y[...], lambda y: y.reshape(1, 2)])
def test_inplace_f_may_return_y(view):
    def writes_and_returns(y, x):
        y[...] = x ** 2
        return view(y)

    J = ad.jacobian(writes_and_returns, FD, np.ones(2), y=np.zeros(2))
    assert np.allclose(J, 2 * np.eye(2), atol=1e-6)


def test_prep_that_is_not_a_prep_writes_nothing():
    out = np.full(3, 7.0)
    with pytest.raises(ad.ArgumentTypeError, match=r"`prep` must be what adcore.prepare_gradient"):
        ad.gradient(lambda x: (x ** 2).sum(), FD, np.ones(3), prep="oops", out=out)
    assert (out == 7.0).all()


def test_out_of_the_wrong_structure_raises_before_anything_is_written():
    y = np.full(2, 7.0)
    with pytest.raises(ad.ArgumentTypeError, match="`out` must be one array"):
        ad.jacobian(square_into, FD, np.ones(2), y=y, out=(np.empty((2, 2)),))
    assert (y == 7.0).all()
    with pytest.raises(ad.ArgumentTypeError, match=r"`out` must be a tuple of 2 buffers"):
        ad.value_gradient_and_hessian(lambda x: (x ** 2).sum(), FD, np.ones(2), out=np.empty(2))
    with pytest.raises(ad.ArgumentTypeError, match=r"`out\[1\]` must be a tuple of 1 buffers"):
        ad.gradient_and_hvp(lambda x: (x ** 2).sum(), FD, np.ones(2), (np.ones(2),),
                            out=(np.empty(2), np.empty(2)))


def test_every_buffer_of_out_is_checked_before_the_first_is_written():
    grad, H = np.full(2, 7.0), np.empty((3, 3))
    with pytest.raises(ad.ShapeError, match=r"`out\[1\]` must be an array of shape \(2, 2\)"):
        ad.value_gradient_and_hessian(lambda x: (x ** 2).sum(), FD, np.ones(2), out=(grad, H))
    assert (grad == 7.0).all()
    first = np.full(2, 7.0)
    with pytest.raises(ad.ShapeError, match=r"`out\[1\]`"):
        ad.pushforward(np.sin, FD, np.ones(2), (np.ones(2), np.ones(2)), out=(first, np.empty(5)))
    assert (first == 7.0).all()


def _engine_backend(distribution: str) -> AbstractBackend:
    @dataclasses.dataclass(frozen=True)
    class AutoEngine(AbstractBackend):
        name: ClassVar[str] = distribution
        modes: ClassVar[frozenset[str]] = frozenset({"forward"})

    AutoEngine.distribution = distribution  # type: ignore[misc]
    return AutoEngine()


class _Traced:
    """A value of the made-up engine of ``_TracingBackend``, which no plugin knows."""

    def __init__(self, value: Any) -> None:
        self.value = value


class _TracingPushforward(AbstractPushforward):
    def __init__(self, f: Any) -> None:
        self.f = f

    def value_and_pushforward(self, x: Any, tx: Any, contexts: Any, y: Any = None) -> Any:
        self.f(_Traced(x), *contexts)  # the engine traces f with its own values
        raise AssertionError("the inner backend took the outer engine's value")


@dataclasses.dataclass(frozen=True)
class AutoTracing(AbstractBackend):
    name: ClassVar[str] = "tracing"
    distribution: ClassVar[str] = "adcore-tracing"
    modes: ClassVar[frozenset[str]] = frozenset({"forward"})

    def prepare_pushforward(self, f: Any, x: Any, tx: Any, contexts: Any, *, y: Any = None,
                            same_point: bool = False) -> Any:
        return _TracingPushforward(f)


def test_second_order_of_engines_that_do_not_nest():
    # The outer engine traces the inner gradient with its own values: an engine whose plugin
    # has no adcore_differentiate_with cannot, and the error names both backends.
    a, b = AutoTracing(), _engine_backend("adcore-b")
    with pytest.raises(ad.NotSupportedError,
                       match=r"SecondOrder\(AutoTracing\(\), AutoFiniteDiff\(.*\)\).*_Traced.*"
                             "adcore_differentiate_with"):
        ad.hvp(lambda x: (x ** 2).sum(), ad.SecondOrder(a, FD), np.ones(2), (np.ones(2),))
    ad.SecondOrder(a, b)  # built; only a call can tell
    ad.SecondOrder(a, a)
    ad.SecondOrder(FD, b)  # finite differences evaluate at plain arrays
    ad.SecondOrder(a, ForwardFromPrimitive(a))  # the same engine, wrapped
