"""Covers theory/fluct/_noise.py: Gaussian fourth moment (MGF vs Isserlis), minibatch factors by enumeration,
finite-data noise."""

import itertools
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

import theory
from theory import InvalidArgument
from theory._matrices import EPS, gamma

SIGMA = [[2, 1, 0], [1, 3, sp.Rational(1, 2)], [0, sp.Rational(1, 2), 1]]
DELTA = [1, -2, sp.Rational(1, 3)]


def _symbolic_sigma(n):
    entries = {(i, j): sp.Symbol(f"S{min(i, j)}{max(i, j)}") for i in range(n) for j in range(n)}
    return sp.Matrix(n, n, lambda i, j: entries[(i, j)]), sp.Matrix(sp.symbols(f"d0:{n}"))


@pytest.mark.parametrize("n", [2, 3])
def test_mgf_fourth_moment_equals_isserlis_symbolically(n):
    Sigma, delta = _symbolic_sigma(n)
    diff = theory.fluct.gaussian_fourth_moment(Sigma, delta) - theory.fluct.isserlis_fourth_moment(Sigma, delta)
    assert diff.applyfunc(sp.expand) == sp.zeros(n, n)


def test_mgf_fourth_moment_for_n4_rational():
    Sigma = sp.Matrix(4, 4, lambda i, j: sp.Rational(1, 1 + i + j))       # Hilbert matrix: SPD
    delta = [1, -1, 2, sp.Rational(1, 2)]
    assert theory.fluct.gaussian_fourth_moment(Sigma, delta) == theory.fluct.isserlis_fourth_moment(Sigma, delta)


def test_gradient_noise_is_the_exact_covariance():
    """Cov g = E[(x^T delta)^2 x x^T] + sigma2 Sigma - (Sigma delta)(Sigma delta)^T with the MGF fourth moment."""
    sigma2 = sp.Rational(1, 4)
    S, d = sp.Matrix(SIGMA), sp.Matrix(DELTA)
    exact = theory.fluct.gaussian_fourth_moment(S, d) + sigma2 * S - (S * d) * (S * d).T
    got = theory.fluct.gradient_noise(np.array(S, dtype=float), np.array(d, dtype=float).ravel(), 0.25)
    exact_np = np.array(exact, dtype=float)
    # rounding: inputs rounded to float (1 ulp), then O(n) flops per entry on non-negative-magnitude sums
    absS, absd = np.abs(np.array(S, dtype=float)), np.abs(np.array(d, dtype=float).ravel())
    bound = (gamma(3 * 3 + 8) * ((0.25 + absd @ absS @ absd) * absS + np.outer(absS @ absd, absS @ absd))
             + 4 * EPS * np.abs(exact_np))
    assert np.all(np.abs(got.cov - exact_np) <= bound)
    assert np.allclose(got.mean, np.array(S * d, dtype=float).ravel(), rtol=gamma(4), atol=0)


def _batch_mean_cov(g, batches):
    """Exact covariance of the batch mean over equally likely index tuples (Fractions)."""
    means = [[sum(Fraction(g[b][k]) for b in batch) / len(batch) for k in range(len(g[0]))] for batch in batches]
    m = [sum(row[k] for row in means) / len(means) for k in range(len(g[0]))]
    return [[sum((row[a] - m[a]) * (row[c] - m[c]) for row in means) / len(means) for c in range(len(m))]
            for a in range(len(m))]


def test_minibatch_factors_by_exact_enumeration():
    """B2: M = 10, B = 3; per-sample covariance with divisor M; all ordered tuples / all subsets."""
    M, B = 10, 3
    g = [(i * i % 7 - 3, (2 * i + 1) % 5) for i in range(M)]
    m = [Fraction(sum(row[k] for row in g), M) for k in range(2)]
    per_sample = [[sum((Fraction(row[a]) - m[a]) * (row[c] - m[c]) for row in g) / M for c in range(2)]
                  for a in range(2)]
    with_repl = _batch_mean_cov(g, list(itertools.product(range(M), repeat=B)))
    without = _batch_mean_cov(g, list(itertools.combinations(range(M), B)))
    f_with, f_without = theory.fluct.minibatch_factor(B, M), theory.fluct.minibatch_factor(B, M, replacement=False)
    assert f_with == sp.Rational(1, 3) and f_without == sp.Rational(7, 27)
    for a, c in itertools.product(range(2), repeat=2):
        assert with_repl[a][c] == Fraction(str(f_with)) * per_sample[a][c]
        assert without[a][c] == Fraction(str(f_without)) * per_sample[a][c]


def test_minibatch_factor_edges_and_noise():
    assert theory.fluct.minibatch_factor(1) == 1 and theory.fluct.minibatch_factor(4) == sp.Rational(1, 4)
    assert theory.fluct.minibatch_factor(5, 5, replacement=False) == 0          # the batch is the data set
    C = np.array([[2.0, 1.0], [1.0, 2.0]])
    assert np.array_equal(theory.fluct.minibatch_noise(C, 4), C / 4)
    assert np.allclose(theory.fluct.minibatch_noise(C, 3, 10, replacement=False), C * 7 / 27, rtol=2 * EPS, atol=0)


@pytest.mark.parametrize("kwargs, name, allowed", [
    (dict(batch=0), "batch", "integers in [1, inf)"),
    (dict(batch=2.5), "batch", "integers in [1, inf)"),
    (dict(batch=True), "batch", "integers in [1, inf)"),
    (dict(batch=11, population=10), "batch", "integers in [1, 10]"),
    (dict(batch=3, replacement=False), "population", "replacement=False"),
    (dict(batch=3, population=0), "population", "integers in [1, inf)"),
])
def test_minibatch_factor_errors(kwargs, name, allowed):
    with pytest.raises(InvalidArgument, match=name) as info:
        theory.fluct.minibatch_factor(**kwargs)
    assert info.value.name == name and allowed in info.value.allowed


X_SMALL = [[1, 2], [0, 1], [3, -1], [2, 2], [-1, 0]]
Y_SMALL = [1, 0, 2, -1, 3]


def _exact_fit():
    X, y = sp.Matrix(X_SMALL), sp.Matrix(Y_SMALL)
    G = (X.T * X).inv()
    w = G * X.T * y
    P = X * G * X.T
    return X, w, y - X * w, [P[i, i] for i in range(X.rows)]


def test_least_squares_against_exact_rationals():
    X, w, r, p = _exact_fit()
    fit = theory.fluct.least_squares(np.array(X_SMALL, float), np.array(Y_SMALL, float))
    Xf = np.array(X_SMALL, float)
    sv = np.linalg.svd(Xf, compute_uv=False)
    cond, M, N = sv[0] / sv[-1], *Xf.shape
    # Householder QR least squares is normwise backward stable (Higham, ASNA, Thm 20.3); perturbation theory
    # (Thm 20.1) turns the backward error gamma_{MN} into the forward bounds below.
    g = gamma(M * N)
    rnorm, wnorm, ynorm = (float(sp.sqrt(sum(v**2 for v in vec))) for vec in (r, w, sp.Matrix(Y_SMALL)))
    assert np.linalg.norm(fit.w - np.array(w, float).ravel()) <= g * cond * (2 * wnorm + cond * rnorm / sv[0]) * 2
    assert np.linalg.norm(fit.residuals - np.array(r, float).ravel()) <= g * cond * 2 * ynorm
    assert np.max(np.abs(fit.leverages - np.array(p, float))) <= g * cond * 2
    assert abs(fit.leverages.sum() - N) <= gamma(M * N) * M
    assert np.array_equal(fit.hessian, Xf.T @ Xf / M)


def test_noise_at_the_minimum_against_exact_rationals():
    X, w, r, p = _exact_fit()
    M, B = X.rows, 2
    exact_C = X.T * sp.diag(*[ri**2 for ri in r]) * X / (B * M)
    exact_bar = sp.Rational(1, 2) / (B * M) * X.T * sp.diag(*[1 - pi for pi in p]) * X
    C = theory.fluct.empirical_noise(np.array(X_SMALL, float), np.array(Y_SMALL, float), B)
    Cbar = theory.fluct.label_averaged_noise(np.array(X_SMALL, float), 0.5, B)
    # relative errors of r and p (previous test's bounds) enter squared/linearly through non-negative sums
    Xf = np.array(X_SMALL, float)
    sv = np.linalg.svd(Xf, compute_uv=False)
    rel = 4 * gamma(Xf.size) * (sv[0] / sv[-1]) ** 2 * np.linalg.norm(Y_SMALL) / min(abs(float(ri)) for ri in r)
    absX = np.abs(Xf)
    r2 = np.array(r, float).ravel() ** 2
    assert np.all(np.abs(C - np.array(exact_C, float)) <= rel * (absX.T * r2) @ absX / (B * M))
    assert np.all(np.abs(Cbar - np.array(exact_bar, float)) <= rel * 0.5 * absX.T @ absX / (B * M))


def test_label_averaged_noise_is_hessian_proportional_for_equal_leverages():
    """X = [I; I; I]: p = N/M exactly, so Cbar = (sigma2/B)(1 - N/M) H (note 3.2, well-sampled form)."""
    X = np.vstack([np.eye(3)] * 3)
    Cbar = theory.fluct.label_averaged_noise(X, 2.0, 1)
    H = X.T @ X / 9
    assert np.allclose(Cbar, 2.0 * (1 - 3 / 9) * H, rtol=gamma(12), atol=0)
    assert np.allclose(theory.fluct.least_squares(X, np.zeros(9)).leverages, 1 / 3, rtol=gamma(12), atol=0)


@pytest.mark.parametrize("X, y, name, allowed", [
    (np.ones((3, 3)), np.ones(3), "X", "M > N"),
    (np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]]), np.ones(3), "X", "full column rank"),
    (np.eye(3)[:, :2], np.ones(2), "y", "length M = 3"),
    (np.array([[1.0, np.nan], [0.0, 1.0], [1.0, 1.0]]), np.ones(3), "X", "finite"),
])
def test_least_squares_errors(X, y, name, allowed):
    with pytest.raises(InvalidArgument) as info:
        theory.fluct.least_squares(X, y)
    assert info.value.name == name and allowed in str(info.value)


def test_noise_errors():
    X = np.vstack([np.eye(2)] * 2)
    with pytest.raises(InvalidArgument, match=r"`batch` must be integers in \[1, 4\], got 5"):
        theory.fluct.empirical_noise(X, np.ones(4), 5)
    with pytest.raises(InvalidArgument, match="sigma2"):
        theory.fluct.label_averaged_noise(X, -1.0, 1)
    with pytest.raises(InvalidArgument, match="delta"):
        theory.fluct.gradient_noise(np.eye(2), np.ones(3), 1.0)
    with pytest.raises(InvalidArgument, match="Sigma.*symmetric"):
        theory.fluct.gradient_noise([[1.0, 0.5], [0.0, 1.0]], np.ones(2), 1.0)
    with pytest.raises(InvalidArgument, match="Sigma.*smallest eigenvalue -1"):
        theory.fluct.gradient_noise([[1.0, 0.0], [0.0, -1.0]], np.ones(2), 1.0)
    with pytest.raises(InvalidArgument, match="Sigma.*symmetric"):
        theory.fluct.gaussian_fourth_moment(sp.Matrix([[1, sp.Symbol("a")], [0, 1]]), [1, 1])
    with pytest.raises(InvalidArgument, match=r"n in \[1, 4\]"):
        theory.fluct.isserlis_fourth_moment(sp.eye(5), [1] * 5)
    with pytest.raises(InvalidArgument, match="nested lists"):
        theory.fluct.gaussian_fourth_moment([["1", 0], [0, 1]], [1, 1])


def test_noise_hessian_deviation():
    H = np.diag([1.0, 2.0, 4.0])
    dev = theory.fluct.noise_hessian_deviation(0.5 * H, H)
    assert dev == theory.fluct.Deviation(kappa=0.5, relative=0.0, commutator=0.0)
    C = np.array([[1.0, 1.0, 0.0], [1.0, 2.0, 0.0], [0.0, 0.0, 4.0]])    # tr C = 7 = tr H
    dev = theory.fluct.noise_hessian_deviation(C, H)
    comm = H @ C - C @ H        # [[0, -1, 0], [1, 0, 0], [0, 0, 0]]
    assert dev.kappa == 1.0
    assert dev.relative == pytest.approx(np.sqrt(2) / np.sqrt(21), rel=gamma(20))
    assert dev.commutator == pytest.approx(np.linalg.norm(comm) / (4 * np.linalg.norm(C, 2)), rel=gamma(20))
    with pytest.raises(InvalidArgument, match="C"):
        theory.fluct.noise_hessian_deviation(np.eye(2), H)
    with pytest.raises(InvalidArgument, match="zero matrix"):
        theory.fluct.noise_hessian_deviation(np.zeros((3, 3)), H)


def test_mgf_truncation_equals_differentiating_exp():
    """The module differentiates the degree-4 Taylor term q^2/2; differentiate exp(q) itself here (n = 2)."""
    Sigma, delta = _symbolic_sigma(2)
    t = sp.symbols("t0:2")
    f = sp.exp(sum(t[i] * Sigma[i, j] * t[j] for i in range(2) for j in range(2)) / 2)
    for _ in range(2):
        f = sum(delta[i] * sp.diff(f, t[i]) for i in range(2))
    direct = sp.Matrix(2, 2, lambda k, m: sp.expand(sp.diff(f, t[k], t[m]).subs({t[0]: 0, t[1]: 0})))
    assert (direct - theory.fluct.gaussian_fourth_moment(Sigma, delta)).applyfunc(sp.expand) == sp.zeros(2, 2)
