"""Covers theory/fluct/_two_layer.py: Jacobian, range projector (B11), second-layer IVFR formula (B12),
bottleneck block (B13), conservation (B14)."""

import itertools

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

import theory
from theory import InvalidArgument
from theory._matrices import EPS, gamma

entries = st.floats(-2.0, 2.0, allow_nan=False)
B12_TEACHER, B12_SHAPE = [3.0, 1.0, 0.2], dict(O=3, N=4, K=3)


@st.composite
def network(draw):
    n_out, K, N = (draw(st.integers(1, 4)) for _ in range(3))
    W2, W1 = draw(arrays(np.float64, (n_out, K), elements=entries)), draw(arrays(np.float64, (K, N), elements=entries))
    d = draw(arrays(np.float64, (n_out * K + K * N,), elements=entries))
    return W2, W1, d


def _split(theta, n_out, K, N):
    return theta[:n_out * K].reshape(n_out, K), theta[n_out * K:].reshape(K, N)


@settings(max_examples=40)
@given(network())
def test_jacobian_is_the_exact_central_difference(case):
    """P is bilinear: (P(theta + d) - P(theta - d)) / 2 = J d exactly, up to gamma_{K+2}-sized rounding."""
    W2, W1, d = case
    (n_out, K), N = W2.shape, W1.shape[1]
    dW2, dW1 = _split(d, n_out, K, N)
    central = ((W2 + dW2) @ (W1 + dW1) - (W2 - dW2) @ (W1 - dW1)) / 2
    bound = gamma(K + 4) * (np.abs(W2) + np.abs(dW2)) @ (np.abs(W1) + np.abs(dW1))
    assert np.all(np.abs(theory.fluct.jacobian(W2, W1) @ d - central.ravel()) <= bound.ravel() * 2)


def _projector_tolerance(W2, W1):
    """SVD backward error max(shape) eps sigma_1, divided by the gap sigma_r (Davis-Kahan)."""
    J = theory.fluct.jacobian(W2, W1)
    sv = np.linalg.svd(J, compute_uv=False)
    r = np.sum(sv > max(J.shape) * EPS * sv[0])
    return 2 * max(J.shape) * EPS * sv[0] / sv[r - 1] * np.sqrt(r)


def test_range_projector_properties_and_gauge_kernel():
    W2, W1, _ = theory.fluct.balanced_minimum(B12_TEACHER, **B12_SHAPE)
    G = np.array([[1.0, 0.5, 0.0], [0.0, 1.0, -0.5], [0.25, 0.0, 1.0]])            # a gauge transform
    W2, W1 = W2 @ G, np.linalg.solve(G, W1)
    Pi, J, tol = theory.fluct.range_projector(W2, W1), theory.fluct.jacobian(W2, W1), _projector_tolerance(W2, W1)
    assert np.array_equal(Pi, Pi.T) or np.max(np.abs(Pi - Pi.T)) <= tol
    assert np.linalg.norm(Pi @ Pi - Pi) <= 3 * tol and round(np.trace(Pi)) == 12       # rank O K + K N - K^2 = O N
    assert np.linalg.norm(Pi @ J.T - J.T) <= tol * np.linalg.norm(J)
    for k, m in itertools.product(range(3), repeat=2):                                # ker J holds (W2 A, -A W1)
        A = np.zeros((3, 3))
        A[k, m] = 1.0
        gauge = np.concatenate([(W2 @ A).ravel(), (-A @ W1).ravel()])
        assert np.linalg.norm(Pi @ gauge) <= tol * np.linalg.norm(gauge)


def test_b12_second_layer_eigenvalues_from_the_formula():
    """Balanced teacher (3, 1, 0.2): alpha, beta in {3, 1, 1/5}; eigenvalues beta/(beta + alpha) (note B12 lists
    0.0625, 0.1667, 0.25, 0.5 x3, 0.75, 0.8333, 0.9375)."""
    W2, W1, _ = theory.fluct.balanced_minimum(B12_TEACHER, **B12_SHAPE)
    s = [sp.Integer(3), sp.Integer(1), sp.Rational(1, 5)]
    exact = sorted(b / (b + a) for a in s for b in s)
    assert exact == [sp.Rational(1, 16), sp.Rational(1, 6), sp.Rational(1, 4)] + [sp.Rational(1, 2)] * 3 + [
        sp.Rational(3, 4), sp.Rational(5, 6), sp.Rational(15, 16)]
    note = [0.0625, 0.1667, 0.25, 0.5, 0.5, 0.5, 0.75, 0.8333, 0.9375]
    assert all(abs(float(e) - v) <= 0.5e-4 for e, v in zip(exact, note))
    block = theory.fluct.second_layer_block(theory.fluct.range_projector(W2, W1), 3, 3)
    assert np.all(np.abs(block.eigenvalues - np.array(exact, dtype=float)) <= _projector_tolerance(W2, W1))
    scale = 0.01 * 0.25 / 2                        # eta kappa / 2 with eta = 0.01, kappa = sigma^2 / B = 0.25
    assert scale == 1.25e-3                        # the note's value
    lv = theory.fluct.layer_variances(W2, W1, 0.01, 0.25)
    assert np.all(np.abs(np.sort(lv.variances) - scale * np.array(exact, dtype=float)) <= gamma(4) * scale)


@pytest.mark.parametrize("layer", [1, 2])
def test_layer_variances_diagonalise_the_projector_block(layer):
    """Off a balanced point (gauge-transformed, alpha != beta): D^T (eta kappa/2) Pi_block D = diag(variances)."""
    W2, W1, _ = theory.fluct.balanced_minimum(B12_TEACHER, **B12_SHAPE)
    G = np.array([[2.0, 0.5, 0.0], [0.0, 1.0, -0.5], [0.25, 0.0, 0.5]])
    W2, W1 = W2 @ G, np.linalg.solve(G, W1)
    eta, kappa = 0.02, 0.5
    lv = theory.fluct.layer_variances(W2, W1, eta, kappa, layer=layer)
    Pi = theory.fluct.range_projector(W2, W1)
    block = Pi[:9, :9] if layer == 2 else Pi[9:, 9:]
    D = lv.directions
    tol = eta * kappa / 2 * (_projector_tolerance(W2, W1) + gamma(2 * len(D)) * len(D))
    assert np.max(np.abs(D @ (eta * kappa / 2 * block) @ D.T - np.diag(lv.variances))) <= tol
    assert np.max(np.abs(D @ D.T - np.eye(len(D)))) <= gamma(2 * len(D)) * len(D)


def _second_derivative(f, d):
    """Exact for the quartic loss along a line (5-point stencil exact through degree 5), h = 1."""
    vals = [f(k * d) for k in (-2, -1, 0, 1, 2)]
    return (-vals[0] + 16 * vals[1] - 30 * vals[2] + 16 * vals[3] - vals[4]) / 12, max(abs(v) for v in vals)


def _loss_along(W2, W1, T):
    n_out, K = W2.shape
    N = W1.shape[1]
    theta = np.concatenate([W2.ravel(), W1.ravel()])

    def f(step):
        A, B = _split(theta + step, n_out, K, N)
        return theory.fluct.population_loss(A, B, T, 0.0)
    scale = (np.sum((np.abs(W2) + 2) @ (np.abs(W1) + 2)) + np.sum(np.abs(T))) ** 2       # |entries| along the stencil
    return f, 64 / 12 * gamma(K + n_out * N + 8) * scale


def test_curvature_along_layer_directions_is_beta_and_alpha():
    W2, W1, T = theory.fluct.balanced_minimum(B12_TEACHER, **B12_SHAPE)
    G = np.array([[2.0, 0.5, 0.0], [0.0, 1.0, -0.5], [0.25, 0.0, 0.5]])
    W2, W1 = W2 @ G, np.linalg.solve(G, W1)
    f, tol = _loss_along(W2, W1, T)
    for layer in (1, 2):
        lv = theory.fluct.layer_variances(W2, W1, 0.1, 1.0, layer=layer)
        for d, curv in zip(lv.directions, lv.curvatures):
            full = np.concatenate([d, np.zeros(12)]) if layer == 2 else np.concatenate([np.zeros(9), d])
            assert abs(_second_derivative(f, full)[0] - curv) <= tol


def test_variance_increases_with_curvature_for_fixed_coupling():
    """B12 property: the inverse variance-flatness relation of the second layer."""
    W2, W1, _ = theory.fluct.balanced_minimum(B12_TEACHER, **B12_SHAPE)
    lv = theory.fluct.layer_variances(W2, W1, 0.1, 1.0)
    for a in np.unique(lv.coupling):
        rows = lv.coupling == a
        order = np.argsort(lv.curvatures[rows])
        assert np.all(np.diff(lv.variances[rows][order]) > 0)


def test_zero_curvature_directions_get_zero_variance():
    W2, W1, _ = theory.fluct.balanced_minimum([2.0], O=2, N=2, K=2)                 # K > rank T: a zero hidden unit
    lv = theory.fluct.layer_variances(W2, W1, 0.1, 1.0)
    assert np.all(lv.variances[lv.curvatures == 0] == 0) and np.all(np.isfinite(lv.variances))


def test_ivfr_exponent():
    a, b = sp.symbols("alpha beta", positive=True)
    assert sp.simplify(theory.fluct.ivfr_exponent(a, b) - 2 * a / (a + b)) == 0
    assert theory.fluct.ivfr_exponent(1, 3) == sp.Rational(1, 2) and theory.fluct.ivfr_exponent(0, 3) == 0
    # independent numerical check: psi = -d ln var / d ln F with var = beta/(beta + alpha), F = beta^{-1/2}
    with mpmath.workdps(30):
        alpha, beta = mpmath.mpf(3), mpmath.mpf("0.5")
        psi = -mpmath.diff(lambda ell: mpmath.log(mpmath.exp(-2 * ell) / (mpmath.exp(-2 * ell) + alpha)),
                           -mpmath.log(beta) / 2)
        assert abs(psi - 2 * alpha / (alpha + beta)) < mpmath.mpf(10) ** -20


def test_bottleneck_block_solves_the_lyapunov_equation_symbolically():
    s, tau, s2, B, eta = sp.symbols("s tau sigma2 B eta", positive=True)
    blk = theory.fluct.bottleneck_block(s, tau, s2, B, eta)
    residual = blk.H * blk.S + blk.S * blk.H - eta * blk.C
    assert residual.applyfunc(sp.simplify) == sp.zeros(2, 2)
    assert sp.simplify((blk.H * blk.C - blk.C * blk.H)[0, 1]) != 0                # broken detailed balance for tau != 0
    assert theory.fluct.bottleneck_block(s, 0, s2, B, eta).S[0, 1] == 0


def test_bottleneck_hessian_block_by_exact_polynomial_differences():
    """B13: H_aa = H_bb = s_i, H_ab = -tau_j and the (a, b) block is invariant under the full Hessian."""
    prob = theory.fluct.bottleneck_problem([2.0, 1.5, 0.8, 0.4], O=4, N=5, K=2)
    f, tol = _loss_along(prob.W2, prob.W1, prob.T)
    dim = len(prob.pairs[0].a)
    E = np.eye(dim)
    d2 = {}
    for k, m in itertools.combinations_with_replacement(range(dim), 2):
        d2[k, m] = (_second_derivative(f, E[k] + E[m])[0] - _second_derivative(f, E[k] - E[m])[0]) / 4
    Hfull = np.array([[d2[min(k, m), max(k, m)] for m in range(dim)] for k in range(dim)])
    for pair in prob.pairs:
        Hb = np.array([[u @ Hfull @ v for v in (pair.a, pair.b)] for u in (pair.a, pair.b)])
        assert np.all(np.abs(Hb - np.array([[pair.s, -pair.tau], [-pair.tau, pair.s]])) <= tol)
        for v in (pair.a, pair.b):
            leak = Hfull @ v - (pair.a @ Hfull @ v) * pair.a - (pair.b @ Hfull @ v) * pair.b
            assert np.linalg.norm(leak) <= tol * dim
        blk = theory.fluct.bottleneck_block(pair.s, pair.tau, 0.09, 1, 0.01)
        H, C, S = (np.array(m, dtype=float) for m in (blk.H, blk.C, blk.S))
        S_num = theory.fluct.lyapunov(H, C, 0.01)
        assert np.linalg.norm(S - S_num) <= (theory.fluct.lyapunov_error_bound(H, C, 0.01, S_num)
                                             + gamma(20) * np.linalg.norm(S))


def test_conservation_under_gradient_flow():
    """B14: d/dt (W2^T W2 - W1 W1^T) = 0 along -grad L; conserved() is quadratic, so the central difference is exact."""
    W2 = np.array([[1.0, 0.5], [-0.5, 2.0], [0.25, 0.0]])
    W1 = np.array([[0.5, 1.0, -1.0, 0.0], [2.0, 0.0, 0.5, 1.0]])
    T = np.arange(12.0).reshape(3, 4) / 10
    G = W2 @ W1 - T
    g2, g1 = G @ W1.T, W2.T @ G
    rate = (theory.fluct.conserved(W2 - g2, W1 - g1) - theory.fluct.conserved(W2 + g2, W1 + g1)) / 2
    scale = ((np.abs(W2) + np.abs(g2)).T @ (np.abs(W2) + np.abs(g2))
             + (np.abs(W1) + np.abs(g1)) @ (np.abs(W1) + np.abs(g1)).T)
    assert np.all(np.abs(rate) <= gamma(8) * scale * 2)
    W2b, W1b, _ = theory.fluct.balanced_minimum(B12_TEACHER, **B12_SHAPE)
    assert np.max(np.abs(theory.fluct.conserved(W2b, W1b))) <= gamma(2) * 3
    assert (theory.fluct.population_loss(W2b, W1b, theory.fluct.balanced_minimum(B12_TEACHER, **B12_SHAPE).T, 0.25)
            == pytest.approx(3 * 0.25 / 2, abs=gamma(8) * 9))


@pytest.mark.parametrize("call, name", [
    (lambda: theory.fluct.jacobian(np.ones((2, 3)), np.ones((2, 4))), "W1"),
    (lambda: theory.fluct.balanced_minimum([1.0], 2, 3, 3), "K"),
    (lambda: theory.fluct.balanced_minimum([1.0, 2.0], 2, 3, 1), "teacher_singular_values"),
    (lambda: theory.fluct.balanced_minimum([1.0, 0.0], 2, 3, 1), "teacher_singular_values"),
    (lambda: theory.fluct.balanced_minimum([3.0, 2.0, 1.0], 2, 3, 1), "teacher_singular_values"),
    (lambda: theory.fluct.bottleneck_problem([2.0, 1.0], 2, 3, 2), "K"),
    (lambda: theory.fluct.bottleneck_block(1, 2, 1, 1, 1), "s"),
    (lambda: theory.fluct.bottleneck_block(1, 0.5, -1, 1, 1), "sigma2"),
    (lambda: theory.fluct.bottleneck_block(1, 0.5, 1, 0, 1), "batch"),
    (lambda: theory.fluct.layer_variances(np.eye(2), np.eye(2), 0.0, 1.0), "eta"),
    (lambda: theory.fluct.layer_variances(np.eye(2), np.eye(2), 0.1, 1.0, layer=3), "layer"),
    (lambda: theory.fluct.second_layer_block(np.eye(4), 2, 2), "Pi_or_S"),
    (lambda: theory.fluct.population_loss(np.eye(2), np.eye(2), np.eye(3), 0.0), "T"),
    (lambda: theory.fluct.ivfr_exponent(-1, 1), "alpha"),
])
def test_bad_input_is_a_typed_error(call, name):
    with pytest.raises(InvalidArgument) as info:
        call()
    assert info.value.name == name
