"""SGD gradient noise of linear regression: Gaussian fourth moments, minibatches, finite data.

Derived by us (our note weight_fluctuations.md sections 2, 3.1, 3.2; claims B1, B2, B9).
Model: x ~ N(0, Sigma), y = wbar^T x + eps with eps ~ N(0, sigma2), per-sample gradient
g = -(y - w^T x) x, delta = w - wbar. Finite data: X (M x N), y (M,), M > N.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg
import sympy as sp

from .._errors import InvalidArgument
from .._matrices import EPS, array, count, nonnegative, psd

__all__ = ["GradientNoise", "gradient_noise", "gaussian_fourth_moment", "isserlis_fourth_moment",
           "minibatch_factor", "minibatch_noise", "LeastSquares", "least_squares", "empirical_noise",
           "label_averaged_noise", "Deviation", "noise_hessian_deviation"]


@dataclass(frozen=True)
class GradientNoise:
    """Mean and covariance of the per-sample gradient."""

    mean: np.ndarray
    cov: np.ndarray


def gradient_noise(Sigma, delta, sigma2: float) -> GradientNoise:
    """Per-sample gradient moments for Gaussian data (note 3.1, B1; derived by us).

    ``E g = Sigma delta`` and ``Cov g = (sigma2 + delta^T Sigma delta) Sigma + Sigma delta delta^T Sigma``
    (Isserlis' theorem for the fourth moment, see :func:`isserlis_fourth_moment`).

    >>> gradient_noise([[2.0]], [1.0], 0.5).cov
    array([[9.]])
    """
    S = psd(Sigma, "Sigma")
    d = array("delta", delta, 1)
    if d.shape[0] != S.shape[0]:
        raise InvalidArgument("delta", f"vector of length {d.shape[0]}", f"a vector of length {S.shape[0]} (as Sigma)")
    s2 = nonnegative("sigma2", sigma2)
    Sd = S @ d
    return GradientNoise(mean=Sd, cov=(s2 + d @ Sd) * S + np.outer(Sd, Sd))


def _exact_matrix(name: str, value, shape: tuple[int, int] | None = None) -> sp.Matrix:
    """A SymPy matrix from a SymPy matrix or nested lists of numbers/SymPy objects (floats kept exactly)."""
    def entry(v):
        if isinstance(v, sp.Basic):
            return v
        if isinstance(v, (bool, str)) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise InvalidArgument(name, type(v).__name__,
                                  "a SymPy matrix or nested lists of numbers / SymPy expressions")
        return sp.Integer(int(v)) if isinstance(v, (int, np.integer)) else sp.Rational(float(v))
    if isinstance(value, sp.MatrixBase):
        m = sp.Matrix(value)
    else:
        rows = np.asarray(value, dtype=object)
        rows = rows.reshape(-1, 1) if rows.ndim == 1 else rows
        if rows.ndim != 2:
            raise InvalidArgument(name, f"array of shape {rows.shape}", "a matrix or a vector")
        m = sp.Matrix([[entry(v) for v in row] for row in rows])
    if shape is not None and m.shape != shape:
        if m.shape == shape[::-1]:
            return m.T
        raise InvalidArgument(name, f"matrix of shape {m.shape}", f"shape {shape}")
    return m


def _fourth_moment_inputs(Sigma, delta) -> tuple[sp.Matrix, sp.Matrix]:
    S = _exact_matrix("Sigma", Sigma)
    n = S.shape[0]
    if S.shape[0] != S.shape[1] or not 1 <= n <= 4:
        raise InvalidArgument("Sigma", f"matrix of shape {S.shape}", "square of size n in [1, 4]")
    if not all(sp.expand(e) == 0 for e in S - S.T):
        raise InvalidArgument("Sigma", "a non-symmetric matrix", "symmetric")
    return S, _exact_matrix("delta", delta, (n, 1))


def gaussian_fourth_moment(Sigma, delta) -> sp.Matrix:
    """``E[(x^T delta)^2 x x^T]`` for x ~ N(0, Sigma), exactly, from the moment generating function.

    Independent of Isserlis' theorem: the (k, l) entry is ``(delta . grad)^2 d_k d_l M(t)`` at ``t = 0``
    with ``M(t) = exp(q)``, ``q = t^T Sigma t / 2``, differentiated by SymPy. Only the degree-4 Taylor
    term ``q^2 / 2`` of M survives four derivatives at ``t = 0`` (the others have degree 0, 2 or >= 6),
    so that polynomial is differentiated. Entries may be symbolic; n <= 4.

    >>> gaussian_fourth_moment([[2]], [1])
    Matrix([[12]])
    """
    S, d = _fourth_moment_inputs(Sigma, delta)
    n = S.shape[0]
    t = sp.Matrix(sp.symbols(f"t0:{n}"))
    q = sp.expand((t.T * S * t)[0, 0] / 2)
    directional = sp.expand(q**2 / 2)
    for _ in range(2):
        directional = sp.expand(sum(d[i] * sp.diff(directional, t[i]) for i in range(n)))
    return sp.Matrix(n, n, lambda k, m: sp.expand(sp.diff(directional, t[k], t[m])))


def isserlis_fourth_moment(Sigma, delta) -> sp.Matrix:
    """Isserlis' closed form ``E[(x^T delta)^2 x x^T] = (delta^T Sigma delta) Sigma + 2 Sigma delta delta^T Sigma``.

    >>> isserlis_fourth_moment([[2]], [1])
    Matrix([[12]])
    """
    S, d = _fourth_moment_inputs(Sigma, delta)
    Sd = S * d
    return ((d.T * Sd)[0, 0] * S + 2 * Sd * Sd.T).applyfunc(sp.expand)


def minibatch_factor(batch: int, population: int | None = None, replacement: bool = True) -> sp.Rational:
    """Factor multiplying the per-sample covariance for a mean over a batch of B (note 2, B2).

    With replacement, or online (``population`` None): ``1/B``. Without replacement from M samples:
    the finite-population factor ``(M - B) / (B (M - 1))`` (0 when B = M). The per-sample covariance
    is the population one, ``(1/M) sum g g^T - gbar gbar^T``.

    >>> minibatch_factor(3), minibatch_factor(3, 10, replacement=False)
    (1/3, 7/27)
    """
    M = None if population is None else count("population", population)
    B = count("batch", batch, M)
    if replacement:
        return sp.Rational(1, B)
    if M is None:
        raise InvalidArgument("population", None, "an integer >= 1 when replacement=False (needs the data size M)")
    return sp.Integer(0) if B == M else sp.Rational(M - B, B * (M - 1))


def minibatch_noise(per_sample_cov, batch: int, population: int | None = None, replacement: bool = True) -> np.ndarray:
    """``minibatch_factor(batch, population, replacement) * per_sample_cov``.

    >>> minibatch_noise([[2.0]], 4)
    array([[0.5]])
    """
    C = psd(per_sample_cov, "per_sample_cov")
    return float(minibatch_factor(batch, population, replacement)) * C


@dataclass(frozen=True)
class LeastSquares:
    """Least-squares minimiser ``w``, residuals ``y - X w``, leverages ``diag(P)``, Hessian ``X^T X / M``."""

    w: np.ndarray
    residuals: np.ndarray
    leverages: np.ndarray
    hessian: np.ndarray


def _design(X) -> np.ndarray:
    X = array("X", X, 2)
    M, N = X.shape
    if M <= N:
        raise InvalidArgument("X", f"matrix of shape {X.shape}", "of shape (M, N) with M > N (underparameterized)")
    return X


def least_squares(X, y) -> LeastSquares:
    """Minimiser of ``(1/2M) ||y - X w||^2`` by a thin QR factorisation ``X = Q R`` (note 2).

    ``w = R^{-1} Q^T y``, ``r = y - Q Q^T y``, leverages ``p = rowwise ||Q||^2`` (so ``sum p = N``).
    X must have full column rank: singular values of R above ``max(M, N) eps sigma_max``.

    >>> fit = least_squares([[1.0], [1.0], [1.0]], [1.0, 2.0, 3.0])
    >>> float(fit.w[0]), fit.leverages.round(6).tolist()
    (2.0, [0.333333, 0.333333, 0.333333])
    """
    X = _design(X)
    M, N = X.shape
    yv = array("y", y, 1)
    if yv.shape[0] != M:
        raise InvalidArgument("y", f"vector of length {yv.shape[0]}", f"a vector of length M = {M} (rows of X)")
    Q, R = np.linalg.qr(X)
    sv = np.linalg.svd(R, compute_uv=False)
    if not sv[-1] > max(M, N) * EPS * sv[0]:
        raise InvalidArgument("X", f"matrix with singular values down to {sv[-1]:.3g} (max {sv[0]:.3g})",
                              "of full column rank")
    qty = Q.T @ yv
    w = scipy.linalg.solve_triangular(R, qty)
    return LeastSquares(w=w, residuals=yv - Q @ qty, leverages=np.sum(Q * Q, axis=1), hessian=X.T @ X / M)


def empirical_noise(X, y, batch: int) -> np.ndarray:
    """Realised noise at the least-squares minimum, with replacement: ``C* = X^T diag(r^2) X / (B M)`` (note 3.2).

    >>> empirical_noise([[1.0], [1.0], [1.0]], [1.0, 2.0, 3.0], 1).round(6)
    array([[0.666667]])
    """
    fit = least_squares(X, y)
    X = np.asarray(X, dtype=np.float64)
    M = X.shape[0]
    B = count("batch", batch, M)
    return (X.T * fit.residuals**2) @ X / (B * M)


def label_averaged_noise(X, sigma2: float, batch: int) -> np.ndarray:
    """Label-noise average of C* for a realisable teacher: ``sigma2/(B M) X^T diag(1 - p) X`` (note 3.2).

    >>> label_averaged_noise([[1.0], [1.0], [1.0]], 1.0, 1).round(6)
    array([[0.666667]])
    """
    X = _design(X)
    M, N = X.shape
    s2 = nonnegative("sigma2", sigma2)
    B = count("batch", batch, M)
    p = least_squares(X, np.zeros(M)).leverages
    return s2 / (B * M) * (X.T * (1.0 - p)) @ X


@dataclass(frozen=True)
class Deviation:
    """Noise-Hessian mismatch: ``kappa = tr C / tr H``, relative Frobenius deviation, scale-free commutator."""

    kappa: float
    relative: float
    commutator: float


def noise_hessian_deviation(C, H) -> Deviation:
    """How far C is from the Hessian approximation ``kappa H`` (note 3.2, 3.4; B9).

    ``relative = ||C - kappa H||_F / ||kappa H||_F``, ``commutator = ||HC - CH||_F / (||H||_2 ||C||_2)``.

    >>> noise_hessian_deviation([[2.0, 0.0], [0.0, 2.0]], [[1.0, 0.0], [0.0, 1.0]])
    Deviation(kappa=2.0, relative=0.0, commutator=0.0)
    """
    Hm = psd(H, "H")
    Cm = psd(C, "C", Hm.shape[0])
    trH, trC = np.trace(Hm), np.trace(Cm)
    if not trH > 0:
        raise InvalidArgument("H", "the zero matrix", "a non-zero positive semi-definite matrix")
    if not trC > 0:
        raise InvalidArgument("C", "the zero matrix", "a non-zero positive semi-definite matrix")
    kappa = float(trC / trH)
    relative = np.linalg.norm(Cm - kappa * Hm) / np.linalg.norm(kappa * Hm)
    comm = np.linalg.norm(Hm @ Cm - Cm @ Hm) / (np.linalg.norm(Hm, 2) * np.linalg.norm(Cm, 2))
    return Deviation(kappa=kappa, relative=float(relative), commutator=float(comm))

