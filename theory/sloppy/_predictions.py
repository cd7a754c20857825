r"""Prediction callables of the ``sloppy`` claims (arXiv 2505.08915; our note ``sloppiness.md``): closed forms at
claim values.

Each is ``prediction(values, *, dps) -> tuple`` (the claim model's protocol) with an ``expression`` for reports.
Every formula is derived by us (note sections 4.1-4.7) unless the claim says otherwise. Problems that need drawn
data (a design, a kernel) have their predictions in ``numerics``; the ones here need only spectra and ground truths,
which the claim values give explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import mpmath
import numpy as np

from ._bhattacharyya import gaussian_bhattacharyya_mp
from ._ensemble import ensemble_covariance, geometric_spectrum
from ._toeplitz import toeplitz_ends
from ._sgd_moments import sgd_ensemble_covariance, sgd_moments

__all__ = ["ground_truth", "spectrum_of", "BhattacharyyaPrediction", "EnsembleSpectrum", "TailRatio",
           "SgdMomentsPrediction", "sgd_components", "SgdEnsembleSpectrum", "SymbolEnds"]


def spectrum_of(values: Mapping[str, object]) -> np.ndarray:
    """The geometric spectrum ``lambda_k = e^{-c (k - 1)}`` of a claim (values ``d``, ``c``)."""
    return geometric_spectrum(int(values["d"]), float(values["c"]))


def ground_truth(values: Mapping[str, object]) -> np.ndarray:
    """w* of a claim in the eigenbasis: the vector value ``w_star``, or all ones (``w* = 1``) when it is absent."""
    d = int(values["d"])
    if "w_star" not in values:
        return np.ones(d)
    w = np.atleast_1d(np.asarray(values["w_star"], dtype=float))
    if w.shape != (d,):
        from .._errors import InvalidArgument

        raise InvalidArgument("w_star", f"vector of length {w.size}", f"a vector of length d = {d}")
    return w


@dataclass(frozen=True)
class BhattacharyyaPrediction:
    """A1: ``(mu1 - mu2)^2 / (8 sigma2)`` per case (vector values ``mu1``, ``mu2``, ``sigma2``), at ``dps`` digits."""

    def __call__(self, values: Mapping[str, object], *, dps: int) -> tuple:
        cases = zip(*(np.atleast_1d(values[k]).tolist() for k in ("mu1", "mu2", "sigma2")))
        return tuple(gaussian_bhattacharyya_mp(a, b, s, dps=dps) for a, b, s in cases)

    def expression(self, values=None) -> str:
        return "d_B(N(mu1, sigma2), N(mu2, sigma2)) = (mu1 - mu2)^2 / (8 sigma2)"


@dataclass(frozen=True)
class EnsembleSpectrum:
    """A4: the top ``k`` eigenvalues of the ensemble covariance M (note 4.3) at the claim's values
    (``d``, ``c``, ``eta``, ``T``, ``sigma0``, ``w_star``)."""

    k: int

    def __call__(self, values: Mapping[str, object], *, dps: int = 30) -> tuple:
        M = ensemble_covariance(spectrum_of(values), ground_truth(values), float(values["sigma0"]),
                                float(values["eta"]), int(values["T"]))
        return tuple(np.linalg.eigvalsh(M)[::-1][: self.k].tolist())

    def expression(self, values=None) -> str:
        return (f"top {self.k} eigenvalues of M = sigma0^2 diag(lambda_k B_k) + D* K D*, B_k = (1 - q_k^(2(T+1))) / "
                "((T+1)(1 - q_k^2)), K_kl = (1 - (q_k q_l)^(T+1)) / ((T+1)(1 - q_k q_l)) - A_k A_l, q = 1 - eta lambda")


@dataclass(frozen=True)
class TailRatio:
    """A6: the limit ``e^{-c}`` of the consecutive ratios of the smallest embedding eigenvalues, ``r`` of them."""

    r: int

    def __call__(self, values: Mapping[str, object], *, dps: int) -> tuple:
        with mpmath.workdps(dps + 10):
            value = mpmath.exp(-mpmath.mpf(float(values["c"])))
        with mpmath.workdps(dps):
            return (+value,) * self.r

    def expression(self, values=None) -> str:
        return "e_(k+1) / e_k -> e^(-c) in the tail (slow modes: sigma0^2 lambda_k B_k ~ sigma0^2 lambda_k)"


def sgd_components(mean: np.ndarray, cov: np.ndarray, slow: int) -> np.ndarray:
    """The components of the A11 claim: ``m_T`` of the ``slow`` slowest modes, then the upper triangle of ``S_T``
    row by row (the fast modes' means have decayed below what a relative resolution can see)."""
    if not 0 <= slow <= mean.size:
        from .._errors import InvalidArgument

        raise InvalidArgument("slow", slow, f"an integer in [0, d = {mean.size}]")
    return np.concatenate([mean[mean.size - slow:], cov[np.triu_indices(cov.shape[0])]])


@dataclass(frozen=True)
class SgdMomentsPrediction:
    """A11: ``m_T`` and ``S_T`` of online SGD from the exact moment recursion (note 4.7), from ``w_0 = 0``
    (``m_0 = -w*``, ``S_0 = 0``) with ``lambda_k = e^{-c k}``, ``w* = 1``; values ``d``, ``c``, ``eta``,
    ``batch``, ``sigma_eps2``, ``T``."""

    def __call__(self, values: Mapping[str, object], *, dps: int = 30) -> tuple:
        d = int(values["d"])
        lam = np.exp(-float(values["c"]) * np.arange(1, d + 1))
        r = sgd_moments(lam, float(values["eta"]), int(values["batch"]), float(values["sigma_eps2"]), -np.ones(d),
                        np.zeros((d, d)), int(values["T"]))
        return tuple(sgd_components(r.mean[-1], r.cov[-1], int(values["slow"])).tolist())

    def expression(self, values=None) -> str:
        return ("m_(t+1) = (I - eta Sigma) m_t; S_(t+1) = (I - eta Sigma) S_t (I - eta Sigma) + (eta^2/B) [Sigma Q_t "
                "Sigma + (sigma_eps2 + tr(Sigma Q_t)) Sigma], Q = S + m m^T")


@dataclass(frozen=True)
class SgdEnsembleSpectrum:
    """A11 (ensemble): the top ``k`` eigenvalues of ``M_SGD`` (``theory.sloppy.sgd_ensemble_covariance``, note 4.7) with
    ``lambda_k = e^{-c(k-1)}``; values ``d``, ``c``, ``eta``, ``batch``, ``sigma_eps2``, ``T``, ``sigma0``,
    ``w_star``."""

    k: int

    def __call__(self, values: Mapping[str, object], *, dps: int = 30) -> tuple:
        M = sgd_ensemble_covariance(spectrum_of(values), ground_truth(values), float(values["sigma0"]),
                                    float(values["eta"]), int(values["batch"]), float(values["sigma_eps2"]),
                                    int(values["T"]))
        return tuple(np.linalg.eigvalsh(M)[::-1][: self.k].tolist())

    def expression(self, values=None) -> str:
        return (f"top {self.k} eigenvalues of M_SGD = (1/(T+1)) sum_t Sigma^(1/2) S_t Sigma^(1/2) + Cov_t(Sigma^(1/2) "
                "m_t), (m_t, S_t) from the exact online-SGD recursion")


@dataclass(frozen=True)
class SymbolEnds:
    """A7 prediction: ``f(0), f(pi)`` by the Poisson (sech) sums (``theory.sloppy.toeplitz_ends``) for each ``c``."""

    def __call__(self, values: Mapping[str, object], *, dps: int) -> tuple:
        out = []
        for c in np.atleast_1d(values["c"]).tolist():
            ends = toeplitz_ends(c, dps=dps)
            out += [ends.top, ends.bottom]
        return tuple(out)

    def expression(self, values=None) -> str:
        return "f(theta) = (pi / c) sum_n sech(pi (theta + 2 pi n) / c) at theta = 0 and pi"
