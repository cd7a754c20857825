r"""Gradient descent on linear regression: trajectories and the second moments of a trajectory ensemble.

Sloppiness pack (arXiv 2505.08915; our note ``sloppiness.md`` sections 3, 4.1, 4.3; claims A3-A5, A8).
The setting and every formula here are **derived by us**: the paper's exact model is not known to us.

Setting: input correlation ``Sigma_hat = sum_k lambda_k e_k e_k^T`` (we work in its eigenbasis), ground truth
``w*``, ``w_0 ~ N(0, sigma0^2 I)``, GD ``w_{t+1} = w_t - eta Sigma_hat (w_t - w*)``, ``t = 0..T``, stable for
``eta lambda_max < 2``. With ``q_k = 1 - eta lambda_k``: ``w_{t,k} = w*_k + q_k^t (w_{0,k} - w*_k)``. In the
coordinates ``z = Sigma_hat^{1/2} w`` the pooled covariance of all points ``{w_t^(s)}`` (uniform over
``t = 0..T`` and over the ensemble, S -> infinity) is

    M = sigma0^2 diag(lambda_k B_k) + D* K D*,   D* = diag(sqrt(lambda_k) w*_k),

``A_k = (1/(T+1)) sum_t q_k^t``, ``B_k = (1/(T+1)) sum_t q_k^(2t)``,
``K_kl = (1/(T+1)) sum_t (q_k q_l)^t - A_k A_l`` (the geometric sums in closed form: :func:`geometric_sums`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import mpmath
import numpy as np
import sympy as sp

from .._errors import InvalidArgument
from .._matrices import array, count, nonnegative, positive

__all__ = ["check_spectrum", "check_step", "geometric_spectrum", "power_law_spectrum", "gd_trajectory",
           "GeometricSums", "geometric_sums", "ensemble_covariance", "kernel_ensemble_covariance",
           "ensemble_covariance_mp", "gradient_flow_covariance", "PlateauTerms", "plateau_terms", "plateau_count",
           "embedding_eigenvalues", "MAX_STEPS"]

#: Largest number of GD steps T accepted by the closed forms (the float64 route is O(d^2 T)).
MAX_STEPS = 1_000_000


def check_spectrum(lam: object, name: str = "lam") -> np.ndarray:
    """The eigenvalues of the input correlation as a finite positive 1-d float64 array, or a typed error.

    >>> check_spectrum([1.0, 0.0])
    Traceback (most recent call last):
    ...
    theory._errors.InvalidArgument: `lam` must be positive eigenvalues (entries in (0, inf)), got 'spectrum down to 0'
    """
    lv = array(name, lam, 1)
    if not np.all(lv > 0):
        raise InvalidArgument(name, f"spectrum down to {lv.min():.6g}", "positive eigenvalues (entries in (0, inf))")
    return lv


def check_step(eta: object, lam: np.ndarray) -> float:
    """``eta`` in the stable range ``(0, 2 / lambda_max)`` of GD on the quadratic loss, as a float."""
    top = float(np.max(lam))
    value = positive("eta", eta)
    if value * top >= 2:
        raise InvalidArgument("eta", eta, f"in (0, {2 / top:.6g}) for stable gradient descent (eta lambda_max < 2)")
    return value


def _steps(T: object) -> int:
    return count("T", T, MAX_STEPS)


def geometric_spectrum(d: int, c: float, lam1: float = 1.0) -> np.ndarray:
    """``lambda_k = lam1 e^{-c (k - 1)}``, k = 1..d: a sloppy spectrum of slope ``c`` (note 1.5, 3).

    >>> geometric_spectrum(3, np.log(2.0)).tolist()
    [1.0, 0.5, 0.25]
    """
    n = count("d", d, 100_000)
    slope, top = positive("c", c), positive("lam1", lam1)
    lam = top * np.exp(-slope * np.arange(n))
    if not lam[-1] > 0:
        raise InvalidArgument("c, d", (slope, n), "a slope and size whose smallest eigenvalue lam1 e^{-c (d-1)} is a "
                              "positive float64 (c (d - 1) below about 700)")
    return lam


def power_law_spectrum(d: int, alpha: float, lam1: float = 1.0) -> np.ndarray:
    """``lambda_k = lam1 k^{-alpha}``, k = 1..d.

    >>> power_law_spectrum(3, 1.0).tolist()
    [1.0, 0.5, 0.3333333333333333]
    """
    n = count("d", d, 100_000)
    a, top = positive("alpha", alpha), positive("lam1", lam1)
    return check_spectrum(top * np.arange(1, n + 1, dtype=float) ** (-a), "spectrum")


def gd_trajectory(lam, w_star, w0, eta: float, T: int) -> np.ndarray:
    """The closed form ``w_{t,k} = w*_k + q_k^t (w_{0,k} - w*_k)`` in the eigenbasis (note 4.1, A3).

    ``w0`` is (d,) or (S, d); returns (T + 1, d) or (S, T + 1, d).

    >>> gd_trajectory([1.0], [2.0], [0.0], 0.5, 2)[:, 0].tolist()
    [0.0, 1.0, 1.5]
    """
    lv = check_spectrum(lam)
    eta, steps = check_step(eta, lv), _steps(T)
    ws = array("w_star", w_star, 1)
    start = np.asarray(w0, dtype=float)
    if ws.shape != lv.shape or start.shape[-1:] != lv.shape or start.ndim not in (1, 2):
        raise InvalidArgument("w0", f"array of shape {start.shape}", f"shape ({lv.size},) or (S, {lv.size}), with "
                              f"w_star of shape ({lv.size},)")
    powers = (1 - eta * lv)[None, :] ** np.arange(steps + 1)[:, None]          # (T + 1, d)
    return ws + powers * (start[..., None, :] - ws)


@dataclass(frozen=True)
class GeometricSums:
    """SymPy closed forms of the time averages over ``t = 0..T``: ``mean(x) = (1/(T+1)) sum_t x^t``.

    ``A = mean(q)``, ``B = mean(q^2)``, ``C = mean(p)`` with ``p = q_k q_l``; each is
    ``(1 - x^{T+1}) / ((T+1)(1 - x))`` for ``x != 1``. ``summed`` holds SymPy's own ``summation`` of the
    same sums (for the check that the closed forms are right: see ``residuals``).
    """

    q: sp.Symbol
    p: sp.Symbol
    T: sp.Symbol
    A: sp.Expr
    B: sp.Expr
    C: sp.Expr
    summed: tuple

    def residuals(self) -> tuple[sp.Expr, ...]:
        """``closed form - summation`` for A, B, C, simplified (each must be 0 for ``x != 1``)."""
        return tuple(sp.simplify(f - s) for f, s in zip((self.A, self.B, self.C), self.summed))


@lru_cache(maxsize=1)
def geometric_sums() -> GeometricSums:
    """The geometric sums of note 4.3 in SymPy, with SymPy's own ``summation`` for comparison (A4).

    >>> g = geometric_sums()
    >>> g.residuals()
    (0, 0, 0)
    """
    q, p = sp.symbols("q p", positive=True)
    T, t = sp.symbols("T t", integer=True, nonnegative=True)
    closed = lambda x: (1 - x ** (T + 1)) / ((T + 1) * (1 - x))  # noqa: E731
    summed = []
    for x in (q, q**2, p):
        s = sp.summation(x**t, (t, 0, T))
        # SymPy returns Piecewise((T + 1, Eq(x, 1)), (sum, True)): keep the generic branch x != 1
        summed.append((s.args[-1][0] if isinstance(s, sp.Piecewise) else s) / (T + 1))
    return GeometricSums(q, p, T, closed(q), closed(q**2), closed(p), tuple(summed))


def _ensemble_inputs(lam, w_star, sigma0, eta, T):
    lv = check_spectrum(lam)
    ws = array("w_star", w_star, 1)
    if ws.shape != lv.shape:
        raise InvalidArgument("w_star", f"vector of length {ws.size}", f"a vector of length d = {lv.size}")
    return lv, ws, nonnegative("sigma0", sigma0), check_step(eta, lv), _steps(T)


def ensemble_covariance(lam, w_star, sigma0: float, eta: float, T: int) -> np.ndarray:
    """``M`` of the module docstring in float64 (note 4.3, A4), computed without cancellation.

    ``lambda_k B_k = (1 - q_k^{2(T+1)}) / ((T+1) eta (2 - eta lambda_k))`` with ``1 - q^N = -expm1(N log q)``; K as
    the covariance over t of ``q_k^t - 1 = expm1(t log q_k)`` (no difference of two numbers near 1), an O(d^2 T)
    sum. Accurate to a few ulps of ``max |D*|^2`` entrywise, so the top eigenvalues are accurate; the tail
    (eigenvalues below ~1e-13 of the top) needs :func:`ensemble_covariance_mp`.

    >>> ensemble_covariance([1.0], [1.0], 0.0, 1.0, 1).round(12).tolist()  # w_t = 0, 1: variance 1/4
    [[0.25]]
    """
    lv, ws, s0, eta, steps = _ensemble_inputs(lam, w_star, sigma0, eta, T)
    return _covariance(lv, np.sqrt(lv) * ws, s0, eta, steps)


def kernel_ensemble_covariance(K, y_star, sigma0: float, eta: float, T: int) -> tuple[np.ndarray, np.ndarray]:
    """``(lambda, M)`` for GD of a kernel machine (note 4.6, A10; derived by us).

    With features Phi (``K = Phi Phi^T``), weights ``w_0 ~ N(0, sigma0^2 I)`` and GD on ``|Phi w - y*|^2 / (2n)``,
    the training predictions obey ``f <- f - eta (K/n)(f - y*)`` from ``f_0 ~ N(0, sigma0^2 K)``: the linear model
    with ``lambda_k = eig_k(K/n)`` and ``D*_k = u_k^T y* / sqrt(n)`` (``u_k`` its eigenvectors), in the coordinates
    ``f / sqrt(n)``. Eigenvalues at or below ``n eps lambda_max`` (numerically zero) are dropped: such modes neither
    move nor carry initial variance. Returns the kept eigenvalues (descending) and M in that eigenbasis.

    >>> lam, M = kernel_ensemble_covariance([[2.0, 0.0], [0.0, 1.0]], [1.0, 0.0], 0.0, 1.0, 1)
    >>> lam.tolist(), M.round(12).tolist()  # mode 1 goes 0 -> 1/sqrt(2) in one step: variance 1/8
    ([1.0, 0.5], [[0.125, 0.0], [0.0, 0.0]])
    """
    Km = array("K", K, 2)
    n = Km.shape[0]
    if Km.shape != (n, n) or np.max(np.abs(Km - Km.T)) > 1e-12 * np.max(np.abs(Km)):
        raise InvalidArgument("K", f"matrix of shape {Km.shape}", "a symmetric n x n kernel (Gram) matrix")
    y = array("y_star", y_star, 1)
    if y.size != n:
        raise InvalidArgument("y_star", f"vector of length {y.size}", f"a vector of length n = {n}")
    lam, U = np.linalg.eigh((Km + Km.T) / (2 * n))
    lam, U = lam[::-1], U[:, ::-1]
    if lam[-1] < -n * np.finfo(float).eps * lam[0] * 10:
        raise InvalidArgument("K", f"matrix with eigenvalue {lam[-1]:.3g}", "positive semi-definite (a kernel matrix)")
    keep = lam > n * np.finfo(float).eps * lam[0]
    lv = check_spectrum(lam[keep], "eigenvalues of K / n")
    return lv, _covariance(lv, U[:, keep].T @ y / np.sqrt(n), nonnegative("sigma0", sigma0), check_step(eta, lv),
                           _steps(T))


def _covariance(lv: np.ndarray, D: np.ndarray, s0: float, eta: float, steps: int) -> np.ndarray:
    N = steps + 1
    q = 1 - eta * lv                                          # in (-1, 1) for a stable step
    t = np.arange(N, dtype=float)
    slow = q > 0                                              # q^t - 1 = expm1(t log q): no cancellation near q = 1
    drift = np.empty((N, lv.size))
    drift[:, slow] = np.expm1(t[:, None] * np.log(q[slow])[None, :])
    drift[:, ~slow] = q[~slow][None, :] ** t[:, None] - 1
    decay = np.empty_like(q)                                  # 1 - q^{2N}
    decay[slow] = -np.expm1(2 * N * np.log(q[slow]))
    decay[~slow] = 1 - q[~slow] ** (2 * N)
    lam_b = decay / (N * eta * (2 - eta * lv))
    drift -= drift.mean(axis=0)
    K = drift.T @ drift / N
    return s0**2 * np.diag(lam_b) + D[:, None] * K * D[None, :]


def ensemble_covariance_mp(lam, w_star, sigma0, eta, T: int, *, dps: int) -> mpmath.matrix:
    """``M`` from the closed-form geometric sums in mpmath at ``dps`` digits (10 guard digits; A5, A6, A8).

    Inputs are taken exactly (floats by their binary value); the whole tail of the spectrum is resolved
    when ``dps`` exceeds the number of decades it spans.

    >>> ensemble_covariance_mp([1.0], [1.0], 0.0, 1.0, 1, dps=20)
    matrix(
    [['0.25']])
    """
    lv, ws, s0, eta, steps = _ensemble_inputs(lam, w_star, sigma0, eta, T)
    digits = count("dps", dps, 10_000)
    d = lv.size
    with mpmath.workdps(digits + 10):
        N, e = mpmath.mpf(steps + 1), mpmath.mpf(eta)
        lm = [mpmath.mpf(float(v)) for v in lv]
        q = [1 - e * v for v in lm]
        A = [(1 - qk ** (steps + 1)) / (N * e * v) for qk, v in zip(q, lm)]
        lam_b = [(1 - qk ** (2 * steps + 2)) / (N * e * (2 - e * v)) for qk, v in zip(q, lm)]
        D = [mpmath.sqrt(v) * mpmath.mpf(float(w)) for v, w in zip(lm, ws)]
        M = mpmath.matrix(d, d)
        for k in range(d):
            for j in range(k, d):
                p = q[k] * q[j]
                K = (1 - p ** (steps + 1)) / (N * (1 - p)) - A[k] * A[j]
                M[k, j] = M[j, k] = D[k] * K * D[j] + (mpmath.mpf(s0) ** 2 * lam_b[k] if j == k else 0)
    with mpmath.workdps(digits):
        return M * 1


def gradient_flow_covariance(lam, w_star, sigma0: float, tau: float) -> np.ndarray:
    """The gradient-flow limit of ``M`` at horizon ``tau = eta T`` (note 4.3; eta -> 0 at fixed tau).

    ``lambda_k B_k = (1 - e^{-2 lambda_k tau}) / (2 tau)``, ``A_k = (1 - e^{-lambda_k tau}) / (lambda_k tau)``,
    ``K_kl = (1 - e^{-(lambda_k + lambda_l) tau}) / ((lambda_k + lambda_l) tau) - A_k A_l``.

    >>> round(float(gradient_flow_covariance([1.0], [0.0], 1.0, 1.0)[0, 0]), 12)  # (1 - e^-2) / 2
    0.432332358382
    """
    lv = check_spectrum(lam)
    ws = array("w_star", w_star, 1)
    if ws.shape != lv.shape:
        raise InvalidArgument("w_star", f"vector of length {ws.size}", f"a vector of length d = {lv.size}")
    s0, h = nonnegative("sigma0", sigma0), positive("tau", tau)
    A = -np.expm1(-lv * h) / (lv * h)
    total = lv[:, None] + lv[None, :]
    K = -np.expm1(-total * h) / (total * h) - np.outer(A, A)
    D = np.sqrt(lv) * ws
    return s0**2 * np.diag(-np.expm1(-2 * lv * h) / (2 * h)) + D[:, None] * K * D[None, :]


@dataclass(frozen=True)
class PlateauTerms:
    """Exact ``lambda_k B_k`` and its two regimes: the plateau ``1 / ((T+1) eta (2 - eta lambda_k))`` (fast modes)
    and ``lambda_k`` itself (slow modes); ``plateau_error = q_k^{2(T+1)}`` exactly (relative)."""

    lam_b: tuple
    plateau: tuple
    plateau_error: tuple
    slow_error: tuple


def plateau_terms(lam, eta, T: int, *, dps: int) -> PlateauTerms:
    """The initial-weight part of ``M`` per mode and its limits, in mpmath (note 4.3, A5; derived by us).

    ``lambda B = lambda (1 - q^{2(T+1)}) / ((T+1)(1 - q^2))`` and ``1 - q^2 = eta lambda (2 - eta lambda)``, so
    ``lambda B / plateau = 1 - q^{2(T+1)}``: for fast modes (``2 eta lambda (T+1)`` large) the relative distance from
    the plateau is ``q^{2(T+1)} <= e^{-2 eta lambda (T+1)}``. For slow modes ``1 - B = (1/(T+1)) sum_t (1 - q^{2t})
    <= eta lambda T`` (as ``1 - q^{2t} <= 2 t eta lambda`` for ``0 <= q <= 1``).

    >>> r = plateau_terms([1.0], 0.5, 1, dps=20)
    >>> [float(v[0]) for v in (r.lam_b, r.plateau, r.plateau_error)]  # q = 1/2: plateau 2/3, lambda B = 15/16 * 2/3
    [0.625, 0.6666666666666666, 0.0625]
    """
    lv = check_spectrum(lam)
    eta, steps, digits = check_step(eta, lv), _steps(T), count("dps", dps, 10_000)
    with mpmath.workdps(digits + 10):
        e, N = mpmath.mpf(eta), steps + 1
        rows = []
        for v in (mpmath.mpf(float(x)) for x in lv):
            q = 1 - e * v
            plateau = 1 / (N * e * (2 - e * v))
            lam_b = (1 - q ** (2 * N)) * plateau
            rows.append((lam_b, plateau, abs(lam_b / plateau - 1), abs(lam_b / v - 1)))
    with mpmath.workdps(digits):
        return PlateauTerms(*(tuple(+r[i] for r in rows) for i in range(4)))


def plateau_count(lam, eta: float, T: int) -> int:
    """``n_f = #{k : 2 eta lambda_k (T+1) > 1}``: the number of plateau (fast) modes (note 4.3).

    >>> plateau_count(geometric_spectrum(30, 1.0), 0.5, 1000)
    7
    """
    lv = check_spectrum(lam)
    return int(np.sum(2 * check_step(eta, lv) * lv * (_steps(T) + 1) > 1))


def embedding_eigenvalues(M_eigenvalues, m: int, sigma2: float) -> np.ndarray:
    """inPCA eigenvalues ``e_k = (m / (8 sigma2)) eig_k(M)`` of m points (note 4.3; inPCA's W is not normalised by m).

    >>> embedding_eigenvalues([2.0, 1.0], 4, 0.5).tolist()
    [2.0, 1.0]
    """
    values = array("M_eigenvalues", M_eigenvalues, 1)
    return values * count("m", m) / (8 * positive("sigma2", sigma2))
