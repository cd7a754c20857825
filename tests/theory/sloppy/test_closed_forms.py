"""Covers theory/sloppy/_bhattacharyya.py, _gd_ensemble.py, _toeplitz.py, _stress.py, _sgd_moments.py (note
sloppiness.md)."""

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import theory
from theory import InvalidArgument

slopes = st.floats(0.2, 2.5)
steps = st.floats(0.05, 1.9)


def test_sympy_integrates_the_bhattacharyya_overlap_to_the_closed_form():
    (mu1, mu2, sigma), d = theory.sloppy.bhattacharyya_expr()
    assert sp.simplify(d - (mu1 - mu2) ** 2 / (8 * sigma**2)) == 0


@given(st.floats(-5, 5), st.floats(-5, 5), st.floats(0.05, 5))
def test_bhattacharyya_float_and_mpmath_agree(a, b, s2):
    exact = theory.sloppy.gaussian_bhattacharyya_mp(a, b, s2, dps=30)
    assert float(theory.sloppy.gaussian_bhattacharyya(a, b, s2)) == pytest.approx(float(exact), rel=1e-14, abs=1e-300)


@given(st.integers(2, 8), st.integers(1, 12), st.floats(0.1, 3))
@settings(max_examples=30)
def test_inpca_gram_is_psd_of_rank_at_most_m_minus_1_with_the_spectrum_of_the_centred_svd(m, n, s2):
    F = np.cos(np.arange(m * n).reshape(m, n) * 1.7 + 0.3)       # deterministic, generic
    W = theory.sloppy.inpca_gram(F, s2)
    e = np.sort(np.linalg.eigvalsh(W))[::-1]
    spec = theory.sloppy.inpca_spectrum(F, s2)
    tol = 1e-12 * max(1.0, e[0])
    assert np.all(e >= -tol) and spec[-1] == 0.0
    assert np.allclose(e, spec, rtol=0, atol=tol)


@given(st.integers(1, 12), slopes, steps)
@settings(max_examples=30)
def test_closed_form_trajectory_is_the_gd_iteration(d, c, eta):
    lam = theory.sloppy.geometric_spectrum(d, c)
    w_star, w0 = np.cos(np.arange(d) + 0.5), np.sin(2.0 * np.arange(d))
    traj = theory.sloppy.gd_trajectory(lam, w_star, w0, eta, 60)
    w = w0.copy()
    for t in range(61):
        assert np.allclose(traj[t], w, rtol=0, atol=1e-12)
        w = w - eta * lam * (w - w_star)


def test_geometric_sums_match_sympy_summation():
    assert theory.sloppy.geometric_sums().residuals() == (0, 0, 0)


@given(st.integers(1, 8), slopes, steps, st.integers(1, 300), st.floats(0, 2))
@settings(max_examples=25)
def test_float_covariance_matches_the_closed_form_at_high_precision(d, c, eta, T, s0):
    lam = theory.sloppy.geometric_spectrum(d, c)
    w = np.cos(1.3 * np.arange(d))
    M = theory.sloppy.ensemble_covariance(lam, w, s0, eta, T)
    exact = np.array(theory.sloppy.ensemble_covariance_mp(lam, w, s0, eta, T, dps=40).tolist(), dtype=float)
    assert np.allclose(M, exact, rtol=0, atol=1e-13 * max(1.0, np.abs(exact).max()))
    assert np.all(np.linalg.eigvalsh(M) >= -1e-15)                # a covariance


def test_gd_covariance_tends_to_gradient_flow_at_rate_eta():
    lam, w, tau = theory.sloppy.geometric_spectrum(5, 0.7), np.ones(5), 4.0
    flow = theory.sloppy.gradient_flow_covariance(lam, w, 0.5, tau)
    errors = [np.abs(theory.sloppy.ensemble_covariance(lam, w, 0.5, tau / T, T) - flow).max() for T in (100, 200, 400)]
    assert [errors[1] / errors[0], errors[2] / errors[1]] == pytest.approx([0.5, 0.5], rel=0.05)


@given(st.floats(0.01, 1.9), st.integers(1, 2000))
def test_plateau_error_is_exactly_q_to_the_2T_plus_2(x, T):
    r = theory.sloppy.plateau_terms([1.0], x, T, dps=30)                   # eta lambda = x
    with mpmath.workdps(40):
        assert abs(r.plateau_error[0] - abs(1 - mpmath.mpf(x)) ** (2 * T + 2)) < mpmath.mpf(10) ** -25
    if x <= 1:
        assert float(r.slow_error[0]) <= x * T + 1e-20             # 1 - B <= eta lambda T


def test_plateau_count_follows_the_log_formula():
    lam = theory.sloppy.geometric_spectrum(30, 1.0)
    for T in (10, 100, 1000):
        assert theory.sloppy.plateau_count(lam, 0.5, T) == 1 + math.floor(math.log(2 * 0.5 * (T + 1)))


def test_cauchy_limit_and_cosh_identity_are_symbolic_identities():
    r = theory.sloppy.cauchy_limit()
    assert (r.limit_residual, r.cosh_residual) == (0, 0)


@given(st.floats(0.3, 3), st.floats(0, 1))
@settings(max_examples=20)
def test_poisson_and_fourier_routes_of_the_symbol_agree(c, x):
    a = theory.sloppy.toeplitz_symbol(x, c, dps=25)
    b = theory.sloppy.toeplitz_symbol(x, c, dps=25, route="fourier")
    assert abs(a - b) <= 1e-22 * abs(a)


@given(st.integers(2, 80), st.floats(0.3, 3))
@settings(max_examples=20)
def test_toeplitz_spectrum_lies_inside_the_symbols_range(d, c):
    e = np.linalg.eigvalsh(theory.sloppy.toeplitz_limit_matrix(d, c))
    ends = theory.sloppy.toeplitz_ends(c, dps=20)
    tol = 1e-12 * float(ends.top)
    assert float(ends.bottom) - tol <= e[0] and e[-1] <= float(ends.top) + tol


def test_tau_times_the_gradient_flow_covariance_tends_to_the_toeplitz_matrix():
    c, d = 1.0, 6
    lam = np.exp(-c * np.arange(1, d + 1))
    limit = theory.sloppy.toeplitz_limit_matrix(d, c)
    gaps = [np.abs(tau * theory.sloppy.gradient_flow_covariance(lam, np.ones(d), 0.0, tau) - limit).max()
            for tau in (1e4, 1e5, 1e6)]
    assert gaps[0] > gaps[1] > gaps[2] and gaps[2] < 1e-3


@given(st.lists(st.floats(-10, 10), min_size=1, max_size=30).filter(lambda v: any(abs(x) > 1e-3 for x in v)))
def test_explained_stress_is_in_0_1_nondecreasing_and_1_at_full_rank(e):
    es = theory.sloppy.explained_stress(e)
    assert np.all((0 <= es) & (es <= 1)) and np.all(np.diff(es) >= 0)
    assert es[-1] == pytest.approx(1.0, abs=1e-7)                 # sqrt of a rounding-level radicand
    # the clip in explained_stress only removes rounding: the unclipped radicand never goes below -n eps
    v = theory.sloppy.sort_by_magnitude(e)
    radicand = 1 - np.cumsum(v**2) / np.sum(v**2)
    assert (radicand.min() >= -len(e) * np.finfo(float).eps
            and abs(theory.sloppy.parseval_residual(e, np.sum(v**2))) < 1e-14)


def test_explained_stress_rejects_an_all_zero_spectrum():
    with pytest.raises(InvalidArgument, match="eigenvalues"):
        theory.sloppy.explained_stress([0.0, 0.0])


def test_sgd_recursion_tends_to_the_online_stationary_covariance():
    lam, eta, B, s2 = np.array([0.5, 0.25, 0.125]), 0.3, 2, 0.16
    r = theory.sloppy.sgd_moments(lam, eta, B, s2, -np.ones(3), np.zeros((3, 3)), 3000)
    assert np.abs(r.mean[-1]).max() < 1e-20
    stationary = theory.fluct.online_stationary(lam, eta, B, s2)           # the fluct pack's closed form (B7)
    assert np.allclose(np.diag(r.cov[-1]), stationary, rtol=1e-10)
    assert np.abs(r.cov[-1] - np.diag(np.diag(r.cov[-1]))).max() < 1e-15


def test_sgd_covariance_is_not_diagonal_while_the_mean_is_nonzero():
    r = theory.sloppy.sgd_moments([0.5, 0.25], 0.3, 2, 0.0, [-1.0, -1.0], np.zeros((2, 2)), 5)
    assert abs(r.cov[5][0, 1]) > 1e-4 and np.all(np.linalg.eigvalsh(r.cov[5]) >= -1e-15)


@given(st.integers(1, 6), slopes, st.floats(0.05, 0.6), st.integers(1, 4), st.floats(0, 1), st.floats(0, 1))
@settings(max_examples=25)
def test_sgd_noise_lifts_every_embedding_eigenvalue_above_gd(d, c, eta, B, s2, s0):
    """M_SGD - M_GD is PSD (the noise term is PSD and the recursion preserves the order), so Weyl lifts each e_k."""
    lam, w = theory.sloppy.geometric_spectrum(d, c), np.cos(np.arange(d) + 1.0)
    gap = (theory.sloppy.sgd_ensemble_covariance(lam, w, s0, eta, B, s2, 40)
           - theory.sloppy.ensemble_covariance(lam, w, s0, eta, 40))
    assert np.linalg.eigvalsh(gap).min() >= -1e-14


@pytest.mark.parametrize("call, name", [
    (lambda: theory.sloppy.ensemble_covariance([1.0, 0.5], [1.0, 1.0], 0.1, 2.0, 10), "eta"),
    (lambda: theory.sloppy.ensemble_covariance([1.0, -0.5], [1.0, 1.0], 0.1, 0.5, 10), "lam"),
    (lambda: theory.sloppy.ensemble_covariance([1.0, 0.0], [1.0, 1.0], 0.1, 0.5, 10), "lam"),
    (lambda: theory.sloppy.ensemble_covariance([], [], 0.1, 0.5, 10), "lam"),
    (lambda: theory.sloppy.ensemble_covariance([1.0], [1.0, 2.0], 0.1, 0.5, 10), "w_star"),
    (lambda: theory.sloppy.ensemble_covariance([1.0], [1.0], -0.1, 0.5, 10), "sigma0"),
    (lambda: theory.sloppy.ensemble_covariance([1.0], [1.0], 0.1, 0.5, 0), "T"),
    (lambda: theory.sloppy.gd_trajectory([4.0], [1.0], [0.0], 0.5, 3), "eta"),
    (lambda: theory.sloppy.geometric_spectrum(5, -1.0), "c"),
    (lambda: theory.sloppy.geometric_spectrum(1000, 1.0), "c, d"),
    (lambda: theory.sloppy.power_law_spectrum(0, 1.0), "d"),
    (lambda: theory.sloppy.sgd_moments([1.0], 2.5, 1, 0.1, [1.0], [[0.0]], 3), "eta"),
    (lambda: theory.sloppy.sgd_moments([1.0], 0.5, 1, 0.1, [1.0], [[-1.0]], 3), "S0"),
    (lambda: theory.sloppy.kernel_ensemble_covariance([[1.0, 2.0], [2.0, 1.0]], [1.0, 0.0], 0.1, 0.5, 3), "K"),
    (lambda: theory.sloppy.inpca_gram([[1.0, 2.0]], 1.0), "F"),
    (lambda: theory.sloppy.inpca_gram([[1.0], [2.0]], 0.0), "sigma2"),
    (lambda: theory.sloppy.toeplitz_symbol(0.0, 1.0, dps=20, route="other"), "route"),
])
def test_bad_input_is_a_typed_error_naming_the_parameter(call, name):
    with pytest.raises(InvalidArgument, match=f"`{name}"):
        call()
