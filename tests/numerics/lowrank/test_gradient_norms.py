"""Covers numerics/lowrank/_gradient_norms.py: the cost model and the work and memory bounds of GradientNorms."""

import numpy as np
import pytest

import numerics.lowrank._gradient_norms as gradient_norms
from numerics.lowrank import (GRADIENT_MAX_BYTES, GRADIENT_MAX_WORK, GRADIENT_NORMS, GradientNorms, Setup,
                              gradient_norms_cost)
from theory import ResourceLimit, parse_formula


def _estimator(statistic="S2/S1"):
    return GradientNorms(parse_formula(statistic, [*GRADIENT_NORMS, "n", "d", "m", "nu"]),
                         Setup(activation="relu", weights="sphere"))


@pytest.fixture
def no_draw(monkeypatch):
    """Any draw of the gradient problem fails the test: a refusal must come before the work."""
    def started(*args, **kwargs):
        raise AssertionError("a draw of the gradient problem started")

    monkeypatch.setattr(gradient_norms, "_norms", started)


@pytest.mark.parametrize("sizes, bound", [((3162, 3162, 3162), "GRADIENT_MAX_WORK"),   # issue 22: > 85 s a look
                                          ((10**7, 1, 10**6), "GRADIENT_MAX_BYTES"),    # n m = 1e13 entries
                                          ((1, 10**7, 1), "GRADIENT_MAX_BYTES")])      # twenty d-vectors
def test_what_the_claims_file_limits_allow_but_is_beyond_reason_is_refused_at_once(no_draw, sizes, bound):
    n, d, m = sizes
    assert max(n * d, d * m) <= 10**7               # within the claims-file limits (verify/_claims_file.py)
    with pytest.raises(ResourceLimit, match=bound):
        _estimator()({"n": n, "d": d, "m": m, "nu": 0.3}, rng=np.random.default_rng(0), n=8)


def test_the_work_adds_over_draws_and_components(no_draw):
    work = gradient_norms_cost(1000, 1000, 1000)[0]
    draws = GRADIENT_MAX_WORK // work                 # one component: this many draws fit, twice as many do not
    assert draws >= 8
    with pytest.raises(ResourceLimit, match=f"{2 * draws} draws"):
        _estimator()({"n": 1000, "d": 1000, "m": 1000, "nu": 0.3}, rng=np.random.default_rng(0), n=2 * draws)
    with pytest.raises(ResourceLimit, match="2 component"):
        _estimator()({"n": 1000, "d": 1000, "m": 1000, "nu": (0.1, 0.3)}, rng=np.random.default_rng(0),
                     n=draws)


def test_the_statistic_e_counts_its_full_svd():
    plain, size = gradient_norms_cost(400, 500, 600)
    with_e, same = gradient_norms_cost(400, 500, 600, spectral_e=True)
    assert with_e - plain == 16 * 500 * 600 * 500 and same == size


def test_a_small_problem_runs_and_its_model_bounds_its_memory():
    import tracemalloc
    tracemalloc.start()
    try:
        est = _estimator("S2/S1 + sigma2/G")({"n": 200, "d": 300, "m": 400, "nu": 0.3},
                                              rng=np.random.default_rng(1), n=2)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert np.isfinite(est.value[0]) and est.n_samples == 2
    assert peak <= gradient_norms_cost(200, 300, 400)[1] <= GRADIENT_MAX_BYTES


def test_a_single_column_problem_has_sigma2_zero():
    est = _estimator("sigma2/G")({"n": 50, "d": 40, "m": 1, "nu": 0.3}, rng=np.random.default_rng(2), n=2)
    assert est.value == (0.0,)
