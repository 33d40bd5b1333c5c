"""The conformance suite's sparse scenarios on AutoSparse over the core's numpy backends.

Every check runs on AutoSparse over AutoFiniteDiff, over its pushforward alone
(column coloring), over a pullback derived from it (row coloring), over both
(MixedMode: bidirectional coloring), over SecondOrder, with acyclic coloring and
substitution, and with each detector; ``check_sparse_matches_dense`` compares
every result with the dense backend's, and runs on the dense backends too.
"""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("scipy")

import adcore as ad
from adcore.extend import ForwardFromPrimitive, ReverseFromPrimitive
from adcore.testing import check_sparse_matches_dense, parametrize_with_checks, sparse_scenarios

FD = ad.AutoFiniteDiff()
FORWARD = ForwardFromPrimitive(FD)
REVERSE = ReverseFromPrimitive(FD)

SPARSE_BACKENDS = [
    ad.AutoSparse(FD),
    ad.AutoSparse(FORWARD),
    ad.AutoSparse(REVERSE),
    ad.AutoSparse(ad.MixedMode(FORWARD, REVERSE)),
    ad.AutoSparse(ad.SecondOrder(FORWARD, REVERSE)),
    ad.AutoSparse(FD, coloring_algorithm=ad.GreedyColoringAlgorithm(decompression="substitution")),
    ad.AutoSparse(FD, coloring_algorithm=ad.GreedyColoringAlgorithm(order="smallest_last")),
    ad.AutoSparse(FD, sparsity_detector=ad.DenseSparsityDetector(FD, atol=1e-5)),
]


@parametrize_with_checks(SPARSE_BACKENDS, scenarios=sparse_scenarios())
def test_autosparse_conforms(backend: Any, check: Any) -> None:
    check()


@pytest.mark.parametrize("backend", [FD, FORWARD, REVERSE, ad.SecondOrder(REVERSE, FORWARD)], ids=repr)
@pytest.mark.parametrize("scenario", sparse_scenarios(), ids=lambda s: s.id)
def test_sparse_matches_dense(backend: Any, scenario: Any) -> None:
    check_sparse_matches_dense(backend, scenario)
