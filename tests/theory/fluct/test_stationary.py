"""Covers theory/fluct/_stationary.py: exact online / finite-data stationary covariances, stability ranges, small-eta
rate."""

import itertools

import mpmath
import numpy as np
import pytest
import sympy as sp

import theory
from theory import InvalidArgument
from theory._matrices import EPS, gamma
from theory.fluct._stationary import _operators

# Note B7: N = 6, B = 4, eta = 0.1, sigma = 0.5; the note quotes s = (3.775, 3.523, 3.410, 3.355, 3.329, 3.316)e-3.
B7_LAM, B7_ETA, B7_B, B7_SIGMA2 = np.array([2, 1, 0.5, 0.25, 0.125, 0.0625]), 0.1, 4, 0.25
B7_NOTE = np.array([3.775, 3.523, 3.410, 3.355, 3.329, 3.316]) * 1e-3


def test_online_reproduces_the_note_b7_values():
    s = theory.fluct.online_stationary(B7_LAM, B7_ETA, B7_B, B7_SIGMA2)
    assert np.all(np.abs(s - B7_NOTE) <= 0.5e-6)                  # the note rounds to 4 significant digits
    assert np.all(s > B7_ETA * B7_SIGMA2 / (2 * B7_B)) and np.all(np.diff(s) < 0)   # above continuum, grows with lambda


def _online_rounding(lam, eta, batch, s):
    """Relative rounding of the float formula: O(n) operations, the cancellation in 1 - f amplified by 1/(1 - f)."""
    f = eta / batch * np.sum(lam / (2 - eta * (1 + 1 / batch) * lam))
    return gamma(4 * len(lam) + 8) / (1 - f) * np.abs(s)


def test_online_float_equals_mpmath():
    s = theory.fluct.online_stationary(B7_LAM, B7_ETA, B7_B, B7_SIGMA2)
    s_mp = theory.fluct.online_stationary_mp(B7_LAM, B7_ETA, B7_B, B7_SIGMA2, dps=40)
    assert all(isinstance(v, mpmath.mpf) for v in s_mp)
    assert np.all(np.abs(s - np.array([float(v) for v in s_mp])) <= _online_rounding(B7_LAM, B7_ETA, B7_B, s))


def _online_map(Sigma, eta, batch):
    """Row-major vec of S -> (I - eta Sigma) S (I - eta Sigma) + (eta^2/B)[Sigma S Sigma + tr(Sigma S) Sigma]."""
    n = len(Sigma)
    A = np.eye(n) - eta * Sigma
    return np.kron(A, A) + eta**2 / batch * (np.kron(Sigma, Sigma) + np.outer(Sigma.ravel(), Sigma.ravel()))


def _iterate_moments(Sigma, eta, batch, sigma2):
    """Fixed point of the exact online moment recursion by iteration, with a rigorous distance bound.

    Phi is Frobenius-self-adjoint, so ||Phi|| = rho: ||S_k - S*|| <= (rho ||S_k - S_{k-1}|| + delta) / (1 - rho),
    delta = the rounding of one step (gamma_{3n} times the step computed in absolute values)."""
    n = len(Sigma)
    rho = np.max(np.abs(np.linalg.eigvalsh(_online_map(Sigma, eta, batch))))
    A, S = np.eye(n) - eta * Sigma, np.zeros((n, n))
    for _ in range(100_000):
        new = A @ S @ A + eta**2 / batch * (Sigma @ S @ Sigma + (np.sum(Sigma * S) + sigma2) * Sigma)
        step, S = np.linalg.norm(new - S), new
        if step <= 4 * EPS * np.linalg.norm(S):
            break
    aA, aS, aSig = np.abs(A), np.abs(S), np.abs(Sigma)
    one_step = aA @ aS @ aA + eta**2 / batch * (aSig @ aS @ aSig + (np.sum(aSig * aS) + sigma2) * aSig)
    delta = gamma(3 * n) * np.linalg.norm(one_step)
    return S, (rho * step + delta) / (1 - rho)


def test_online_formula_equals_the_iterated_moment_recursion_diagonal():
    S, bound = _iterate_moments(np.diag(B7_LAM), B7_ETA, B7_B, B7_SIGMA2)
    s = theory.fluct.online_stationary(B7_LAM, B7_ETA, B7_B, B7_SIGMA2)
    assert np.linalg.norm(S - np.diag(s)) <= bound + np.linalg.norm(_online_rounding(B7_LAM, B7_ETA, B7_B, s))


def test_online_formula_equals_the_iterated_moment_recursion_rotated():
    """Sigma = Q diag(lam) Q^T with Q = Hadamard/2: exact in binary, so S must be Q diag(s) Q^T."""
    lam = np.array([2.0, 1.0, 0.5, 0.25])
    Q = np.array([[1, 1, 1, 1], [1, -1, 1, -1], [1, 1, -1, -1], [1, -1, -1, 1]]) / 2
    Sigma = (Q * lam) @ Q.T
    eta, batch, sigma2 = 0.2, 2, 1.0
    S, bound = _iterate_moments(Sigma, eta, batch, sigma2)
    s = theory.fluct.online_stationary(lam, eta, batch, sigma2)
    closed = (Q * s) @ Q.T                        # exact products by 1/4, sums of 4 terms: gamma_4
    tol = bound + np.linalg.norm(_online_rounding(lam, eta, batch, s)) + gamma(4) * np.linalg.norm(closed)
    assert np.linalg.norm(S - closed) <= tol


def test_online_stable_range_is_where_the_moment_map_contracts():
    eta_max = theory.fluct.online_max_eta(B7_LAM, B7_B)
    Sigma = np.diag(B7_LAM)
    rho = [np.max(np.abs(np.linalg.eigvalsh(_online_map(Sigma, e, B7_B))))
           for e in (eta_max * (1 - 1e-6), eta_max * (1 + 1e-6))]
    assert rho[0] < 1 < rho[1]
    theory.fluct.online_stationary(B7_LAM, eta_max * (1 - 1e-9), B7_B, B7_SIGMA2)
    with pytest.raises(InvalidArgument, match=rf"`eta` must be in \(0, {eta_max:.6g}\) for stability") as info:
        theory.fluct.online_stationary(B7_LAM, eta_max * (1 + 1e-9), B7_B, B7_SIGMA2)
    assert info.value.name == "eta"
    with pytest.raises(InvalidArgument, match="eta"):
        theory.fluct.online_stationary(B7_LAM, 10.0, B7_B, B7_SIGMA2)          # past 2 / ((1 + 1/B) lambda_max) too
    with pytest.raises(InvalidArgument, match="eta"):
        theory.fluct.online_stationary_mp(B7_LAM, eta_max * 1.001, B7_B, B7_SIGMA2, dps=30)


def test_online_series_coefficients():
    e = theory.fluct.online_stationary_expr(3)
    c1, c2 = theory.fluct.online_series(3, 2)
    lam, B, s2 = e.lam, e.batch, e.sigma2
    assert all(c == s2 / (2 * B) for c in c1)
    for i in range(3):
        assert sp.simplify(c2[i] - s2 * ((1 + 1 / B) * lam[i] + sum(lam) / B) / (4 * B)) == 0


def test_online_solution_tends_to_the_continuum_at_rate_one():
    """s(eta)/eta - c1 = c2 eta + T(eta) with 0 <= T <= s(r) eta^2 / r^3 for eta < r < eta_max: every series in
    s has non-negative coefficients and converges for |eta| < eta_max (there |f(eta)| <= f(|eta|) < 1)."""
    lam, batch, sigma2 = B7_LAM, B7_B, B7_SIGMA2
    r = theory.fluct.online_max_eta(lam, batch) / 2
    c1v = sigma2 / (2 * batch)                       # online_series, checked symbolically above
    c2v = sigma2 * ((1 + 1 / batch) * lam + lam.sum() / batch) / (4 * batch)
    s_r = np.array([float(v) for v in theory.fluct.online_stationary_mp(lam, r, batch, sigma2, dps=40)])
    gaps = []
    for eta in r * 2.0 ** -np.arange(3, 9):
        s = np.array([float(v) for v in theory.fluct.online_stationary_mp(lam, eta, batch, sigma2, dps=40)])
        tail = s_r * eta**2 / r**3 + 1e-30
        gap = s / eta - c1v
        assert np.all(np.abs(gap - c2v * eta) <= tail + 4 * EPS * np.abs(s / eta))
        gaps.append(gap)
    gaps = np.array(gaps)
    # observed order: gap(eta) / gap(eta/2) in [2 (c2 eta) / (c2 eta/2 + T(eta/2)), 2 (c2 eta + T(eta)) / (c2 eta/2)]
    etas = (r * 2.0 ** -np.arange(3, 9))[:, None]
    ratio = gaps[:-1] / gaps[1:]
    lo = c2v * etas[:-1] / (c2v * etas[1:] + s_r * etas[1:] ** 2 / r**3)
    hi = (c2v * etas[:-1] + s_r * etas[:-1] ** 2 / r**3) / (c2v * etas[1:])
    assert np.all((lo <= ratio) & (ratio <= hi))
    assert np.all((2**0.5 <= lo[-1]) & (hi[-1] <= 2**1.5))          # the bounds prove an observed order in [0.5, 1.5]


# Finite data: note B8 sizes (N = 8, M = 12, B = 2), a fixed data set.
def _data(M=12, N=8, seed=8):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((M, N))
    return X, X @ rng.standard_normal(N) + rng.standard_normal(M)


def test_finite_data_solution_is_the_fixed_point_of_the_enumerated_moment_map():
    """Independent of the derivation: average (I - eta A) S (I - eta A) + eta^2 b b^T over all M^B batches."""
    X, y = _data(M=5, N=2)
    M, N, B = 5, 2, 2
    eta = 0.5 * theory.fluct.finite_data_max_eta(X, B)
    S = theory.fluct.finite_data_stationary(X, y, eta, B)
    r = theory.fluct.least_squares(X, y).residuals
    Phi, bb, scale = np.zeros((N, N)), np.zeros((N, N)), np.zeros((N, N))
    for batch in itertools.product(range(M), repeat=B):
        A = X[list(batch)].T @ X[list(batch)] / B
        b = X[list(batch)].T @ r[list(batch)] / B
        Phi += (np.eye(N) - eta * A) @ S @ (np.eye(N) - eta * A)
        bb += np.outer(b, b)
        aI = np.abs(np.eye(N) - eta * A)
        scale += aI @ np.abs(S) @ aI + eta**2 * np.abs(np.outer(b, b))
    Phi, bb, scale = Phi / M**B, bb / M**B, scale / M**B
    L1, L2 = _operators(X, B)
    op = eta * L1 - eta**2 * L2
    m = N * N
    tol = (gamma(3 * m + 1) * m * np.linalg.norm(op, 2) * np.linalg.norm(S)            # Cholesky backward error
           + gamma(2 * N + 2 * B + M**B + 6) * np.linalg.norm(scale))                   # enumeration rounding
    assert np.linalg.norm(S - Phi - eta**2 * bb) <= tol
    assert np.linalg.norm(bb - theory.fluct.empirical_noise(X, y, B)) <= gamma(M + 2 * N) * np.linalg.norm(scale)


def test_finite_data_stable_range_is_where_the_moment_map_contracts():
    X, y = _data()
    B = 2
    eta_max = theory.fluct.finite_data_max_eta(X, B)
    L1, L2 = _operators(X, B)
    m = L1.shape[0]
    for factor, stable in ((1 - 1e-6, True), (1 + 1e-6, False)):
        eta = eta_max * factor
        rho = np.max(np.abs(np.linalg.eigvalsh(np.eye(m) - eta * L1 + eta**2 * L2)))
        assert bool(rho < 1) == stable
    theory.fluct.finite_data_stationary(X, y, eta_max * 0.99, B)
    with pytest.raises(InvalidArgument, match=rf"`eta` must be in \(0, {eta_max:.6g}\) for stability") as info:
        theory.fluct.finite_data_stationary(X, y, eta_max * 1.01, B)
    assert info.value.name == "eta" and info.value.value == eta_max * 1.01


def test_discrete_solution_tends_to_the_continuum_one_at_rate_one():
    """S(eta)/eta = sum_k eta^k L1^{-1/2} T^k L1^{-1/2} c, T = L1^{-1/2} L2 L1^{-1/2}, ||T|| = 1/eta_max; so
    ||S/eta - S1 - eta S2|| <= ||L1^{-1/2}|| ||L1^{-1/2} c|| (eta/eta_max)^2 / (1 - eta/eta_max), plus rounding."""
    X, y = _data()
    B = 2
    eta_max = theory.fluct.finite_data_max_eta(X, B)
    exp = theory.fluct.first_order_correction(X, y, B)
    H = theory.fluct.least_squares(X, y).hessian
    C = theory.fluct.empirical_noise(X, y, B)
    L1, L2 = _operators(X, B)
    w, V = np.linalg.eigh(L1)
    A = np.linalg.norm((V / np.sqrt(w)).T @ C.ravel()) / np.sqrt(w[0])
    m = L1.shape[0]
    dS1 = theory.fluct.lyapunov_error_bound(H, C, 1.0, exp.S1)
    dS2 = (theory.fluct.lyapunov_error_bound(H, theory.fluct.bracket_operator(X, exp.S1, B), 1.0, exp.S2)
           + np.linalg.norm(L2, 2) * dS1 / (2 * np.linalg.eigvalsh(H)[0]))
    etas = eta_max / 8 * 2.0 ** -np.arange(5)
    g, err = [], []
    for eta in etas:
        S = theory.fluct.finite_data_stationary(X, y, eta, B)
        cond = np.linalg.cond(L1 - eta * L2)
        rounding = gamma(3 * m + 1) * m * cond * np.linalg.norm(S) / eta + dS1 + eta * dS2
        tail = A * (eta / eta_max) ** 2 / (1 - eta / eta_max)
        assert np.linalg.norm(S / eta - exp.S1 - eta * exp.S2) <= tail + rounding
        g.append(np.linalg.norm(S / eta - exp.S1))
        err.append(tail + rounding)
    g, err, s2 = np.array(g), np.array(err), np.linalg.norm(exp.S2)
    ratio = g[:-1] / g[1:]                                   # observed order 1: ratio -> 2
    lo = (s2 * etas[:-1] - err[:-1]) / (s2 * etas[1:] + err[1:])
    hi = (s2 * etas[:-1] + err[:-1]) / (s2 * etas[1:] - err[1:])
    assert np.all((lo <= ratio) & (ratio <= hi))
    assert 2**0.5 <= lo[-1] and hi[-1] <= 2**1.5                     # the bounds prove an observed order in [0.5, 1.5]
    # relative distance from the continuum Lyapunov solution: eta ||S2|| / ||S1|| + O(eta^2)
    S = theory.fluct.finite_data_stationary(X, y, etas[-1], B)
    rel = np.linalg.norm(S - etas[-1] * exp.S1) / np.linalg.norm(etas[-1] * exp.S1)
    assert abs(rel - etas[-1] * s2 / np.linalg.norm(exp.S1)) <= err[-1] / np.linalg.norm(exp.S1)


@pytest.mark.parametrize("call, name, allowed", [
    (lambda X, y: theory.fluct.finite_data_stationary(X, y, 0.0, 2), "eta", "(0, inf)"),
    (lambda X, y: theory.fluct.finite_data_stationary(X, y, 0.01, 13), "batch", "integers in [1, 12]"),
    (lambda X, y: theory.fluct.finite_data_stationary(X[:8], y[:8], 0.01, 2), "X", "M > N"),
    (lambda X, y: theory.fluct.finite_data_stationary(np.ones((50, 41)), np.ones(50), 0.01, 2), "X", "at most 40"),
    (lambda X, y: theory.fluct.finite_data_stationary(X, y[:5], 0.01, 2), "y", "length M = 12"),
    (lambda X, y: theory.fluct.online_stationary([1.0, 0.0], 0.1, 1, 1.0), "lam", "positive"),
    (lambda X, y: theory.fluct.online_stationary([1.0], 0.1, 0, 1.0), "batch", "integers"),
    (lambda X, y: theory.fluct.online_stationary([1.0], 0.1, 1, -1.0), "sigma2", "[0, inf)"),
    (lambda X, y: theory.fluct.online_stationary_mp([1.0], 0.1, 1, 1.0, dps=0), "dps", "integers"),
    (lambda X, y: theory.fluct.online_series(2, 0), "order", "integers"),
])
def test_bad_input_is_a_typed_error(call, name, allowed):
    X, y = _data()
    with pytest.raises(InvalidArgument) as info:
        call(X, y)
    assert info.value.name == name and allowed in info.value.allowed
