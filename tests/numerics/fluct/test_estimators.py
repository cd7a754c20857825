"""Covers numerics.fluct._ivfr_fit, _noise_checks, _noise_hessian, _lyapunov_checks and _sgd_checks (the ``fluct``
estimators)."""

import math

import numpy as np
import pytest
from scipy.stats import norm

from numerics import Estimate
from numerics.fluct import (Extrapolated, FourthMomentExact, GradientNoiseMC, IsotropyCheck, IvfrFitMC, LyapunovRoutes,
                            MinibatchEnumeration, MinibatchPrediction, fit_exponent, flatness_along, reference_hessian,
                            variance_flatness)
from numerics.fluct._noise_hessian import design
from theory.fluct import IVFR_CASES, flatness, ivfr_reference
from theory import InvalidArgument, NoConvergence

H_VALUES = {"h": tuple(np.geomspace(0.01, 1, 8)), "eta": 0.1, "loss0": 1.0}


@pytest.mark.parametrize("case", ["boltzmann", "squared"])
def test_protocol_recovers_the_exponent_from_the_exact_covariance(case):
    H = reference_hessian(H_VALUES["h"])
    vf = variance_flatness(ivfr_reference(case, H, 0.1).S, H, loss0=1.0)
    assert vf.psi == pytest.approx(IVFR_CASES[case][1], abs=1e-9)  # exact S: psi is exact up to rounding


def test_flatness_along_matches_the_quadratic_closed_form():
    H = np.diag([4.0, 0.25])
    loss = lambda w: 0.7 + 0.5 * w @ H @ w  # noqa: E731
    for k in range(2):
        u = np.eye(2)[k]
        assert flatness_along(loss, np.zeros(2), u) == pytest.approx(float(flatness(H[k, k], 0.7)), rel=1e-10)


def test_flatness_along_refuses_a_zero_loss_and_a_flat_direction():
    with pytest.raises(InvalidArgument, match="loss"):
        flatness_along(lambda w: 0.0, np.zeros(1), np.ones(1))
    with pytest.raises(NoConvergence):
        flatness_along(lambda w: 1.0, np.zeros(1), np.ones(1), reach=10.0)


def test_fit_exponent_rejects_bad_input():
    with pytest.raises(InvalidArgument, match="variances"):
        fit_exponent([1.0, -1.0], [1.0, 2.0])
    with pytest.raises(InvalidArgument, match="flatness"):
        fit_exponent([1.0, 2.0], [3.0, 3.0])


def test_ivfr_fit_is_reproducible_and_refuses_too_few_samples():
    est = IvfrFitMC("boltzmann", replicates=4)
    a = est(H_VALUES, rng=np.random.default_rng(1), n=4 * 3 * 200)
    b = est(H_VALUES, rng=np.random.default_rng(1), n=4 * 3 * 200)
    assert a.value == b.value and a.dof == 3
    with pytest.raises(InvalidArgument, match="n"):
        est(H_VALUES, rng=np.random.default_rng(1), n=10)


@pytest.mark.parametrize("replacement", [1, 0])
def test_minibatch_enumeration_equals_the_scaled_covariance_exactly(replacement):
    values = {"M": 6, "B": 2, "N": 2, "replacement": replacement}
    assert MinibatchEnumeration()(values, dps=30).value == MinibatchPrediction()(values, dps=30)
    with pytest.raises(InvalidArgument, match="B"):
        MinibatchPrediction()({**values, "B": 7}, dps=30)


def test_fourth_moment_identity_holds_symbolically():
    assert FourthMomentExact()({"n": 2}).value == (0,)


def test_gradient_noise_mc_is_reproducible_and_close_to_the_formula():
    from theory.fluct import GradientNoisePrediction

    values = {"lam": (1.0, 2.0), "rho": 0.2, "delta": (0.5, 0.3), "sigma2": 1.0}
    a = GradientNoiseMC()(values, rng=np.random.default_rng(3), n=200_000)
    assert a.value == GradientNoiseMC()(values, rng=np.random.default_rng(3), n=200_000).value
    predicted = [float(p) for p in GradientNoisePrediction()(values, dps=20)]
    z = [(v - p) / s for v, p, s in zip(a.value, predicted, a.std_error)]
    quantile = norm.isf(1e-6 / (2 * len(z)))  # a false failure has probability < 1e-6 over all components
    assert max(map(abs, z)) < quantile


def test_design_must_be_underparameterized():
    with pytest.raises(InvalidArgument, match="ratio"):
        design(np.random.default_rng(0), 10, 1.0)


def test_exact_lyapunov_checks_stay_within_their_bounds():
    values = {"n": 6, "h_min": 0.05, "seed": 2, "eta": 0.1, "kappa": 0.5}
    for check in (LyapunovRoutes(), IsotropyCheck()):
        e = check(values)
        assert e.value[0] <= e.bound[0] < 1e-10


class _Linear:
    """A fake estimator X(eta) = 1 + 3 eta with se 0.1: the extrapolation must return 1 exactly."""

    def __call__(self, values, *, rng, n, dps=None):
        return Estimate((1 + 3 * values["eta"],), std_error=(0.1,), n_samples=n, dof=9, method="fake")


def test_extrapolation_removes_a_first_order_bias_and_combines_errors():
    e = Extrapolated(_Linear())({"eta": 0.2}, rng=np.random.default_rng(0), n=5)
    assert e.value[0] == pytest.approx(1.0, abs=1e-14)
    assert e.std_error[0] == pytest.approx(math.sqrt(4 * 0.01 + 0.01))
    assert e.n_samples == 10 and e.dof == 9
