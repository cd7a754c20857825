"""Exact discrete-time stationary covariance of SGD on linear regression, and its small-eta expansion.

Derived by us (our note weight_fluctuations.md section 3.6; claims B7, B8). One SGD step is
``w' = w - eta (1/B) sum_b g_{mu_b}``; with ``delta = w - w_hat`` and ``A = (1/B) sum_b x x^T``,
``delta' = (I - eta A) delta + eta b`` with ``b = (1/B) sum_b r_{mu_b} x_{mu_b}`` (finite data) or
``b = (1/B) sum_b eps_b x_b`` (online), independent of delta and of mean zero, so the stationary
mean is 0 and ``S = E[(I - eta A) S (I - eta A)] + eta^2 E[b b^T]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath
import numpy as np
import scipy.linalg
import scipy.optimize
import sympy as sp

from .._errors import InvalidArgument
from ._lyapunov import lyapunov
from .._matrices import EPS, array, count, nonnegative, positive, symmetric
from ._noise import empirical_noise, least_squares

__all__ = ["OnlineStationaryExpr", "online_stationary_expr", "online_series", "online_max_eta", "online_stationary",
           "online_stationary_mp", "finite_data_max_eta", "finite_data_stationary", "bracket_operator", "Expansion",
           "first_order_correction", "MAX_FINITE_DATA_N"]

#: Largest N for the dense N^2 x N^2 finite-data solve.
MAX_FINITE_DATA_N = 40


@dataclass(frozen=True)
class OnlineStationaryExpr:
    """Symbols ``eta, B, sigma2, lam = (lambda_1..lambda_n)`` and the expressions ``K`` and ``s = (s_1..s_n)``."""

    eta: sp.Symbol
    batch: sp.Symbol
    sigma2: sp.Symbol
    lam: tuple
    K: sp.Expr
    s: tuple


def online_stationary_expr(n: int) -> OnlineStationaryExpr:
    """Online SGD stationary covariance for x ~ N(0, Sigma), Sigma eigenvalues ``lambda_i`` (note 3.6, B7).

    S is diagonal in the eigenbasis of Sigma with ``s_i = (eta/B) K / (2 - eta (1 + 1/B) lambda_i)``,
    ``K = sigma2 / (1 - (eta/B) sum_j lambda_j / (2 - eta (1 + 1/B) lambda_j))``. Derivation: Isserlis gives
    ``E[A S A] = (1 + 1/B) Sigma S Sigma + tr(Sigma S) Sigma / B`` and ``E[b b^T] = sigma2 Sigma / B``;
    the diagonal fixed point has ``K = sigma2 + sum_j lambda_j s_j``.

    >>> e = online_stationary_expr(2)
    >>> sp.limit(e.s[0] / e.eta, e.eta, 0)
    sigma2/(2*B)
    """
    eta, B, s2 = sp.symbols("eta B sigma2", positive=True)
    lam = sp.symbols(f"lambda1:{count('n', n) + 1}", positive=True)
    denom = [2 - eta * (1 + 1 / B) * lj for lj in lam]
    K = s2 / (1 - eta / B * sum(lj / d for lj, d in zip(lam, denom)))
    return OnlineStationaryExpr(eta, B, s2, tuple(lam), K, tuple(eta / B * K / d for d in denom))


def online_series(n: int, order: int = 2) -> tuple[tuple[sp.Expr, ...], ...]:
    """Coefficients of ``s_i(eta) = sum_{k=1}^{order} c_{k,i} eta^k + O(eta^{order+1})`` (SymPy Taylor expansion).

    ``c_1 = sigma2 / (2B)`` (the isotropic continuum limit) and
    ``c_2 = sigma2 ((1 + 1/B) lambda_i + sum_j lambda_j / B) / (4B)``. Returns ``(c_1, ..., c_order)``,
    each a tuple over i, in the symbols of :func:`online_stationary_expr`.

    >>> online_series(1, 1)
    ((sigma2/(2*B),),)
    """
    e = online_stationary_expr(n)
    top = count("order", order, 6)
    coefficients, derivatives = [], list(e.s)
    for k in range(1, top + 1):          # Taylor coefficients d^k s / d eta^k / k! at eta = 0
        derivatives = [sp.diff(d, e.eta) for d in derivatives]
        coefficients.append(tuple(sp.factor(d.subs(e.eta, 0) / sp.factorial(k)) for d in derivatives))
    return tuple(coefficients)


def _online_inputs(lam, batch):
    lv = array("lam", lam, 1)
    if not np.all(lv > 0):
        raise InvalidArgument("lam", f"eigenvalues down to {lv.min():.3g}", "positive (Sigma positive definite)")
    return lv, count("batch", batch)


def online_max_eta(lam, batch: int) -> float:
    """Largest stable step size of online SGD: the root of ``(eta/B) sum_j lambda_j/(2 - eta c lambda_j) = 1``.

    ``c = 1 + 1/B``. The left side increases from 0 and diverges at ``2 / (c lambda_max)``; its
    lambda_max term alone is 2 at ``2B / ((B + 3/2) lambda_max)``, which brackets the root (``scipy.optimize.brentq``).
    Below the root both stability conditions hold.

    >>> round(online_max_eta([1.0], 1), 12)
    0.666666666667
    """
    lv, B = _online_inputs(lam, batch)
    c = 1 + 1 / B

    def excess(eta: float) -> float:
        return eta / B * float(np.sum(lv / (2 - eta * c * lv))) - 1

    hi = 2 * B / ((B + 1.5) * lv.max())
    return float(scipy.optimize.brentq(excess, 0.0, hi, xtol=4 * EPS * hi, rtol=4 * EPS))


def _unstable(eta: float, eta_max: float, why: str) -> InvalidArgument:
    return InvalidArgument("eta", eta, f"in (0, {eta_max:.6g}) for stability ({why})")


def online_stationary(lam, eta: float, batch: int, sigma2: float) -> np.ndarray:
    """The diagonal ``s_i`` of :func:`online_stationary_expr` in float64 (note 3.6, B7).

    >>> online_stationary([2.0, 1.0, 0.5, 0.25, 0.125, 0.0625], 0.1, 4, 0.25).round(6)
    array([0.003775, 0.003523, 0.00341 , 0.003355, 0.003329, 0.003316])
    """
    lv, B = _online_inputs(lam, batch)
    eta, s2 = positive("eta", eta), nonnegative("sigma2", sigma2)
    d = 2 - eta * (1 + 1 / B) * lv
    f = eta / B * np.sum(lv / d) if np.all(d > 0) else np.inf
    if not f < 1:
        raise _unstable(eta, online_max_eta(lv, B), "eta (1 + 1/B) lambda_max < 2 and (eta/B) sum lambda/(2 - ...) < 1")
    return eta / B * (s2 / (1 - f)) / d


def online_stationary_mp(lam, eta, batch: int, sigma2, *, dps: int) -> tuple:
    """:func:`online_stationary` in mpmath at ``dps`` digits (10 guard digits, rounded on return).

    Inputs are taken exactly (floats by their binary value, strings are not accepted).

    >>> online_stationary_mp([1.0], 0.5, 1, 1.0, dps=20)  # eta sigma2 / (2 - 3 eta)
    (mpf('1.0'),)
    """
    lv, B = _online_inputs(lam, batch)
    eta, s2 = positive("eta", eta), nonnegative("sigma2", sigma2)
    digits = count("dps", dps, 10_000)
    with mpmath.workdps(digits + 10):
        lm = [mpmath.mpf(float(v)) for v in lv]
        e, c = mpmath.mpf(eta), 1 + mpmath.mpf(1) / B
        d = [2 - e * c * v for v in lm]
        f = e / B * mpmath.fsum(v / dv for v, dv in zip(lm, d)) if min(d) > 0 else mpmath.inf
        if not f < 1:
            raise _unstable(eta, online_max_eta(lv, B), "see online_stationary")
        K = mpmath.mpf(s2) / (1 - f)
        s = [e / B * K / dv for dv in d]
    with mpmath.workdps(digits):
        return tuple(+v for v in s)


def _operators(X: np.ndarray, B: int) -> tuple[np.ndarray, np.ndarray]:
    """``L1 = H (x) I + I (x) H`` and ``L2 = (1 - 1/B) H (x) H + Z^T Z / (B M)`` on row-major vec(S)."""
    M, N = X.shape
    H = X.T @ X / M
    eye = np.eye(N)
    L2 = (1 - 1 / B) * np.kron(H, H)
    rows = max(1, 4_000_000 // (N * N))
    for start in range(0, M, rows):
        Xc = X[start:start + rows]
        Z = (Xc[:, :, None] * Xc[:, None, :]).reshape(len(Xc), N * N)
        L2 += Z.T @ Z / (B * M)
    return np.kron(H, eye) + np.kron(eye, H), L2


def _finite_inputs(X, batch):
    Xm = array("X", X, 2)
    M, N = Xm.shape
    if N > MAX_FINITE_DATA_N:
        raise InvalidArgument("X", f"matrix with N = {N} columns",
                              f"at most {MAX_FINITE_DATA_N} columns (dense N^2 solve)")
    if M <= N:
        raise InvalidArgument("X", f"matrix of shape {Xm.shape}", "of shape (M, N) with M > N (underparameterized)")
    return Xm, count("batch", batch, M)


def finite_data_max_eta(X, batch: int) -> float:
    """Largest stable step size of finite-data SGD with replacement: ``1 / lambda_max(L2, L1)``.

    The moment map ``Phi(S) = E[(I - eta A) S (I - eta A)] = S - eta L1 S + eta^2 L2 S`` is self-adjoint
    (Frobenius) and completely positive, so its spectral radius is its largest eigenvalue
    (Perron-Frobenius for cone-preserving maps): ``rho < 1`` iff ``eta L2 < L1``, a generalized
    symmetric-definite eigenproblem. Unstable for every larger eta.

    >>> round(finite_data_max_eta([[1.0], [1.0]], 1), 12)  # Phi = (1 - eta)^2
    2.0
    """
    Xm, B = _finite_inputs(X, batch)
    L1, L2 = _operators(Xm, B)
    top = scipy.linalg.eigh(L2, L1, eigvals_only=True, subset_by_index=[L1.shape[0] - 1, L1.shape[0] - 1])[0]
    return float(1 / top)


def bracket_operator(X, S, batch: int) -> np.ndarray:
    """``A(S) = (1 - 1/B) H S H + (1/(B M)) sum_mu (x_mu^T S x_mu) x_mu x_mu^T``, so ``E[A S A]`` for a batch.

    >>> bracket_operator([[1.0], [1.0]], [[2.0]], 1)
    array([[2.]])
    """
    Xm, B = _finite_inputs(X, batch)
    M, N = Xm.shape
    Sm = symmetric("S", S, N)
    H = Xm.T @ Xm / M
    quad = np.einsum("mi,ij,mj->m", Xm, Sm, Xm)
    return (1 - 1 / B) * H @ Sm @ H + (Xm.T * quad) @ Xm / (B * M)


def finite_data_stationary(X, y, eta: float, batch: int) -> np.ndarray:
    """Exact stationary covariance of finite-data SGD (batches drawn with replacement; note 3.6, B8).

    Solves ``eta (H S + S H) - eta^2 A(S) = eta^2 C*`` (``A`` = :func:`bracket_operator`,
    ``C* = X^T diag(r^2) X / (B M)``): the fixed point of ``S = E[(I - eta A) S (I - eta A)] + eta^2 E[b b^T]``
    with ``E[b b^T] = C*`` because ``X^T r = 0``. Dense Cholesky solve of the N^2 system, N <= 40.
    Raises for eta outside the stable range :func:`finite_data_max_eta`.

    >>> finite_data_stationary([[1.0], [1.0], [2.0]], [1.0, 2.0, 2.0], 0.1, 1).round(6)
    array([[0.011438]])
    """
    Xm, B = _finite_inputs(X, batch)
    eta = positive("eta", eta)
    M, N = Xm.shape
    C = empirical_noise(Xm, y, B)
    L1, L2 = _operators(Xm, B)
    try:
        factor = scipy.linalg.cho_factor(eta * L1 - eta**2 * L2)
    except np.linalg.LinAlgError:
        raise _unstable(eta, finite_data_max_eta(Xm, B), "spectral radius of the moment map < 1") from None
    S = scipy.linalg.cho_solve(factor, eta**2 * C.ravel()).reshape(N, N)
    return (S + S.T) / 2


@dataclass(frozen=True)
class Expansion:
    """``S(eta) = eta S1 + eta^2 S2 + O(eta^3)``."""

    S1: np.ndarray
    S2: np.ndarray


def first_order_correction(X, y, batch: int) -> Expansion:
    """Small-eta expansion of :func:`finite_data_stationary` (derived by us from note 3.6).

    ``H S1 + S1 H = C*`` (the continuum Lyapunov solution divided by eta) and ``H S2 + S2 H = A(S1)``.
    Exactly, ``S(eta) = eta sum_k eta^k T^k S1`` with ``T = L1^{-1} A``, so the relative distance of
    the discrete solution from the continuum one is ``eta ||S2|| / ||S1|| + O(eta^2)``: rate 1.

    >>> e = first_order_correction([[1.0], [1.0], [2.0]], [1.0, 2.0, 2.0], 1)
    >>> round(float(e.S1[0, 0]), 12), round(float(e.S2[0, 0]), 12)  # 7/72 and 7/48
    (0.097222222222, 0.145833333333)
    """
    Xm, B = _finite_inputs(X, batch)
    H = least_squares(Xm, y).hessian
    S1 = lyapunov(H, empirical_noise(Xm, y, B), 1.0)
    return Expansion(S1=S1, S2=lyapunov(H, bracket_operator(Xm, S1, B), 1.0))
