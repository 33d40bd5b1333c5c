"""Structured inputs (pytrees): the flattened view of a dict, list, tuple, namedtuple or
registered dataclass of arrays.

A pytree ``x`` is flattened by ``optree`` (the ``adcore[pytrees]`` extra, imported on the
first pytree only), in optree's leaf order: dict keys sorted, sequences in order. Its
leaves are arrays of one array family and one floating dtype, or Python numbers (which
take that dtype); the flattened view is one 1-D array of that family, the leaves raveled
in C order and concatenated. ``Structure`` records that once, at preparation, and moves
between the two views on each call.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

import numpy as np

from .._core.arrays import family, is_scalar
from .._registry.namespace import array_namespace
from ..errors import ArgumentError, ArgumentTypeError, MissingDependencyError, PrepMismatchError

__all__ = ["NAMESPACE", "Structure", "is_tree", "optree_module", "path_name", "unravel"]

#: The optree namespace adcore flattens with: node types registered in it (or globally)
#: are pytrees for adcore.
NAMESPACE = "adcore"

_CONTAINERS = (dict, list, tuple)
_HOST = (np.ndarray, np.generic, float, complex)


def optree_module() -> Any:
    try:
        import optree
    except ImportError as e:
        raise MissingDependencyError(
            "a pytree x (a dict, list or tuple of arrays) needs the optree package: "
            "pip install 'adcore[pytrees]'."
        ) from e
    return optree


def is_tree(value: Any) -> bool:
    """Whether ``value`` is a pytree with leaves rather than one array or number: a dict,
    list, tuple, namedtuple, or a node type registered with optree."""
    if getattr(value, "shape", None) is not None or value is None or is_scalar(value):
        return False
    if not isinstance(value, _CONTAINERS):
        try:
            import optree
        except ImportError:
            return False
    else:
        optree = optree_module()
    return not optree.tree_structure(value, namespace=NAMESPACE).is_leaf()


_signature = attrgetter("shape", "dtype")


def _standard(treedef: Any, optree: Any) -> bool:
    kinds = optree.PyTreeKind
    allowed = {kinds.LEAF, kinds.NONE, kinds.TUPLE, kinds.LIST, kinds.DICT, kinds.NAMEDTUPLE}
    return treedef.kind in allowed and all(_standard(c, optree) for c in treedef.children())


def _worded(message: str, error: type) -> str:
    """A mismatch found while preparing (a tangent unlike x) is no call unfit for its prep."""
    if error is PrepMismatchError:
        return message
    rest = message.partition("\n")[2]
    body = rest.rpartition("\n")[0].replace("prep expected", "expected")
    return f"the tangents must be pytrees like x (the cotangents, like f(x)):\n{body}"


def path_name(what: str, path: tuple[Any, ...]) -> str:
    return what + "".join(f"[{k!r}]" for k in path)


def _integral(dtype: Any) -> bool:
    name = str(getattr(dtype, "name", dtype)).rpartition(".")[2]
    return name.startswith(("int", "uint", "bool"))


class Structure:
    """The structure of one pytree: its tree definition, and the shape of each leaf.

    ``ravel(tree)`` checks a tree against it (``PrepMismatchError`` naming the differing
    key or leaf) and returns the flattened view; ``unravel(v)`` rebuilds a tree from a
    1-D array of ``size`` entries (its leaves are views of ``v``).
    """

    def __init__(self, tree: Any, what: str = "x") -> None:
        optree = optree_module()
        self._optree = optree
        leaves, self.treedef = optree.tree_flatten(tree, namespace=NAMESPACE)
        self._suffixes = [path_name("", p) for p in self.treedef.paths()]
        self.names = [what + s for s in self._suffixes]
        if not leaves:
            raise ArgumentError(f"{what} is a pytree with no leaves ({self.treedef}): nothing "
                                "to differentiate.")
        arrays = []
        for leaf, name in zip(leaves, self.names):
            if isinstance(leaf, bool) or (isinstance(leaf, int) and not isinstance(leaf, np.ndarray)):
                raise ArgumentTypeError(f"{name} is the Python {type(leaf).__name__} {leaf!r}; "
                                        "the leaves of a pytree are floating-point arrays or "
                                        "Python floats: write float(...).")
            if is_scalar(leaf):
                continue
            if getattr(leaf, "shape", None) is None or getattr(leaf, "dtype", None) is None:
                raise ArgumentTypeError(f"{name} is a {type(leaf).__module__}."
                                        f"{type(leaf).__qualname__}, neither an array nor a "
                                        "number, so it cannot be differentiated: pass it as "
                                        "an adcore.Constant context, or register its type "
                                        f"with optree (namespace {NAMESPACE!r}).")
            if _integral(leaf.dtype):
                raise ArgumentTypeError(f"{name} has dtype {leaf.dtype}; derivatives need "
                                        "floating-point leaves: cast it, e.g. x.astype(float).")
            arrays.append((leaf, name))
        families = {family(a) for a, _ in arrays} or {"numpy"}
        if len(families) > 1:
            raise ArgumentTypeError(f"the leaves of {what} are of several array families "
                                    f"({', '.join(sorted(families))}); use one.")
        dtypes = {str(a.dtype): (a.dtype, n) for a, n in arrays}
        if len(dtypes) > 1:
            raise ArgumentTypeError(
                f"the leaves of {what} have several dtypes ("
                + ", ".join(f"{n}: {d}" for d, n in dtypes.values())
                + "); adcore differentiates a pytree of one dtype. Cast the leaves to one, "
                "e.g. float64 (optree.tree_map(lambda a: a.astype('float64'), x))."
            )
        self.family = families.pop()
        self.numpy = self.family == "numpy"
        if arrays:
            self.dtype = arrays[0][0].dtype
        else:
            self.dtype = np.result_type(*[np.asarray(leaf) for leaf in leaves], np.float64)
        self.xp = np if self.numpy else array_namespace(arrays[0][0])
        self.shapes = tuple(tuple(getattr(leaf, "shape", ())) for leaf in leaves)
        self.sizes = tuple(int(np.prod(s, dtype=np.int64)) for s in self.shapes)
        self.offsets = tuple(int(o) for o in np.cumsum((0, *self.sizes))[:-1])
        self.size = sum(self.sizes)
        self._checks = tuple(
            (None, None) if is_scalar(leaf) else (leaf.shape, leaf.dtype) for leaf in leaves
        )
        self._slices = tuple(zip(self.offsets, self.sizes, self.shapes))
        self._python_leaves = any(map(is_scalar, leaves))
        #: What identifies the structure: equal keys, interchangeable structures.
        self.key = (self.treedef, self.shapes, str(self.dtype), self.family, self._python_leaves)
        #: Whether only the containers every engine knows make it (no registered node type).
        self.standard = _standard(self.treedef, optree)
        # A dict of arrays (model parameters), checked on each call without flattening it.
        self._dict: Any = None
        if type(tree) is dict and len(leaves) == len(tree) and not self._python_leaves:
            self.quick(tree, _signature)

    def quick(self, tree: Any, signature: Any) -> None:
        """Check a dict of arrays like ``tree`` by ``signature`` of each leaf (an engine's
        faster one: ``attrgetter("aval")``), equal signatures meaning equal shapes and dtypes."""
        if self._dict is None and signature is not _signature:
            return
        try:
            sigs = list(map(signature, tree.values()))
        except AttributeError:
            signature, sigs = _signature, list(map(_signature, tree.values()))
        # a dict of these keys in this order fits at first sight (another order: the whole check)
        self._dict = (tuple(tree), signature, sigs)

    def fits(self, tree: Any) -> bool:
        """Whether ``tree`` surely has this structure (a quick test; False may be a miss)."""
        if self._dict is None or type(tree) is not dict:
            return False
        keys, signature, sigs = self._dict
        try:
            return tuple(tree) == keys and list(map(signature, tree.values())) == sigs
        except AttributeError:
            return False

    def __repr__(self) -> str:
        return f"<adcore pytree structure {self.treedef} of {self.size} {self.dtype} entries>"

    # --- checks

    def leaves(self, tree: Any, what: str = "x", error: type = PrepMismatchError) -> list[Any]:
        """The leaves of ``tree``, checked to have this structure and these leaf shapes."""
        leaves, treedef = self._optree.tree_flatten(tree, namespace=NAMESPACE)
        if treedef != self.treedef:
            raise error(_worded(self._explain(treedef, what), error))
        for leaf, (shape, dtype), suffix in zip(leaves, self._checks, self._suffixes):
            if shape is None:
                if is_scalar(leaf) and not isinstance(leaf, bool):
                    continue
            elif getattr(leaf, "shape", None) == shape and leaf.dtype == dtype:
                continue
            raise error(_worded(self._explain_leaf(leaf, shape, dtype, what + suffix), error))
        return leaves

    def _explain(self, treedef: Any, what: str) -> str:
        expected = {path_name(what, p) for p in self.treedef.paths()}
        got = {path_name(what, p) for p in treedef.paths()}
        lines = [f"  {what}: prep expected the structure {self.treedef}, got {treedef}"]
        if expected - got:
            lines.append(f"  missing: {', '.join(sorted(expected - got))}")
        if got - expected:
            lines.append(f"  unexpected: {', '.join(sorted(got - expected))}")
        return self._message(lines)

    def _explain_leaf(self, leaf: Any, shape: Any, dtype: Any, name: str) -> str:
        want = "a Python number" if shape is None else f"shape {tuple(shape)} and dtype {dtype}"
        if getattr(leaf, "shape", None) is None:
            got = f"a {type(leaf).__qualname__}"
        else:
            got = f"shape {tuple(leaf.shape)} and dtype {leaf.dtype}"
        return self._message([f"  {name}: prep expected {want}, got {got}"])

    @staticmethod
    def _message(lines: list[str]) -> str:
        return ("this call does not fit its preparation:\n" + "\n".join(lines) + "\nPrepare "
                "again for this structure, or pass a pytree like the one prepared for.")

    # --- the two views

    def ravel(self, tree: Any, what: str = "x", error: type = PrepMismatchError) -> Any:
        """The flattened view of ``tree`` (checked): a fresh 1-D array."""
        return self.concat(self.leaves(tree, what, error))

    def ravel_output(self, tree: Any) -> Any:
        """The flattened view of what ``f`` returned, as the engine calls it (its leaves may be
        the engine's values, traced): only the structure is checked."""
        leaves, treedef = self._optree.tree_flatten(tree, namespace=NAMESPACE)
        if treedef != self.treedef:
            raise ArgumentTypeError(
                f"f(x) returned a pytree of structure {treedef}, where it returned {self.treedef} "
                "at preparation: f must return the same structure at every x."
            )
        return self.concat(leaves)

    def concat(self, leaves: list[Any]) -> Any:
        """Leaves of this structure (not checked) raveled and concatenated."""
        if self.numpy and all(isinstance(leaf, _HOST) for leaf in leaves):
            parts = [np.ravel(leaf) for leaf in leaves]
            if not self._python_leaves:
                return np.concatenate(parts)  # in the leaves' dtype (complex, under a complex step)
            arrays = [p for p, leaf in zip(parts, leaves) if not is_scalar(leaf)]
            return np.concatenate(parts, dtype=np.result_type(*arrays) if arrays else self.dtype)
        # an engine's arrays, or the values it traces: through their namespace
        arrays = [leaf for leaf in leaves if not is_scalar(leaf)]
        xp = array_namespace(*arrays) if arrays else np
        dtype = arrays[0].dtype if arrays else self.dtype
        parts = [
            xp.reshape(xp.asarray(leaf, dtype=dtype) if is_scalar(leaf) else leaf, (-1,))
            for leaf in leaves
        ]
        return parts[0] if len(parts) == 1 and not arrays else xp.concat(parts)

    def unravel(self, v: Any) -> Any:
        """The pytree whose flattened view is the 1-D array ``v``."""
        if type(v) is np.ndarray:
            leaves = [v[o:o + n].reshape(shape) for o, n, shape in self._slices]
        else:
            xp = array_namespace(v)
            leaves = [xp.reshape(v[o:o + n], shape) for o, n, shape in self._slices]
        return self._optree.tree_unflatten(self.treedef, leaves)


def unravel(like: Any, vector: Any) -> Any:
    """unravel(like, vector) -> pytree: a row or column of a ``jacobian`` or ``hessian``
    (or any 1-D array over the flattened leaves) as a pytree shaped like ``like``.

    ``like`` is the pytree ``x`` (or a pytree ``f(x)``, for a column of a Jacobian's rows),
    or a prep made for a pytree ``x``. The flattened order is optree's: dict keys sorted,
    then each leaf in C order.

    >>> import numpy as np, adcore as ad
    >>> x = {"b": np.zeros(2), "a": np.zeros((1, 2))}
    >>> ad.unravel(x, np.arange(4.0))  # "a" first in the flattened order; x's own key order
    {'b': array([2., 3.]), 'a': array([[0., 1.]])}
    """
    structure = getattr(like, "structure", None) or getattr(getattr(like, "executor", None), "xs", None)
    if structure is None:
        if not is_tree(like):
            raise ArgumentTypeError(
                f"unravel: `like` must be a pytree (a dict, list or tuple of arrays) or a prep "
                f"made for one, got {type(like).__qualname__}."
            )
        structure = Structure(like, "like")
    size = getattr(vector, "size", None)
    if getattr(vector, "ndim", None) != 1 or size != structure.size:
        raise ArgumentError(
            f"unravel: `vector` must be a 1-D array of {structure.size} entries (the leaves of "
            f"{structure.treedef}), got {getattr(vector, 'shape', type(vector).__name__)}."
        )
    copy = vector.copy() if isinstance(vector, np.ndarray) else vector
    return structure.unravel(copy)

