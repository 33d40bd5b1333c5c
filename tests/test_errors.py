"""Bad input gets a clear error that says what was passed and what to do."""

from __future__ import annotations

import ast
import builtins
import dataclasses
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

import adcore as ad
from adcore.extend import AbstractBackend, ForwardFromPrimitive, ReverseFromPrimitive

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
