"""Covers theory/fluct/_lyapunov.py (and the validators of theory/_matrices.py): spectral Lyapunov solution,
its bound, isotropy, detailed balance."""

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

import theory
from theory import InvalidArgument
from theory._matrices import EPS, gamma

entries = st.floats(-1.0, 1.0, allow_nan=False)


@st.composite
def spd_and_psd(draw, singular=False):
    """H = Q diag(h) Q^T (h in [1e-2, 1e2], or some zeros if singular) and C = G G^T, from drawn arrays only."""
    n = draw(st.integers(2, 6))
    Q = np.linalg.qr(draw(arrays(np.float64, (n, n), elements=entries)))[0]
    h = np.array(draw(st.lists(st.floats(1e-2, 1e2), min_size=n, max_size=n)))
    if singular:
        h[: draw(st.integers(1, n - 1))] = 0.0
    H = (Q * h) @ Q.T
    G = draw(arrays(np.float64, (n, draw(st.integers(1, n))), elements=entries))
    return (H + H.T) / 2, G @ G.T, h, Q


etas = st.floats(1e-3, 1.0)


@settings(max_examples=40)
@given(spd_and_psd(), etas)
def test_spectral_solution_equals_scipy_within_the_derived_bounds(pair, eta):
    H, C, _, _ = pair
    S, S_ref = theory.fluct.lyapunov(H, C, eta), theory.fluct.lyapunov_scipy(H, C, eta)
    gap = np.linalg.norm(S - S_ref)
    assert gap <= theory.fluct.lyapunov_error_bound(H, C, eta, S) + theory.fluct.lyapunov_error_bound(H, C, eta, S_ref)


@settings(max_examples=40)
@given(spd_and_psd(), etas)
def test_solution_is_symmetric_and_psd(pair, eta):
    """B3 property: S symmetric PSD. Weyl: lambda_min(S) >= lambda_min(S_true) - ||S - S_true||_2 >= -bound."""
    H, C, _, _ = pair
    S = theory.fluct.lyapunov(H, C, eta)
    assert np.array_equal(S, S.T)
    assert np.linalg.eigvalsh(S)[0] >= -theory.fluct.lyapunov_error_bound(H, C, eta, S)


def test_error_bound_covers_a_high_precision_solution():
    """The bound against the exact solution of the float-input equation (mpmath, 50 digits, Kronecker system)."""
    n = 4
    Q = np.linalg.qr(np.vander(np.linspace(-1, 1, n)) + np.eye(n))[0]
    H = (Q * np.array([1e-3, 0.1, 1.0, 10.0])) @ Q.T
    H = (H + H.T) / 2
    C = np.outer(np.arange(1.0, n + 1), np.arange(1.0, n + 1)) + np.eye(n)
    eta = 0.3
    S = theory.fluct.lyapunov(H, C, eta)
    with mpmath.workdps(50):
        Hm = mpmath.matrix(H.tolist())
        A = mpmath.matrix(n * n, n * n)
        for i in range(n):
            for j in range(n):
                for k in range(n):
                    A[i * n + j, k * n + j] += Hm[i, k]
                    A[i * n + j, i * n + k] += Hm[k, j]
        x = mpmath.lu_solve(A, mpmath.matrix([mpmath.mpf(eta) * mpmath.mpf(c) for c in C.ravel()]))
        true = np.array([float(v) for v in x]).reshape(n, n)
    error = np.linalg.norm(S - true)
    bound = theory.fluct.lyapunov_error_bound(H, C, eta, S)
    assert error <= bound
    assert bound < 1e-8 * np.linalg.norm(true)      # informative: cond(H) = 1e4, so the bound is ~n eps cond


@settings(max_examples=30)
@given(spd_and_psd(), etas, st.floats(1e-2, 1e2))
def test_isotropy_under_the_hessian_approximation(pair, eta, kappa):
    """B4: C = kappa H => S = (eta kappa / 2) I. fl(kappa H) differs from kappa H by <= u ||kappa H||_F."""
    H, _, _, _ = pair
    C = kappa * H
    S = theory.fluct.lyapunov(H, C, eta)
    h_lo = np.linalg.eigvalsh(H)[0] - len(H) * EPS * np.linalg.norm(H)
    tol = theory.fluct.lyapunov_error_bound(H, C, eta, S) + eta * EPS / 2 * np.linalg.norm(C) / (2 * h_lo)
    assert np.linalg.norm(S - eta * kappa / 2 * np.eye(len(H))) <= tol


@settings(max_examples=30)
@given(spd_and_psd(singular=True), etas, st.floats(1e-2, 1e2))
def test_singular_isotropy_is_the_range_projector(pair, eta, kappa):
    """B4, singular H: S = (eta kappa/2) Pi_range(H). Both use the same eigh(H); V^T (kappa H) V misses
    kappa diag(h) by <= kappa (2 n gamma_n + n eps) ||H||_F (products and eigh's backward error), divided by
    2 h_min+."""
    H, _, h, _ = pair
    n = len(H)
    S = theory.fluct.lyapunov(H, kappa * H, eta, singular=True)
    Pi = theory.fluct.range_projector_of(H)
    rank = int(np.sum(h > 0))
    assert round(np.trace(Pi)) == rank and np.allclose(Pi @ Pi, Pi, atol=4 * n * n * EPS, rtol=0)
    h_plus = np.min(h[h > 0]) - n * EPS * np.linalg.norm(H)
    E = kappa * (2 * n * gamma(n) + n * EPS) * np.linalg.norm(H)
    tol = eta * E / (2 * h_plus) + gamma(2 * n) * n * eta * kappa / 2 * (1 + np.sqrt(n))
    assert np.linalg.norm(S - eta * kappa / 2 * Pi) <= tol


@settings(max_examples=30)
@given(spd_and_psd(), etas)
def test_trace_identity(pair, eta):
    """B6: tr(H S)/2 = eta tr C / 4 for the Lyapunov S, whatever C; error <= ||H||_F bound / 2 + rounding."""
    H, C, _, _ = pair
    S = theory.fluct.lyapunov(H, C, eta)
    n = len(H)
    tol = (np.linalg.norm(H) * theory.fluct.lyapunov_error_bound(H, C, eta, S) / 2
           + gamma(n * n) * np.sum(np.abs(H) * np.abs(S)) / 2 + gamma(n) * eta * np.trace(C) / 4)
    assert abs(theory.fluct.excess_loss(H, S) - theory.fluct.trace_identity(C, eta)) <= tol


def _current_rounding(H, C, eta, S):
    """First-order bound on ||K_computed - K(S_true)||_F: S error (the Lyapunov bound) and the Cholesky
    solve's backward error gamma_{3n+1} n ||S||_2, each amplified by (eta/2) ||C||_F ||S^{-1}||_2^2."""
    n = len(H)
    inv = 1 / np.linalg.eigvalsh(S)[0]
    dS = theory.fluct.lyapunov_error_bound(H, C, eta, S) + gamma(3 * n + 1) * n * np.linalg.norm(S, 2)
    return 2 * (eta / 2 * np.linalg.norm(C) * inv**2 * dS + gamma(n) * np.linalg.norm(H))


def test_detailed_balance_iff_commuting():
    """B5: K = -H + (eta/2) C S^{-1} vanishes for [H, C] = 0 and equals [S, H] S^{-1} / 2 in general."""
    n, eta = 6, 0.1
    Q = np.linalg.qr(np.vander(np.linspace(0.5, 2, n)))[0]
    H = (Q * np.geomspace(0.05, 5, n)) @ Q.T
    H = (H + H.T) / 2
    C_comm = (Q * np.linspace(1, 2, n)) @ Q.T
    C_comm = (C_comm + C_comm.T) / 2
    assert np.linalg.norm(theory.fluct.probability_current(H, C_comm, eta)) <= _current_rounding(
        H, C_comm, eta, theory.fluct.lyapunov(H, C_comm, eta))
    C = np.diag(np.linspace(1, 2, n)) + 0.3                      # not aligned with H
    S = theory.fluct.lyapunov(H, C, eta)
    K = theory.fluct.probability_current(H, C, eta, S)
    # K S = (S H - H S) / 2 (the Lyapunov equation): the current is non-zero, far above its rounding bound
    tol = _current_rounding(H, C, eta, S) * np.linalg.norm(S, 2)
    assert (np.linalg.norm(K @ S - theory.fluct.commutator(S, H) / 2)
            <= tol + gamma(n) * np.linalg.norm(H) * np.linalg.norm(S))
    assert np.linalg.norm(theory.fluct.commutator(S, H)) / 2 > 1e3 * tol
    assert np.linalg.norm(theory.fluct.commutator(H, C)) > 0


def test_isotropic_solution_is_exact():
    kappa, eta = sp.symbols("kappa eta", positive=True)
    sol = theory.fluct.isotropic_solution(kappa, eta, 3)
    H = sp.Matrix(3, 3, lambda i, j: sp.Symbol(f"h{min(i, j)}{max(i, j)}"))
    assert (H * sol.S + sol.S * H - eta * kappa * H).applyfunc(sp.expand) == sp.zeros(3, 3)
    assert sol.scale == eta * kappa / 2 and "Pi_range(H)" in sol.statement
    assert theory.fluct.isotropic_solution(0.5, 0.25, 2).scale == sp.Rational(1, 16)


def test_commutator_and_range_projector():
    A, B = np.array([[1.0, 2.0], [0.0, 1.0]]), np.array([[0.0, 0.0], [1.0, 0.0]])
    assert np.array_equal(theory.fluct.commutator(A, B), A @ B - B @ A)
    assert np.array_equal(theory.fluct.range_projector_of(np.diag([2.0, 0.0, 1e-20])), np.diag([1.0, 0.0, 0.0]))


@pytest.mark.parametrize("call, name, allowed", [
    (lambda: theory.fluct.lyapunov(np.eye(2), np.eye(2), 0.0), "eta", "(0, inf)"),
    (lambda: theory.fluct.lyapunov(np.eye(2), np.eye(2), -1.0), "eta", "(0, inf)"),
    (lambda: theory.fluct.lyapunov(np.eye(2), np.eye(2), float("nan")), "eta", "(0, inf)"),
    (lambda: theory.fluct.lyapunov(np.diag([1.0, -1e-3]), np.eye(2), 0.1), "H", "positive definite"),
    (lambda: theory.fluct.lyapunov(np.diag([1.0, 0.0]), np.eye(2), 0.1), "H", "positive definite"),
    (lambda: theory.fluct.lyapunov(np.diag([1.0, -1e-3]), np.eye(2), 0.1, singular=True), "H", "semi-definite"),
    (lambda: theory.fluct.lyapunov([[1.0, 0.1], [0.0, 1.0]], np.eye(2), 0.1), "H", "symmetric"),
    (lambda: theory.fluct.lyapunov(np.ones((2, 3)), np.eye(2), 0.1), "H", "square"),
    (lambda: theory.fluct.lyapunov([["1", "0"], ["0", "1"]], np.eye(2), 0.1), "H", "real 2-d array"),
    (lambda: theory.fluct.lyapunov(np.eye(2), np.eye(3), 0.1), "C", "shape (2, 2)"),
    (lambda: theory.fluct.lyapunov(np.eye(2), -np.eye(2), 0.1), "C", "semi-definite"),
    (lambda: theory.fluct.lyapunov(np.eye(2), [[1.0, np.inf], [np.inf, 1.0]], 0.1), "C", "finite"),
    (lambda: theory.fluct.lyapunov_scipy(-np.eye(2), np.eye(2), 0.1), "H", "positive definite"),
    (lambda: theory.fluct.lyapunov_error_bound(np.eye(2), np.eye(2), 0.1, np.eye(3)), "S", "shape (2, 2)"),
    (lambda: theory.fluct.probability_current(np.eye(2), np.eye(2), 0.1, np.diag([1.0, 0.0])), "S",
     "positive definite"),
    (lambda: theory.fluct.probability_current(np.eye(2), np.diag([1.0, 0.0]), 0.1), "S", "positive definite"),
    (lambda: theory.fluct.commutator(np.eye(2), np.eye(3)), "B", "shape of A"),
    (lambda: theory.fluct.trace_identity(np.eye(2), 0), "eta", "(0, inf)"),
    (lambda: theory.fluct.isotropic_solution(-1, 0.1, 2), "kappa", "> 0"),
    (lambda: theory.fluct.isotropic_solution(1, 0.1, 0), "n", "integers in [1, inf)"),
])
def test_bad_input_is_a_typed_error(call, name, allowed):
    with pytest.raises(InvalidArgument) as info:
        call()
    assert info.value.name == name and allowed in info.value.allowed


def test_non_spd_message_shows_the_smallest_eigenvalue():
    expected = r"`H` must be symmetric positive definite, got 'matrix with smallest eigenvalue -0.5'"
    with pytest.raises(InvalidArgument, match=expected):
        theory.fluct.lyapunov(np.diag([2.0, -0.5]), np.eye(2), 0.1)
