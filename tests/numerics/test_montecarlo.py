"""Covers numerics/_montecarlo.py: reproducibility, standard error, chunking, bad input."""

import numpy as np
import pytest

import numerics
import theory


def _rng(seed=0):
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(7,)))


def test_same_seed_same_estimate_and_seed_is_recorded():
    a = numerics.gaussian_expectation_mc(np.square, [1.0, 2.0], rng=_rng(3), n=10_000)
    b = numerics.gaussian_expectation_mc(np.square, [1.0, 2.0], rng=_rng(3), n=10_000)
    assert a == b and a.seed == (3, 7) and a.n_samples == 10_000


def test_chunking_does_not_change_the_estimate():
    a = numerics.gaussian_expectation_mc(np.abs, [0.5], rng=_rng(), n=100_000, chunk=1 << 20)
    b = numerics.gaussian_expectation_mc(np.abs, [0.5], rng=_rng(), n=100_000, chunk=4096)
    assert a.value[0] == pytest.approx(b.value[0], rel=1e-12)
    assert a.std_error[0] == pytest.approx(b.std_error[0], rel=1e-9)


def test_standard_error_matches_the_exact_variance():
    # E[(sZ)^2] = s^2 and Var[(sZ)^2] = 2 s^4, so se = s^2 sqrt(2/n)
    n, s = 400_000, 1.5
    est = numerics.gaussian_expectation_mc(np.square, [s], rng=_rng(1), n=n)
    exact_se = s**2 * np.sqrt(2 / n)
    assert est.std_error[0] == pytest.approx(exact_se, rel=0.02)  # sd of a sample sd ~ sqrt(Kurt/4n) << 2%
    assert abs(est.value[0] - s**2) < 5 * exact_se


def test_moment_estimator_reads_scale_and_activation_parameters():
    est = numerics.GaussianMomentMC("leaky_relu", "mean_derivative")({"s": (1.0, 3.0), "slope": 0.5},
                                                                      rng=_rng(), n=50_000)
    assert len(est.value) == 2
    assert all(abs(v - 0.75) < 5 * e for v, e in zip(est.value, est.std_error))


@pytest.mark.parametrize("kwargs,name", [
    (dict(n=1), "`n`"), (dict(n=10.5), "`n`"), (dict(rng=np.random.RandomState(0)), "`rng`"),
])
def test_bad_input_is_a_typed_error(kwargs, name):
    args = dict(rng=_rng(), n=100) | kwargs
    with pytest.raises(theory.InvalidArgument, match=name):
        numerics.gaussian_expectation_mc(np.square, [1.0], **args)


def test_non_positive_scale_is_rejected():
    with pytest.raises(theory.InvalidArgument, match="scales"):
        numerics.gaussian_expectation_mc(np.square, [0.0], rng=_rng(), n=100)
