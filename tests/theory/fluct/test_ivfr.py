"""Covers theory/fluct/_ivfr.py: the three IVFR reference cases (psi = -2, none, +2), flatness, the exponent of
S = c H^q."""

import math

import numpy as np
import pytest
import sympy as sp

import theory
from theory import InvalidArgument, UnknownName
from theory._matrices import EPS, gamma

H_EIGS = np.geomspace(0.01, 1.0, 12)               # two decades (note B15)


def test_case_exponents_are_derived():
    assert ({name: psi for name, (_, psi) in theory.fluct.IVFR_CASES.items()}
            == {"boltzmann": -2, "hessian": None, "squared": 2})
    q = sp.Symbol("q")
    assert theory.fluct.ivfr_power_exponent(q) == 2 * q
    assert theory.fluct.ivfr_power_exponent(0) == 0         # isotropic S: no variance-flatness relation


@pytest.mark.parametrize("case", sorted(theory.fluct.IVFR_CASES))
def test_reference_solution_solves_the_lyapunov_equation(case):
    n, eta, scale = len(H_EIGS), 0.05, 0.7
    Q = np.linalg.qr(np.vander(np.linspace(-1, 1, n), 4).dot(np.ones((4, n))) + np.eye(n))[0]
    H = (Q * H_EIGS) @ Q.T
    H = (H + H.T) / 2
    C, S = theory.fluct.ivfr_reference(case, H, eta, scale)
    assert np.array_equal(C, theory.fluct.IVFR_CASES[case][0](H, scale))
    # S is computed from the eigendecomposition, not from the equation: compare with the solver, both bounded
    S_solved = theory.fluct.lyapunov(H, C, eta)
    bound = theory.fluct.lyapunov_error_bound(H, C, eta, S) + theory.fluct.lyapunov_error_bound(H, C, eta, S_solved)
    assert np.linalg.norm(S - S_solved) <= bound


@pytest.mark.parametrize("case", sorted(theory.fluct.IVFR_CASES))
def test_log_variance_against_log_flatness_has_slope_minus_psi(case):
    """Diagonal H: eigendirections are the axes, sigma_i^2 = S_ii, F_i = flatness(h_i). OLS slope = -psi (0 for
    'hessian').

    Rounding: each log carries |error| <= 8 eps + eps |log| (a few roundings of the value, one of the log);
    the slope's error is <= sum|x - xbar| (dy + |slope| dx) / Sxx."""
    H = np.diag(H_EIGS)
    _, S = theory.fluct.ivfr_reference(case, H, 0.1, 2.0)
    x = np.log(theory.fluct.flatness(H_EIGS, 0.3))
    y = np.log(np.diag(S))
    xc = x - x.mean()
    slope = xc @ (y - y.mean()) / (xc @ xc)
    psi = theory.fluct.IVFR_CASES[case][1] or 0
    d = 8 * EPS + EPS * np.max(np.abs(np.concatenate([x, y])))
    assert abs(slope + psi) <= np.sum(np.abs(xc)) * d * (1 + abs(psi)) / (xc @ xc) + gamma(3 * len(x)) * (abs(psi) + 1)


def test_flatness_is_the_width_below_factor_times_loss():
    a, b, L0, f = 0.8, -0.3, 0.25, math.e
    width = theory.fluct.flatness_quadratic(a, b, L0, f)
    disc = math.sqrt(b * b + 4 * a * (f - 1) * L0)
    for root in ((-b - disc) / (2 * a), (-b + disc) / (2 * a)):
        assert L0 + b * root + a * root**2 == pytest.approx(f * L0, rel=gamma(12))
    assert width == pytest.approx(disc / a, rel=gamma(4))
    assert theory.fluct.flatness_quadratic(a, 0.0, L0) == pytest.approx(theory.fluct.flatness(2 * a, L0), rel=gamma(8))
    assert isinstance(theory.fluct.flatness(1.0, 1.0), float) and theory.fluct.flatness([1.0, 4.0], 1.0).shape == (2,)
    # F ~ curvature^{-1/2}
    assert theory.fluct.flatness(4.0, 1.0) == pytest.approx(theory.fluct.flatness(1.0, 1.0) / 2, rel=gamma(8))


@pytest.mark.parametrize("call, name", [
    (lambda: theory.fluct.flatness(0.0, 1.0), "curvature"),
    (lambda: theory.fluct.flatness([1.0, -1.0], 1.0), "curvature"),
    (lambda: theory.fluct.flatness(1.0, 0.0), "loss0"),
    (lambda: theory.fluct.flatness(1.0, 1.0, factor=1.0), "factor"),
    (lambda: theory.fluct.flatness_quadratic(0.0, 0.0, 1.0), "a"),
    (lambda: theory.fluct.flatness_quadratic(1.0, float("nan"), 1.0), "b"),
    (lambda: theory.fluct.ivfr_reference("squared", np.eye(2), 0.0), "eta"),
    (lambda: theory.fluct.ivfr_reference("squared", np.eye(2), 0.1, scale=-1.0), "scale"),
    (lambda: theory.fluct.ivfr_reference("boltzmann", np.diag([1.0, 0.0]), 0.1), "H"),
])
def test_bad_input_is_a_typed_error(call, name):
    with pytest.raises(InvalidArgument) as info:
        call()
    assert info.value.name == name


def test_unknown_case():
    with pytest.raises(UnknownName, match="did you mean squared"):
        theory.fluct.ivfr_reference("squard", np.eye(2), 0.1)
