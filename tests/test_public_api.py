"""The public surface, snapshot-tested: a change here is a change of the contract."""

from __future__ import annotations

import inspect
from pathlib import Path

import adcore
import adcore.extend

ROOT = Path(__file__).resolve().parent.parent

OPERATORS = {
    "derivative": "value_and_derivative",
    "second_derivative": "value_derivative_and_second_derivative",
    "gradient": "value_and_gradient",
    "jacobian": "value_and_jacobian",
    "hessian": "value_gradient_and_hessian",
    "pushforward": "value_and_pushforward",
    "pullback": "value_and_pullback",
    "hvp": "gradient_and_hvp",
}


def test_adcore_namespace():
    assert sorted(adcore.__all__) == sorted([
        "AdcoreError", "ArgumentError", "ArgumentTypeError", "AutoFiniteDiff", "DifferentiateWith",
        "BackendNotInstalledError", "Cache", "Constant", "MissingDependencyError",
        "NotSupportedError", "PluginError", "Prep", "PrepMismatchError", "SecondOrder", "ShapeError",
        "array_namespace", "unravel",
        "AutoSparse", "MixedMode", "TracerSparsityDetector", "DenseSparsityDetector",
        "KnownJacobianSparsity", "KnownHessianSparsity", "GreedyColoringAlgorithm",
        "available_backends", "backend", "check_available", "check_inplace",
        *OPERATORS, *OPERATORS.values(), *(f"prepare_{op}" for op in OPERATORS),
        "prepare_pushforward_same_point", "prepare_pullback_same_point", "prepare_hvp_same_point",
    ])
    for name in adcore.__all__:
        assert getattr(adcore, name) is not None


def test_extend_namespace():
    assert sorted(adcore.extend.__all__) == sorted([
        "NATIVE_OPERATORS", "AbstractBackend", "AbstractDerivative", "AbstractGradient",
        "AbstractHVP", "AbstractHessian", "AbstractJacobian", "AbstractPullback",
        "AbstractPushforward", "AbstractSecondDerivative", "AbstractSparsityDetector",
        "AutoZeroForward", "AutoZeroReverse",
        "ForeignFunction", "ForwardFromPrimitive", "ReverseFromPrimitive", "Scratch", "copy_into", "family",
        "hookimpl", "numpy_like_namespace", "register_array_family", "to_dense", "with_scratch",
    ])


def test_operator_signatures_follow_one_pattern():
    tangent_ops = {"pushforward", "pullback", "hvp"}
    for op, with_value in OPERATORS.items():
        for fn in (getattr(adcore, op), getattr(adcore, with_value)):
            params = list(inspect.signature(fn).parameters)
            middle = ["tx" if op != "pullback" else "ty"] if op in tangent_ops else []
            assert params == ["f", "backend", "x", *middle, "contexts", "prep", "out", "y"], fn
        prepare = inspect.signature(getattr(adcore, f"prepare_{op}"))
        assert list(prepare.parameters)[-2:] == ["y", "strict"]


def test_every_operator_has_a_docstring_example():
    for op in OPERATORS:
        doc = getattr(adcore, op).__doc__
        assert doc.startswith(f"{op}(f, backend, x"), op
        assert ">>>" in doc, op


def test_every_hook_is_documented_with_its_signature():
    from adcore._registry import hookspecs as _hookspecs

    page = (ROOT / "docs" / "plugins.md").read_text()
    hooks = [name for name in _hookspecs.__all__ if name.startswith("adcore_")]
    assert hooks == ["adcore_array_namespace", "adcore_differentiate_with", "adcore_from_numpy",
                     "adcore_register_backends", "adcore_sparse_result", "adcore_to_numpy"]
    for name in hooks:
        params = ", ".join(inspect.signature(getattr(_hookspecs, name)).parameters)
        assert f"`{name}({params})`" in page, name
