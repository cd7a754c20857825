r"""Exact first and second moments of online SGD on linear regression, step by step (note ``sloppiness.md`` 4.7).

**Derived by us** (claim A11; the same Isserlis algebra as ``weight_fluctuations.md`` 3.1 and 3.6). Online data
``x ~ N(0, Sigma)``, ``Sigma = diag(lam)`` (its eigenbasis), ``y = w*^T x + eps``, ``Var eps = sigma_eps2``, batch B
with fresh samples: ``w <- w - (eta / B) sum_b x_b (x_b^T w - y_b)``. With ``m_t = E w_t - w*``,
``S_t = Cov w_t`` and ``Q_t = S_t + m_t m_t^T``,

    m_{t+1} = (I - eta Sigma) m_t,
    S_{t+1} = (I - eta Sigma) S_t (I - eta Sigma) + (eta^2 / B) [Sigma Q_t Sigma + (sigma_eps2 + tr(Sigma Q_t)) Sigma],

from ``E[A Q A] = (1 + 1/B) Sigma Q Sigma + tr(Sigma Q) Sigma / B`` for ``A = (1/B) sum_b x_b x_b^T``. ``S_t`` is not
diagonal while ``m_t != 0``: the term ``Sigma m m^T Sigma`` couples the modes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._errors import InvalidArgument
from ._ensemble import check_spectrum, check_step
from .._matrices import array, count, nonnegative, psd

__all__ = ["SgdMoments", "sgd_moments", "sgd_ensemble_covariance"]


@dataclass(frozen=True)
class SgdMoments:
    """``mean[t] = m_t = E w_t - w*`` (T + 1, d) and ``cov[t] = S_t`` (T + 1, d, d), t = 0..T."""

    mean: np.ndarray
    cov: np.ndarray

    @property
    def second(self) -> np.ndarray:
        """``Q_t = S_t + m_t m_t^T``."""
        return self.cov + self.mean[:, :, None] * self.mean[:, None, :]


def sgd_moments(lam, eta: float, batch: int, sigma_eps2: float, m0, S0, T: int) -> SgdMoments:
    """Iterate the moment recursion of the module docstring from ``(m0, S0)`` for T steps (float64).

    >>> r = sgd_moments([1.0], 0.5, 1, 0.0, [1.0], [[0.0]], 1)
    >>> r.mean[:, 0].tolist(), r.cov[:, 0, 0].tolist()  # m1 = 1/2; S1 = (1/4)(1 + 1) = 1/2
    ([1.0, 0.5], [0.0, 0.5])
    """
    lv = check_spectrum(lam)
    eta = check_step(eta, lv)
    B, s2, steps = count("batch", batch), nonnegative("sigma_eps2", sigma_eps2), count("T", T, 1_000_000)
    d = lv.size
    m = array("m0", m0, 1)
    if m.size != d:
        raise InvalidArgument("m0", f"vector of length {m.size}", f"a vector of length d = {d}")
    S = psd(S0, "S0", d)
    q = 1 - eta * lv
    means, covs = np.empty((steps + 1, d)), np.empty((steps + 1, d, d))
    means[0], covs[0] = m, S
    for t in range(steps):
        Q = S + np.outer(m, m)
        noise = lv[:, None] * Q * lv[None, :] + (s2 + float(lv @ np.diag(Q))) * np.diag(lv)
        S = q[:, None] * S * q[None, :] + eta**2 / B * noise
        m = q * m
        means[t + 1], covs[t + 1] = m, S
    if not (np.all(np.isfinite(means)) and np.all(np.isfinite(covs))):
        raise InvalidArgument("eta", eta, "a step size for which the second moments stay finite over T steps")
    return SgdMoments(means, covs)


def sgd_ensemble_covariance(lam, w_star, sigma0: float, eta: float, batch: int, sigma_eps2: float,
                            T: int) -> np.ndarray:
    """The pooled covariance of ``z = Sigma^{1/2} w`` over ``t = 0..T`` and an ensemble of online-SGD chains from
    ``w_0 ~ N(0, sigma0^2 I)`` (note 4.7; derived by us):

        M_SGD = (1/(T+1)) sum_t Sigma^{1/2} S_t Sigma^{1/2} + Cov_t(Sigma^{1/2} m_t),

    with ``m_0 = -w*``, ``S_0 = sigma0^2 I`` and the recursion of :func:`sgd_moments`. Without the ``eta^2 / B``
    term it is the GD matrix M of ``theory.sloppy.ensemble_covariance``; the term is PSD and the recursion preserves the
    PSD order, so ``M_SGD >= M_GD``: SGD lifts every embedding eigenvalue (Weyl), the small ones the most in
    relative terms.

    >>> from theory.sloppy import ensemble_covariance
    >>> lam, w = [1.0, 0.3], [1.0, -1.0]
    >>> gd = ensemble_covariance(lam, w, 0.5, 0.4, 30)
    >>> bool(np.allclose(sgd_ensemble_covariance(lam, w, 0.5, 0.4, 10**12, 0.0, 30), gd))
    True
    """
    lv = check_spectrum(lam)
    ws = array("w_star", w_star, 1)
    if ws.size != lv.size:
        raise InvalidArgument("w_star", f"vector of length {ws.size}", f"a vector of length d = {lv.size}")
    s0 = nonnegative("sigma0", sigma0)
    r = sgd_moments(lv, eta, batch, sigma_eps2, -ws, s0**2 * np.eye(lv.size), T)
    root = np.sqrt(lv)
    spread = root[None, :] * r.mean                                      # Sigma^{1/2} m_t, (T+1, d)
    spread = spread - spread.mean(axis=0)
    return root[:, None] * r.cov.mean(axis=0) * root[None, :] + spread.T @ spread / spread.shape[0]
