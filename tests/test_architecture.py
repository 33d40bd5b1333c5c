"""The architecture, as a test: adcore's modules import only downward, in layers, with no
cycle, counting the imports inside functions too (docs/architecture.md draws it).

Imports under ``if TYPE_CHECKING:`` are left out: they never run. Everything else counts,
at module level or inside a function: a function-local import hides a cycle from Python,
not from this test.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "adcore"

#: The layers, bottom first: a module may import from its own layer (without a cycle) and
#: from the layers below it, never from one above. A module belongs to the first layer
#: that names it or a package above it.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("errors", ("adcore.errors",)),
    ("core", ("adcore._core",)),  # arrays, contexts, preps, the abstract backend
    ("registry", ("adcore._registry",)),  # hooks, plugin loading, namespaces, conversions
    ("operators", ("adcore._operators",)),  # executors, one module per operator, fallbacks
    ("combinators", ("adcore._combinators",)),  # wrappers: SecondOrder, FromPrimitive, zeros
    ("backends", ("adcore._backends",)),  # the embedded AutoFiniteDiff
    ("sparse", ("adcore.sparse",)),  # AutoSparse, detection, coloring (the [sparse] extra)
    ("api", ("adcore.extend", "adcore")),  # the user's and the backend author's namespaces
    ("testing", ("adcore.testing",)),  # the conformance suite, on the public API
    ("cli", ("adcore._cli", "adcore.__main__")),  # the command line, on everything
]

#: Third-party packages that adcore imports inside functions only, with the reason. A
#: package that is not here is imported at module level or not at all.
LAZY: dict[str, str] = {
    "array_api_compat": "numpy's array-API view, kept off the time of `import adcore`",
    "pluggy": "plugin loading, on the first backend lookup, never at `import adcore`",
    "scipy": "the [sparse] extra",
    "rich": "the [cli] extra: tables and progress bars",
    "matplotlib": "the [bench] extra: `adcore bench --plot`",
    "pandas": "the [bench] extra: BenchmarkResult.to_dataframe()",
    "hypothesis": "the [testing] extra, imported by the suite's property checks",
    "pytest": "the [testing] extra, imported by parametrize_with_checks",
    # only once an executor of another package's is seen, to tell a Dask client's apart
    "distributed": "the [dask] extra: AutoFiniteDiff(executor=client.get_executor())",
    "optree": "the [pytrees] extra: flattening a pytree x, on the first pytree only",
}

#: Engines: never imported by adcore, whose plugins bring them.
ENGINES = ("jax", "jaxlib", "torch", "tensorflow", "autograd")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> int:
    for i, (_, prefixes) in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return i
    raise AssertionError(f"{module} is in no layer: add it to LAYERS")


class _Imports(ast.NodeVisitor):
    """Each import statement that runs: ``(absolute name, line, inside a function)``."""

    def __init__(self, module: str, is_package: bool) -> None:
        self.package = module if is_package else module.rpartition(".")[0]
        self.found: list[tuple[str, int, bool]] = []
        self.depth = 0

    def visit_If(self, node: ast.If) -> None:
        if "TYPE_CHECKING" in ast.unparse(node.test):
            for stmt in node.orelse:
                self.visit(stmt)
        else:
            self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.found.append((alias.name, node.lineno, self.depth > 0))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:
            parts = self.package.split(".")
            parts = parts[: len(parts) - node.level + 1]
            base = ".".join([*parts, base] if base else parts)
        for alias in node.names:  # `from . import hookspecs` imports a module
            full = f"{base}.{alias.name}"
            self.found.append((full if full in MODULES else base, node.lineno, self.depth > 0))


def imports(module: str) -> list[tuple[str, int, bool]]:
    path = MODULES[module]
    visitor = _Imports(module, path.name == "__init__.py")
    visitor.visit(ast.parse(path.read_text(), str(path)))
    return visitor.found


def adcore_edges() -> Iterator[tuple[str, str, int]]:
    """``(importer, imported, line)`` for each import of an adcore module by another."""
    for module in MODULES:
        for name, line, _ in imports(module):
            target = name
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != module and target.startswith("adcore"):
                yield module, target, line


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        layer_of(module)


def test_layers_import_only_downward() -> None:
    upward = [
        f"{a}:{line} ({LAYERS[layer_of(a)][0]}) imports {b} ({LAYERS[layer_of(b)][0]})"
        for a, b, line in adcore_edges() if layer_of(b) > layer_of(a)
    ]
    assert not upward, "imports from a layer above:\n" + "\n".join(upward)


def test_no_import_cycles() -> None:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for a, b, _ in adcore_edges():
        graph[a].add(b)
    cycles = strongly_connected(graph)
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(sorted(c)) for c in cycles)


def test_function_local_imports_are_lazy_on_purpose() -> None:
    unlisted = sorted({
        f"{module}:{line} imports {name}"
        for module in MODULES for name, line, local in imports(module)
        if local and not name.startswith("adcore") and name.split(".")[0] not in sys.stdlib_module_names
        and name.split(".")[0] not in LAZY
    })
    assert not unlisted, "function-local imports not in LAZY:\n" + "\n".join(unlisted)
    assert len(LAZY) <= 10


def test_no_engine_is_imported() -> None:
    found = [f"{module}:{line} imports {name}" for module in MODULES
             for name, line, _ in imports(module) if name.split(".")[0] in ENGINES]
    assert not found, "\n".join(found)


#: Modules that may name an engine in their code: data about the shipped plugins, not
#: behaviour. `loading` maps `adcore.AutoJAX` to the distribution `adcore-jax` to name it
#: in the error of a missing plugin (SPEC 2); the scenarios say which family a case needs.
NAMES_ENGINES = ("adcore._registry.loading", "adcore.testing._scenarios", "adcore._cli.demo")


@pytest.mark.parametrize("module", [m for m in MODULES if not m.startswith(NAMES_ENGINES)])
def test_no_engine_is_special_cased(module: str) -> None:
    tree = ast.parse(MODULES[module].read_text())
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    named = [f"line {node.lineno}: {node.value!r}" for node in ast.walk(tree)
             if isinstance(node, ast.Constant) and isinstance(node.value, str)
             and id(node) not in docstrings and _names_an_engine(node.value)]
    assert not named, f"{module} names an engine in its code: " + "; ".join(named)


def _names_an_engine(text: str) -> bool:
    words = text.replace(".", " ").replace("-", " ").replace("`", " ").split()
    return any(word in ENGINES for word in words)


def test_no_module_over_300_lines() -> None:
    long = {m: n for m, p in MODULES.items() if (n := len(p.read_text().splitlines())) > 300}
    assert not long, f"modules over 300 lines: {long}"


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one node (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def test_the_cycle_finder_finds_cycles() -> None:
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]
    assert strongly_connected({"a": {"b"}, "b": set()}) == []
