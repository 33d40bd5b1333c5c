"""``adcore demo``, and what every command that takes a backend's name does with a missing one."""

from __future__ import annotations

import io
import re

import pytest

from adcore._cli import main
from adcore._cli.demo import _next, run_demo
from adcore._cli.render import usable_names


@pytest.mark.parametrize("args", [["demo", "--backend", "nosuch"], ["check", "nosuch"],
                                  ["bench", "--backend", "nosuch", "--plain"]], ids=lambda a: a[0])
def test_a_missing_backend_is_one_line_and_status_2(args: list[str],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1, captured.err
    assert captured.err.startswith(f"adcore {args[0]}: No backend named 'nosuch'. Installed: ")


def test_a_missing_shipped_plugin_names_the_command_that_installs_it(
        capsys: pytest.CaptureFixture[str]) -> None:
    if "autograd" in usable_names():
        pytest.skip("adcore-autograd is installed here")
    assert main(["demo", "--backend", "autograd"]) == 2
    err = capsys.readouterr().err
    assert "`python -m pip install ./plugins/adcore-autograd -c constraints.txt`" in err
    assert "`pip install adcore-autograd`" in err


@pytest.mark.parametrize("command", [["demo"], ["check"]])
def test_help_lists_the_installed_backends(command: list[str],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*command, "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert f"installed: {', '.join(usable_names())})" in out


def test_demo_shows_the_tutorial_a_jacobian_and_an_hvp_then_another_engine() -> None:
    out = io.StringIO()
    assert run_demo("finitediff", out) == 0
    text = out.getvalue()
    for step in ("xp = ad.array_namespace(x)", "ad.gradient(f, backend, x)\n",
                 "ad.gradient(f, backend, x, out=grad)", "prep = ad.prepare_gradient(",
                 "ad.jacobian(", "[0., 3., 2., 0., 0.]", "ad.hvp(f, backend, x, (np.ones_like(x),))",
                 "(array([2., 2., 2., 2., 2.]),)"):
        assert step in text
    suggested = re.findall(r"adcore demo --backend (\w+)", text.splitlines()[-1])
    assert suggested and suggested[0] != "finitediff"


def test_the_closing_hint_names_another_engine() -> None:
    for used in ("finitediff", "jax", "torch"):
        hint = _next(used)
        (name,) = re.findall(r"adcore demo --backend (\w+)", hint)
        assert name != used
        if name not in usable_names():  # not installed here: how to install it
            assert f"python -m pip install ./plugins/adcore-{name} -c constraints.txt" in hint
