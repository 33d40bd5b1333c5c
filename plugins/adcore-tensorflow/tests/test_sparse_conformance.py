"""The conformance suite's sparse scenarios on AutoSparse(AutoTensorFlow()) in each mode; among its
checks, check_sparse_matches_dense compares every result with AutoTensorFlow's dense one."""

from typing import Any

import pytest

pytest.importorskip("scipy")  # adcore[sparse]

import adcore as ad
from adcore.testing import parametrize_with_checks, sparse_scenarios

MODES = [ad.AutoTensorFlow(), ad.AutoTensorFlow(mode="forward"), ad.AutoTensorFlow(mode="reverse")]


@parametrize_with_checks([ad.AutoSparse(b) for b in MODES], scenarios=sparse_scenarios())
def test_autosparse_conforms(backend: Any, check: Any) -> None:
    check()
