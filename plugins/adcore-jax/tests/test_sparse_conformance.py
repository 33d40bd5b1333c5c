"""The conformance suite's sparse scenarios on AutoSparse(AutoJAX()), in each mode, and
every sparse result checked against AutoJAX's dense one (needs scipy: adcore[sparse])."""

from typing import Any

import pytest

pytest.importorskip("scipy")

import adcore as ad
from adcore.testing import check_sparse_matches_dense, parametrize_with_checks, sparse_scenarios

MODES = [ad.AutoJAX(), ad.AutoJAX(mode="forward"), ad.AutoJAX(mode="reverse")]


@parametrize_with_checks([ad.AutoSparse(b) for b in MODES], scenarios=sparse_scenarios())
def test_autosparse_conforms(backend: Any, check: Any) -> None:
    check()


@pytest.mark.parametrize("backend", MODES, ids=repr)
@pytest.mark.parametrize("scenario", sparse_scenarios(), ids=lambda s: s.id)
def test_sparse_matches_dense(backend: Any, scenario: Any) -> None:
    check_sparse_matches_dense(backend, scenario)
