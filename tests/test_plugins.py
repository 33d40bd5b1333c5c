"""Plugin discovery (adcore._registry.plugins) against real installed distributions.

Each test runs Python in a subprocess whose path holds only the adcore source,
its dependencies and throwaway plugin distributions (``*.dist-info`` with
``entry_points.txt``) written to a temporary site directory: ``-S`` keeps the
site-packages of this interpreter, and any plugin installed there, out of view.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: What `import adcore` needs besides the standard library (pyproject's dependencies).
CORE_DEPENDENCIES = ("numpy", "pluggy", "typing_extensions", "array_api_compat")
ENGINES = ("jax", "torch", "autograd", "tensorflow")

GOOD = """
from dataclasses import dataclass
from types import SimpleNamespace

from adcore.extend import AbstractBackend, AbstractPushforward, hookimpl

CALLS = []
NAMESPACE = SimpleNamespace(name="good-namespace")


class Boxed:
    "A value that only this plugin's engine traces."


class Standard:
    "A value of the array API standard, whose namespace no plugin needs to name."

    def __array_namespace__(self, api_version=None):
        return SimpleNamespace(name="standard-namespace")


class _Pushforward(AbstractPushforward):
    def __init__(self, f):
        self.f = f

    def value_and_pushforward(self, x, tx, contexts, y=None):
        f, h = self.f, 1e-6
        return f(x, *contexts), tuple(
            (f(x + h * t, *contexts) - f(x - h * t, *contexts)) / (2 * h) for t in tx
        )


@dataclass(frozen=True)
class AutoGood(AbstractBackend):
    name = "good"
    modes = frozenset({"forward"})
    scale: float = 1.0

    def prepare_pushforward(self, f, x, tx, contexts, *, y=None, same_point=False):
        return _Pushforward(f)


@hookimpl
def adcore_register_backends(register):
    CALLS.append("register")
    register(AutoGood)


@hookimpl
def adcore_array_namespace(x):
    return NAMESPACE if isinstance(x, Boxed) else None
"""

BROKEN = """
raise ImportError("adcore-broken needs the engine 'no_such_engine'")
"""

BAD = """
from adcore.extend import AbstractBackend, hookimpl


class NotABackend:
    name = "plain"
    modes = frozenset({"forward"})


class AutoSideways(AbstractBackend):
    name = "sideways"
    modes = frozenset({"sideways"})


class AutoNameless(AbstractBackend):
    modes = frozenset({"reverse"})


class AutoWeird(AbstractBackend):
    name = "weird"
    modes = frozenset({"reverse"})
    native = frozenset({"laplacian"})


class AutoStringy(AbstractBackend):
    name = "stringy"
    modes = frozenset({"forward"})
    array_families = "numpy"


class AutoFine(AbstractBackend):
    name = "fine"
    modes = frozenset({"reverse"})
    native = frozenset({"gradient"})
    inplace = True


@hookimpl
def adcore_register_backends(register):
    for cls in (NotABackend, AutoSideways, AutoNameless, AutoWeird, AutoStringy, AutoFine):
        register(cls)


@hookimpl(tryfirst=True)
def adcore_array_namespace(x):
    raise RuntimeError("adcore-bad cannot tell")
"""

EXPLODES = """
from adcore.extend import hookimpl


@hookimpl
def adcore_register_backends(register):
    raise RuntimeError("boom")
"""

TWIN = """
from adcore.extend import AbstractBackend, hookimpl


class AutoGoodTwin(AbstractBackend):
    name = "good"
    modes = frozenset({"forward"})


class AutoFiniteDiffTwin(AbstractBackend):
    name = "finitediff"
    modes = frozenset({"forward"})


@hookimpl
def adcore_register_backends(register):
    register(AutoGoodTwin)
    register(AutoFiniteDiffTwin)
"""

EXITS = """
import sys

sys.exit(3)
"""

SHOUT = """
from adcore.extend import AbstractBackend, hookimpl


class AutoShout(AbstractBackend):
    name = "Shout"
    modes = frozenset({"forward"})


class AutoShoutTwin(AbstractBackend):
    name = "shout"
    modes = frozenset({"forward"})


@hookimpl
def adcore_register_backends(register):
    register(AutoShout)
    register(AutoShoutTwin)
"""

QUIET_EXIT = """
raise SystemExit
"""

TYPO = """
from adcore.extend import hookimpl


@hookimpl
def adcore_register_backend(register):
    "Misspelt: pluggy reports the unknown hook instead of never calling it."
"""

#: distribution -> (version, module, source, entry-point name)
PLUGINS = {
    "adcore-good": ("0.3.0", "adcore_good", GOOD, "good"),
    "adcore-broken": ("1.0", "adcore_broken", BROKEN, "broken"),
    "adcore-bad": ("0.1", "adcore_bad", BAD, "bad"),
    "adcore-explodes": ("0.1", "adcore_explodes", EXPLODES, "explodes"),
    "adcore-twin": ("0.1", "adcore_twin", TWIN, "twin"),
    "adcore-typo": ("0.1", "adcore_typo", TYPO, "typo"),
    "adcore-exits": ("0.2", "adcore_exits", EXITS, "exits"),
    "adcore-quiet": ("0.1", "adcore_quiet", QUIET_EXIT, "quiet"),
    "adcore-shout": ("0.1", "adcore_shout", SHOUT, "shout"),
}
CORE_VERSION = "0.1.0+test"


def _dist_info(site: Path, dist: str, version: str, entry_points: str) -> None:
    info = site / f"{dist.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
    (info / "entry_points.txt").write_text(f"[adcore]\n{entry_points}\n")


def build_site(tmp: Path) -> dict[str, Path]:
    """Write ``tmp/lib`` (adcore and its dependencies, no metadata) and ``tmp/site``.

    ``site`` holds the plugin distributions and an ``adcore`` dist-info that
    declares the core's own entry point, as ``pip install adcore`` would.
    """
    lib, site = tmp / "lib", tmp / "site"
    lib.mkdir()
    site.mkdir()
    (lib / "adcore").symlink_to(ROOT / "adcore")
    for module in CORE_DEPENDENCIES:
        spec = importlib.util.find_spec(module)
        assert spec is not None and spec.origin is not None, module
        origin = Path(spec.origin)
        path = origin.parent if spec.submodule_search_locations else origin
        (lib / path.name).symlink_to(path)
        libs = path.parent / f"{module}.libs"  # shared libraries of manylinux wheels
        if libs.is_dir():
            (lib / libs.name).symlink_to(libs)
    _dist_info(site, "adcore", CORE_VERSION, "finitediff = adcore._backends.finitediff.plugin")
    for dist, (version, module, source, ep_name) in PLUGINS.items():
        (site / f"{module}.py").write_text(textwrap.dedent(source))
        _dist_info(site, dist, version, f"{ep_name} = {module}")
    return {"lib": lib, "site": site, "cwd": tmp}


def run_python(paths: dict[str, Path], args: list[str], *, plugins: str | None = None,
               site: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``python -S args`` with only the throwaway site (if ``site``) and lib on its path."""
    # Without COLUMNS, tables print a row a line, whatever the terminal of the test run.
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "ADCORE_LOAD_PLUGINS", "COLUMNS")}
    env["PYTHONPATH"] = os.pathsep.join(
        str(p) for p in ([paths["site"]] if site else []) + [paths["lib"]]
    )
    if plugins is not None:
        env["ADCORE_LOAD_PLUGINS"] = plugins
    return subprocess.run(
        [sys.executable, "-S", "-W", "error", *args], env=env, cwd=paths["cwd"],
        capture_output=True, text=True, timeout=60,
    )


def run_json(paths: dict[str, Path], code: str, **kwargs: Any) -> Any:
    """Run ``code``, which prints one JSON document last, and return it."""
    done = run_python(paths, ["-c", textwrap.dedent(code)], **kwargs)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def paths(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return build_site(tmp_path_factory.mktemp("plugins"))


ROWS = """
import json, adcore as ad
rows = [dict(name=r.name, cls=r.cls.__qualname__ if r.cls else None,
             distribution=r.distribution, version=r.version,
             capabilities=r.capabilities, error=r.error) for r in ad.available_backends()]
"""


def test_import_adcore_loads_no_plugin_machinery(paths: dict[str, Path]) -> None:
    watched = ["pluggy", "importlib.metadata", "adcore._registry.hookspecs",
               "adcore._backends.finitediff.plugin",
               *ENGINES, *(module for _, module, _, _ in PLUGINS.values())]
    loaded = run_json(paths, f"""
        import json, sys
        import numpy as np
        import adcore as ad
        watched = {watched!r}
        after_import = [m for m in watched if m in sys.modules]
        ad.gradient(lambda x: (x ** 2).sum(), ad.AutoFiniteDiff(), np.ones(3))
        ad.array_namespace(np.ones(3))
        after_use = [m for m in watched if m in sys.modules]
        ad.backend("finitediff")
        after_lookup = [m for m in watched if m in sys.modules]
        print(json.dumps([after_import, after_use, after_lookup]))
    """)
    after_import, after_use, after_lookup = loaded
    assert after_import == []
    # A backend built directly needs no plugin (array_api_compat imports importlib.metadata).
    assert set(after_use) <= {"importlib.metadata"}
    assert "pluggy" in after_lookup and "adcore_good" in after_lookup
    assert not set(ENGINES) & set(after_lookup)


def test_available_backends_lists_plugins_and_their_errors(paths: dict[str, Path]) -> None:
    rows = run_json(paths, ROWS + "print(json.dumps(rows))")
    ok = [r for r in rows if r["error"] is None]
    assert [r["name"] for r in ok] == ["finitediff", "fine", "good", "Shout"]
    assert ok[0]["distribution"] == "adcore" and ok[0]["version"] == CORE_VERSION
    assert ok[0]["cls"] == "AutoFiniteDiff"
    assert ok[1]["capabilities"]["native"] == ["gradient"] and ok[1]["capabilities"]["inplace"]
    assert ok[2] == {
        "name": "good", "cls": "AutoGood", "distribution": "adcore-good", "version": "0.3.0",
        "capabilities": {"modes": ["forward"], "native": [], "inplace": False, "contexts": True,
                         "batched_tangents": False, "nested": True, "thread_safe": False,
                         "array_families": ["numpy"]},
        "error": None,
    }
    errors = {(r["distribution"], r["name"]): r["error"] for r in rows if r["error"] is not None}
    assert errors.keys() == {
        ("adcore-broken", "broken"), ("adcore-explodes", "explodes"), ("adcore-bad", "plain"),
        ("adcore-bad", "sideways"), ("adcore-bad", "AutoNameless"), ("adcore-bad", "weird"),
        ("adcore-bad", "stringy"),
        ("adcore-twin", "good"), ("adcore-twin", "finitediff"), ("adcore-typo", "typo"),
        ("adcore-exits", "exits"), ("adcore-shout", "shout"), ("adcore-quiet", "quiet"),
    }
    assert errors["adcore-exits", "exits"] == "SystemExit: 3"
    assert errors["adcore-quiet", "quiet"] == "SystemExit (no message)"
    assert "already taken by AutoShout from adcore-shout" in errors["adcore-shout", "shout"]
    assert errors["adcore-broken", "broken"] == (
        "ImportError: adcore-broken needs the engine 'no_such_engine'"
    )
    assert errors["adcore-explodes", "explodes"] == "RuntimeError: boom"
    assert "not a subclass of adcore.extend.AbstractBackend" in errors["adcore-bad", "plain"]
    assert "AutoSideways.modes = ['sideways']" in errors["adcore-bad", "sideways"]
    assert "AutoNameless has no `name`" in errors["adcore-bad", "AutoNameless"]
    assert "AutoWeird.native = ['laplacian']" in errors["adcore-bad", "weird"]
    assert "AutoStringy.array_families = 'numpy'" in errors["adcore-bad", "stringy"]
    assert "already taken by AutoGood from adcore-good" in errors["adcore-twin", "good"]
    assert "already taken by AutoFiniteDiff from adcore" in errors["adcore-twin", "finitediff"]
    assert errors["adcore-typo", "typo"].startswith("PluginValidationError: unknown hook")


def test_backends_build_and_differentiate_despite_broken_plugins(paths: dict[str, Path]) -> None:
    result = run_json(paths, """
        import json
        import numpy as np
        import adcore as ad
        fd, good = ad.backend("finitediff"), ad.backend("good", scale=2.0)
        x = np.arange(1.0, 4.0)
        grad = ad.gradient(lambda x: (x ** 2).sum(), good, x)
        print(json.dumps([type(fd).__name__, type(good).__module__, good.scale, grad.tolist(),
                          ad.AutoGood is type(good)]))
    """)
    assert result[:3] == ["AutoFiniteDiff", "adcore_good", 2.0]
    assert result[3] == pytest.approx([2.0, 4.0, 6.0], rel=1e-6)
    assert result[4] is True


def test_array_namespace_asks_the_plugins(paths: dict[str, Path]) -> None:
    result = run_json(paths, """
        import json
        import adcore as ad
        from adcore_good import Boxed
        answer = ad.array_namespace(Boxed()).name
        try:
            ad.array_namespace(object())
        except ad.AdcoreError as exc:
            error = str(exc)
        print(json.dumps([answer, error]))
    """)
    # adcore-bad's hook raises first, yet adcore-good's answer comes through.
    assert result[0] == "good-namespace"
    assert result[1].startswith("The plugin adcore-bad raised RuntimeError: adcore-bad cannot tell")
    assert "adcore.array_namespace: no array namespace is known" in result[1]


def test_a_raising_namespace_hook_breaks_no_value_that_does_not_need_it(paths: dict[str, Path]) -> None:
    """adcore-bad's hook raises for every value; a value that names its own namespace (or
    that adcore-good answers for) still gets it, and the error of a value nobody knows is
    an adcore.PluginError naming adcore-bad."""
    result = run_json(paths, """
        import json
        import adcore as ad
        from adcore_good import Boxed, Standard
        try:
            ad.array_namespace(object())
        except ad.PluginError as exc:
            error = [type(exc.__cause__).__name__, isinstance(exc, ad.AdcoreError)]
        print(json.dumps([ad.array_namespace(Standard()).name, ad.array_namespace(Boxed()).name,
                          error]))
    """)
    assert result == ["standard-namespace", "good-namespace", ["RuntimeError", True]]


def test_a_plugin_that_exits_on_import_is_isolated_and_named(paths: dict[str, Path]) -> None:
    attempts = """lambda: ad.backend("exits"), lambda: ad.backend("good")"""
    exits, good = run_json(paths, MISSING.format(attempts=attempts))
    assert exits[:2] == ["BackendNotInstalledError", True] and exits[3] == "SystemExit"
    assert exits[2].startswith("No backend named 'exits': its plugin adcore-exits 0.2 is installed "
                               "but failed: SystemExit: 3.")
    assert good is None


def test_plugin_backend_names_are_looked_up_case_insensitively(paths: dict[str, Path]) -> None:
    names = run_json(paths, """
        import json
        import adcore as ad
        print(json.dumps([type(ad.backend(n)).__name__ for n in ("Shout", "shout", " SHOUT ")]))
    """, plugins="adcore-shout")
    assert names == ["AutoShout"] * 3


def test_plugins_load_once_across_threads(paths: dict[str, Path]) -> None:
    calls = run_json(paths, """
        import json, threading
        import adcore as ad
        start = threading.Barrier(8)
        def look_up():
            start.wait()
            ad.backend("good")
        threads = [threading.Thread(target=look_up) for _ in range(8)]
        for t in threads: t.start()
        for t in threads: t.join()
        import adcore_good
        print(json.dumps(adcore_good.CALLS))
    """)
    assert calls == ["register"]


LOADED = ROWS + """
import sys
print(json.dumps([[r["name"] for r in rows if r["error"] is None],
                  [r["distribution"] for r in rows if r["error"] is not None],
                  sorted(m for m in sys.modules if m.startswith("adcore_"))]))
"""


def test_load_plugins_restricts_by_distribution_name(paths: dict[str, Path]) -> None:
    ok, failed, modules = run_json(paths, LOADED, plugins=" adcore_GOOD, adcore-twin ,")
    assert ok == ["finitediff", "good"]
    assert failed == ["adcore-twin", "adcore-twin"]
    assert modules == ["adcore_good", "adcore_twin"]


def test_load_plugins_empty_loads_only_the_core(paths: dict[str, Path]) -> None:
    assert run_json(paths, LOADED, plugins="") == [["finitediff"], [], []]
    attempts = """lambda: ad.backend("good"), lambda: ad.backend("nope")"""
    good, nope = run_json(paths, MISSING.format(attempts=attempts), plugins="")
    assert good[2] == (
        "No backend named 'good'. Installed: finitediff. Its plugin adcore-good is installed, "
        "but ADCORE_LOAD_PLUGINS='' leaves it out: add adcore-good to ADCORE_LOAD_PLUGINS, or "
        "unset ADCORE_LOAD_PLUGINS."
    )
    assert nope[2].startswith(
        "No backend named 'nope'. Installed: finitediff. ADCORE_LOAD_PLUGINS='' leaves out "
        "adcore-bad, adcore-broken, adcore-exits, adcore-explodes, adcore-good, adcore-quiet, "
        "adcore-shout, adcore-twin, adcore-typo. "
    )


MISSING = """
import json
import adcore as ad
errors = []
for attempt in ({attempts}):
    try:
        attempt()
    except Exception as exc:
        cause = exc.__cause__
        errors.append([type(exc).__name__, isinstance(exc, ImportError), str(exc),
                       type(cause).__name__ if cause else None])
    else:
        errors.append(None)
print(json.dumps(errors))
"""


def test_missing_backend_names_the_distribution_to_install(paths: dict[str, Path]) -> None:
    attempts = """
        lambda: ad.backend("jax"),
        lambda: ad.AutoJAX,
        lambda: exec("from adcore import AutoTorch"),
        lambda: ad.backend("nope"),
        lambda: ad.NoSuchThing,
    """
    jax, auto_jax, auto_torch, nope, attr = run_json(paths, MISSING.format(attempts=attempts))
    installed = "Installed: finitediff, fine, good, Shout."
    # The plugins are not published yet: the command that works from the source tree, and
    # the published name for later.
    hint = ("Install it from adcore's source tree, at its root: `python -m pip install "
            "./plugins/adcore-jax -c constraints.txt` (the constraints pin CPU builds of the "
            "engines); once adcore-jax is published, `pip install adcore-jax`.")
    assert jax == ["BackendNotInstalledError", True, f"No backend named 'jax'. {installed} {hint}",
                   None]
    assert auto_jax[:3] == ["BackendNotInstalledError", True,
                            f"No backend named 'jax' (adcore.AutoJAX). {installed} {hint}"]
    assert auto_torch[1] and "`python -m pip install ./plugins/adcore-torch -c constraints.txt`" \
        in auto_torch[2] and "`pip install adcore-torch`" in auto_torch[2]
    assert nope[:2] == ["BackendNotInstalledError", True]
    assert nope[2].startswith(f"No backend named 'nope'. {installed}")
    assert attr == ["AttributeError", False, "module 'adcore' has no attribute 'NoSuchThing'", None]


def test_failed_plugin_error_reaches_the_lookup(paths: dict[str, Path]) -> None:
    attempts = """
        lambda: ad.backend("broken"),
        lambda: ad.backend("sideways"),
        lambda: ad.backend("fine"),
    """
    broken, sideways, fine = run_json(
        paths, MISSING.format(attempts=attempts), plugins="adcore-broken,adcore-bad"
    )
    assert broken[0] == "BackendNotInstalledError" and broken[3] == "ImportError"
    assert broken[2].startswith(
        "No backend named 'broken': its plugin adcore-broken 1.0 is installed but failed: "
        "ImportError: adcore-broken needs the engine 'no_such_engine'. Installed: finitediff, fine."
    )
    assert "AutoSideways.modes = ['sideways']" in sideways[2]
    assert fine is None  # the bad classes of adcore-bad do not keep its good one out


def test_source_checkout_without_metadata_still_has_finitediff(paths: dict[str, Path]) -> None:
    code = ROWS + """
print(json.dumps([[(r["name"], r["distribution"]) for r in rows],
                  type(ad.backend("finitediff")).__name__]))
"""
    result = run_json(paths, code, site=False)
    assert result == [[["finitediff", "adcore"]], "AutoFiniteDiff"]


def test_core_declares_its_own_entry_point() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert '[project.entry-points.adcore]\nfinitediff = "adcore._backends.finitediff.plugin"' in pyproject
