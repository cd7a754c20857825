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


TWO_LAYER = {"teacher": (3.0, 1.0, 0.5), "O": 3, "N": 4, "K": 3, "eta": 0.01, "sigma2": 0.25, "batch": 1}


def test_second_layer_directions_are_orthonormal_with_their_couplings():
    from numerics.fluct import second_layer_directions, two_layer_problem

    W2, W1, _ = two_layer_problem(TWO_LAYER)
    dirs = second_layer_directions(W2, W1)
    assert dirs.basis.shape == (9, 9)
    assert np.allclose(dirs.basis @ dirs.basis.T, np.eye(9), atol=1e-12)
    assert sorted(set(np.round(dirs.coupling, 12))) == [0.5, 1.0, 3.0]


def test_exponent_prediction_is_the_fit_to_the_closed_form_and_scales_for_mutations():
    from numerics.fluct import SecondLayerExponentPrediction

    psi = SecondLayerExponentPrediction()(TWO_LAYER)
    assert len(psi) == 3 and all(0 < p < 2 for p in psi) and list(psi) == sorted(psi)  # psi grows with alpha
    assert SecondLayerExponentPrediction(scale=1.2)(TWO_LAYER) == pytest.approx([1.2 * p for p in psi])


def test_second_layer_sgd_is_reproducible_and_sees_variance_grow_with_curvature():
    from numerics.fluct import SecondLayerSGD

    est = SecondLayerSGD("slope", window_time=10.0)
    a = est(TWO_LAYER, rng=np.random.default_rng(4), n=32)
    assert a.value == est(TWO_LAYER, rng=np.random.default_rng(4), n=32).value
    assert a.value[0] > 10 * a.std_error[0] > 0     # a positive slope, far from 0
    assert SecondLayerSGD.route == "simulation"
    with pytest.raises(InvalidArgument, match="what"):
        SecondLayerSGD("other")


SINGLE = {"N": 12, "ratio": 1.5, "data_seed": 3, "sigma2": 1.0, "batch": 1, "eta": 1e-3}


def test_simulated_noise_gap_tracks_the_label_averaged_closed_form():
    """The label-averaged noise Cbar (theory) is what chains with independent label noise average to, up to the
    O(eta N) weight-dependent part: the simulated deviation and commutator match its values."""
    from numerics.fluct import SimulatedNoiseGap
    from theory.fluct import label_averaged_noise, noise_hessian_deviation

    X = design(np.random.default_rng(SINGLE["data_seed"]), SINGLE["N"], SINGLE["ratio"])
    d = noise_hessian_deviation(label_averaged_noise(X, 1.0, 1), X.T @ X / X.shape[0])
    e = SimulatedNoiseGap(burn_in_time=-2.0, window_time=-4.0)(SINGLE, rng=np.random.default_rng(0), n=512)
    for value, se, expected in zip(e.value, e.std_error, (d.relative, d.commutator)):
        assert abs(value - expected) < 6 * se + 0.02 * expected


def test_simulated_anisotropy_is_reproducible_and_one_component():
    from numerics.fluct import SimulatedAnisotropy

    est = SimulatedAnisotropy(burn_in_time=0.5, window_time=0.5)
    a = est(SINGLE, rng=np.random.default_rng(2), n=8)
    assert len(a.value) == 1 and a.value[0] > 1 and a.dof == 7
    assert a.value == est(SINGLE, rng=np.random.default_rng(2), n=8).value
    assert "not decided" in a.method


def test_extrapolation_declares_its_inner_route():
    from numerics.fluct import SecondLayerSGD

    assert Extrapolated(SecondLayerSGD()).route == "simulation"
    assert Extrapolated(_Linear()).route is None


def test_first_layer_block_matches_the_symmetric_formula_also_with_unreached_directions():
    from numerics.fluct import SecondLayerCheck

    for values in (TWO_LAYER, {**TWO_LAYER, "O": 4, "N": 5}):   # N > K: directions b_j with beta_j = 0 get variance 0
        e = SecondLayerCheck(layer=1)(values)
        assert e.value[0] <= e.bound[0] < 1e-10


def test_deviation_table_is_one_where_the_table_is_its_own_mean_and_refuses_a_wrong_length():
    from numerics.fluct import DeviationTable

    values = {"ratios": (1.5,), "sizes": (8, 16), "table": (1.0, 1.0), "sigma2": 1.0, "batch": 1}
    raw = DeviationTable()(values, rng=np.random.default_rng(0), n=4)
    again = DeviationTable()({**values, "table": tuple(raw.value)}, rng=np.random.default_rng(0), n=4)
    assert again.value == pytest.approx((1.0, 1.0), rel=1e-12)
    with pytest.raises(InvalidArgument, match="table"):
        DeviationTable()({**values, "table": (1.0,)}, rng=np.random.default_rng(0), n=4)


def test_kappa_band_is_centred_on_the_excess_sample_fraction():
    from theory.fluct import KappaBand

    ((lo, hi),) = KappaBand()({"N": 100, "ratio": 1.05, "kappa_tol": 0.1})
    assert (lo + hi) / 2 == pytest.approx(5 / 105) and hi / lo == pytest.approx(1.1 / 0.9)


def test_simulated_noise_level_matches_the_label_averaged_closed_form():
    from numerics.fluct import SimulatedNoiseGap
    from theory.fluct import label_averaged_noise

    X = design(np.random.default_rng(SINGLE["data_seed"]), SINGLE["N"], SINGLE["ratio"])
    H = X.T @ X / X.shape[0]
    kappa = np.trace(label_averaged_noise(X, 1.0, 1)) / np.trace(H)
    e = SimulatedNoiseGap("kappa", burn_in_time=-2.0, window_time=-4.0)(SINGLE, rng=np.random.default_rng(1), n=256)
    assert abs(e.value[0] - kappa) < 6 * e.std_error[0] + 0.02 * kappa


def test_bottleneck_noise_mc_agrees_with_the_block_formula():
    from numerics.fluct import BottleneckNoiseMC
    from theory.fluct import BottleneckNoisePrediction

    values = {"teacher": (2.0, 1.5, 0.8, 0.4), "O": 4, "N": 5, "K": 2, "sigma2": 0.09, "batch": 2}
    predicted = BottleneckNoisePrediction()(values)
    assert predicted[:3] == pytest.approx(((0.64 + 0.09) * 2 / 2, 0.09 * 2 / 2, 0.0))
    e = BottleneckNoiseMC()(values, rng=np.random.default_rng(5), n=1 << 16)
    z = [(v - p) / s for v, p, s in zip(e.value, predicted, e.std_error)]
    assert max(map(abs, z)) < norm.isf(1e-6 / (2 * len(z)))
