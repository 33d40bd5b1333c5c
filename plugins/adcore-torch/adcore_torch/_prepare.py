"""Preparation: build an operator's functions, try them once on the sample, keep what works.

The engines are tried in order: the ``torch.compile``d torch.func functions
(with ``compile=True``), torch.func eagerly, then classic autograd. The first
that runs on the sample arguments serves every prepared call; trying it also
compiles it, so that compilation happens once, here. If none can trace ``f``,
``NotSupportedError`` says what each engine answered.
"""

from __future__ import annotations

import contextlib
import threading
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from adcore import Cache, NotSupportedError
from adcore.errors import ArgumentTypeError, ShapeError

from . import _classic, _func
from ._convert import contexts_to_torch, quiet_torch_internals, to_torch, traceable
from ._create_graph import with_graph
from ._executors import HVP, Gradient, Hessian, Jacobian, Pullback, Pushforward, SecondDerivative

__all__ = ["ENGINES", "prepare", "prepare_gradient"]

Fn = Callable[..., Any]

#: The engines tried, in order, after the compiled one: (label, module).
ENGINES: tuple[tuple[str, Any], ...] = (("torch.func", _func), ("classic autograd", _classic))


def _compiled(fns: Any) -> Any:
    # dynamic=False: a prep serves one shape and dtype, so specialized code is right.
    with quiet_torch_internals():
        return tuple(torch.compile(fn, dynamic=False) for fn in fns)


def _build(operator: str, engine: Any, g: Fn, forward: bool, compile: bool) -> Any:
    if operator in ("pushforward", "pullback"):
        fns = getattr(engine, operator)(g)
    elif operator == "second_derivative":
        fns = (engine.second_derivative(g),)
    else:
        fns = getattr(engine, operator)(g, forward)
    fns = _compiled(fns) if compile else tuple(fns)
    if engine is _func and _forward_ad(operator, forward):
        fns = tuple(map(_serialized, fns))
    return _EXECUTORS[operator](*fns)


_EXECUTORS = {"pushforward": Pushforward, "pullback": Pullback, "jacobian": Jacobian,
              "hessian": Hessian, "hvp": HVP, "second_derivative": SecondDerivative}

#: torch's forward-mode AD (``torch.func.jvp``, ``jacfwd``) keeps its dual levels in state
#: that threads share: two threads in it at once raise, crash the process or return wrong
#: numbers (upstream). Every torch.func function that runs it holds this lock; reverse mode
#: and classic autograd (double backward) run in parallel.
_FORWARD_AD = threading.RLock()


def _forward_ad(operator: str, forward: bool) -> bool:
    """Whether the torch.func function of ``operator`` runs forward-mode AD."""
    return operator in ("pushforward", "second_derivative") or (
        forward and operator in ("jacobian", "hessian", "hvp"))


def _serialized(fn: Fn) -> Fn:
    def serialized(*args: Any) -> Any:
        with _FORWARD_AD:
            return fn(*args)

    return serialized


def _probe(operator: str, executor: Any, x: Any, tangents: Any, values: Any, y: Any,
           compile: bool) -> None:
    """One call of everything the prepared calls will run (all of it when compiling)."""
    if operator == "pushforward":
        executor.value_and_pushforward(x, tangents, values, y)
    elif operator == "pullback":
        executor.value_and_pullback(x, tangents, values, y)
    elif operator == "jacobian":
        executor.value_and_jacobian(x, values, y)
        if compile and y is None:
            executor.jacobian(x, values)
    elif operator == "hessian":
        executor.value_gradient_and_hessian(x, values)
        if compile:
            executor.hessian(x, values)
    elif operator == "hvp":
        executor.gradient_and_hvp(x, tangents, values)
    else:
        executor.value_derivative_and_second_derivative(x, values)


def prepare(backend: Any, operator: str, f: Fn, x: Any, contexts: tuple[Any, ...], *,
            tangents: Any = None, y: Any = None) -> Any:
    executor = _prepare(backend, operator, f, x, contexts, tangents=tangents, y=y)
    return with_graph(executor) if backend.create_graph else executor


def _prepare(backend: Any, operator: str, f: Fn, x: Any, contexts: tuple[Any, ...], *,
             tangents: Any = None, y: Any = None) -> Any:
    xt = _floating(operator, x)
    values = tuple(c.value for c in contexts)
    g = traceable(f, [isinstance(c, Cache) for c in contexts], y)
    if operator in ("hessian", "hvp"):
        _scalar_output(operator, g, xt, values)
    forward = _forward(backend.mode, operator, g, xt, values, y)
    engines = [(label, engine, False) for label, engine in ENGINES]
    if backend.compile:
        engines.insert(0, ("torch.compile", _func, True))
    errors: list[tuple[str, Exception]] = []
    for label, engine, compile in engines:
        executor = _build(operator, engine, g, forward, compile)
        try:
            with quiet_torch_internals() if compile else contextlib.nullcontext():
                _probe(operator, executor, x, tangents, values, y, compile)
        except Warning:
            raise  # a warning made an error: the caller asked to see it
        except Exception as e:
            errors.append((label, e))
            continue
        if errors and compile is False and backend.compile:
            _warn_compile(operator, errors[0][1])
        executor.engine = label
        return executor
    raise _untraceable(operator, f, x, values, y, errors, tangents) from errors[-1][1]


def prepare_gradient(backend: Any, f: Fn, x: Any, contexts: tuple[Any, ...]) -> Any:
    from ._trees import TreeGradient, is_tree

    if is_tree(x):  # a pytree, handed over because AutoTorch declares it in `pytrees`
        executor = TreeGradient(f, x, contexts)
        executor.value_and_gradient(x, tuple(c.value for c in contexts))
        return executor
    executor = _prepare_gradient(backend, f, x, contexts)
    return with_graph(executor) if backend.create_graph else executor


def _prepare_gradient(backend: Any, f: Fn, x: Any, contexts: tuple[Any, ...]) -> Gradient:
    xt = _floating("gradient", x)
    values = tuple(c.value for c in contexts)
    g = traceable(f, [isinstance(c, Cache) for c in contexts])
    out = _scalar_output("gradient", g, xt, values)
    one = torch.ones((), dtype=out.dtype, device=out.device)
    engine = _func.gradient(g)
    if backend.compile:
        executor = Gradient(f, g, engine, _compiled((engine,))[0], one)
        try:
            with quiet_torch_internals():
                executor.value_and_gradient(x, values)
            executor.engine = "torch.compile"
            return executor
        except Warning:
            raise
        except Exception as e:
            _warn_compile("gradient", e)
    executor = Gradient(f, g, engine, None, one)
    try:
        executor.value_and_gradient(x, values)
    except Warning:
        raise
    except Exception as e:
        raise _untraceable("gradient", f, x, values, None, [("classic autograd", e)]) from e
    executor.engine = "classic autograd"
    return executor


# --- checks of the sample arguments


def _floating(operator: str, x: Any) -> Any:
    xt = to_torch(x)
    if not isinstance(xt, torch.Tensor) or not (xt.is_floating_point() or xt.is_complex()):
        what = getattr(xt, "dtype", type(x).__name__)
        raise ArgumentTypeError(
            f"{operator}: AutoTorch differentiates floating-point x, got x of dtype {what}; "
            "convert it first, e.g. x.astype(float) or x.double()."
        )
    return xt


def _output(g: Fn, xt: Any, values: tuple[Any, ...]) -> Any:
    with torch.no_grad():
        try:
            return g(xt, *contexts_to_torch(values))
        except Exception as e:
            found = _numpy_on_tensor(e, g, xt, values)
            if found is e:
                raise
            raise found from e


def _numpy_on_tensor(e: Exception, g: Fn, xt: Any, values: tuple[Any, ...]) -> Exception:
    """``e``, f's error at tensors, unless f runs at the same values as numpy arrays: then
    f handed tensors to numpy (``np.sum(x)`` passes numpy's keywords, which torch refuses),
    and the error says how to write f for every engine."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            g(xt.detach().cpu().numpy(), *values)
    except Exception:
        return e
    return NotSupportedError(
        f"AutoTorch cannot differentiate f: f passed a torch tensor to numpy ({type(e).__name__}: "
        f"{_first_line(e)}). Write f with the namespace of x: `xp = adcore.array_namespace(x)`, "
        "then xp.sin(x), xp.sum(...) in place of np.sin, np.sum; it is torch's under AutoTorch and "
        "numpy for numpy arrays, so the same f serves every backend."
    )


def _scalar_output(operator: str, g: Fn, xt: Any, values: tuple[Any, ...]) -> Any:
    out = _output(g, xt, values)
    if not isinstance(out, torch.Tensor) or out.ndim != 0:
        shape = f"of shape {tuple(out.shape)}" if isinstance(out, torch.Tensor) else type(out).__name__
        raise ShapeError(
            f"{operator} needs a scalar function, but f(x) is {shape}; use adcore.jacobian "
            "for array-valued functions, or reduce the output (e.g. .sum())."
        )
    return out


def _forward(mode: str | None, operator: str, g: Fn, xt: Any, values: Any, y: Any) -> bool:
    """Forward or reverse, where the operator can go either way."""
    if mode is not None:
        return mode == "forward"
    if operator != "jacobian":
        return True  # hessian and hvp: forward over reverse
    out = y if y is not None else _output(g, xt, values)
    return xt.numel() <= to_torch(out).numel()


# --- errors


def _warn_compile(operator: str, error: Exception) -> None:
    warnings.warn(
        f"AutoTorch(compile=True): torch.compile failed on this {operator} "
        f"({type(error).__name__}: {_first_line(error)}); it runs eagerly instead.",
        RuntimeWarning,
        stacklevel=4,
    )


def _first_line(e: Exception) -> str:
    return (str(e).strip().splitlines() or [""])[0][:300]


def _untraceable(operator: str, f: Fn, x: Any, values: Any, y: Any,
                 errors: list[tuple[str, Exception]], tangents: Any = None) -> Exception:
    """The error to raise when no engine ran: f's own, a wrong argument's, else NotSupportedError."""
    # f that fails even without differentiation has a bug of its own: raise that instead.
    xt, cs = to_torch(x), contexts_to_torch(values)
    with torch.no_grad():
        if y is None:
            try:
                out = f(xt, *cs)
            except Exception as e:
                found = _numpy_on_tensor(e, f, xt, values)
                if found is e:
                    raise
                return found
        else:
            out = torch.zeros_like(to_torch(y))
            f(out, xt, *cs)
    if operator == "pullback":
        shape = tuple(getattr(out, "shape", ()))
        for i, w in enumerate(tangents):
            if tuple(np.shape(w)) != shape:
                return ValueError(
                    f"pullback: cotangent {i} must be shaped like f(x), {shape}, "
                    f"got shape {tuple(np.shape(w))}."
                )
    why = "; ".join(f"{label}: {type(e).__name__}: {_first_line(e)}" for label, e in errors)
    if y is not None:
        what = "the in-place function f(y, x)"
        hint = ("f must write y with torch operations on x (y[...] = torch.sin(x), or through "
                "adcore.array_namespace(x)); or write an out-of-place f(x).")
    else:
        what = "f"
        hint = ("f must compute with torch operations on x (adcore.array_namespace(x) gives "
                "them) and return a tensor; going through numpy or Python numbers cuts the derivative.")
    return NotSupportedError(
        f"{operator}: AutoTorch cannot differentiate {what}: PyTorch could not trace it ({why}). {hint}"
    )
