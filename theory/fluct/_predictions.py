r"""Prediction callables of the ``fluct`` claims (our note ``weight_fluctuations.md``): closed forms at claim values.

Each is ``prediction(values, *, dps) -> tuple`` (the claim model's protocol) with an
``expression`` for reports. They evaluate the closed forms of :mod:`theory`
(derived by us unless the claim says otherwise) at the claim's parameter values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping

import numpy as np

from .._errors import InvalidArgument
from ._ivfr import IVFR_CASES
from ._two_layer import bottleneck_block, bottleneck_problem

__all__ = ["correlated_covariance", "GradientNoisePrediction", "IvfrExponent", "Constant", "OnlineStationaryPrediction",
           "DriftPrediction", "KappaBand", "BottleneckNoisePrediction"]


def correlated_covariance(lam, rho) -> np.ndarray:
    """Sigma with diagonal ``lam`` and Sigma_ij = rho sqrt(lam_i lam_j) off it; positive definite or a typed error.

    >>> correlated_covariance((1.0, 4.0), 0.5).tolist()
    [[1.0, 1.0], [1.0, 4.0]]
    """
    lam = np.atleast_1d(np.asarray(lam, dtype=float))
    if lam.ndim != 1 or not np.all(lam > 0) or not np.all(np.isfinite(lam)):
        raise InvalidArgument("lam", lam.tolist(), "finite positive variances")
    n = lam.size
    low = -1.0 / (n - 1) if n > 1 else -math.inf
    if not (low < rho < 1):
        raise InvalidArgument("rho", rho, f"in ({low:.4g}, 1) so that Sigma is positive definite")
    root = np.sqrt(lam)
    return np.outer(root, root) * (rho + (1 - rho) * np.eye(n))


@dataclass(frozen=True)
class GradientNoisePrediction:
    """E g = Sigma delta, then the upper triangle of Cov g = (sigma2 + delta^T Sigma delta) Sigma + Sigma delta
    delta^T Sigma (note 3.1, B1; :func:`gradient_noise` in float64) from values ``lam``, ``rho``, ``delta``,
    ``sigma2``, Sigma as :func:`correlated_covariance`. Float64 suffices: the claim resolves 1e-2."""

    def __call__(self, values: Mapping[str, object], *, dps: int) -> tuple:
        from ._noise import gradient_noise

        noise = gradient_noise(correlated_covariance(values["lam"], values["rho"]), np.atleast_1d(values["delta"]),
                               float(values["sigma2"]))
        return (*noise.mean.tolist(), *noise.cov[np.triu_indices(noise.cov.shape[0])].tolist())

    def expression(self, values=None) -> str:
        return "E g = Sigma delta; Cov g = (sigma2 + delta^T Sigma delta) Sigma + Sigma delta delta^T Sigma"


@dataclass(frozen=True)
class IvfrExponent:
    """The exponent psi a reference case predicts for the fit protocol (note 3.8, B15).

    ``boltzmann`` (C = c I): psi = -2; ``squared`` (C = kappa H^2): psi = +2; ``hessian``
    (C = kappa H, S isotropic): no relation. For the last the fitted slope has expectation exactly 0
    (derived by us): with S = s I the sample covariance's eigenvectors are Haar distributed and
    independent of its eigenvalues, so the curvatures u_i^T H u_i are exchangeable given the variances,
    and averaging the least-squares slope over permutations of the curvatures gives 0.
    """

    case: str

    def __post_init__(self) -> None:
        if self.case not in IVFR_CASES:
            raise InvalidArgument("case", self.case, f"one of {', '.join(IVFR_CASES)}")

    @staticmethod
    def describe(case: str) -> str:
        psi = IVFR_CASES[case][1]
        return "no relation: E psi_fit = 0" if psi is None else f"psi = {psi:+d}"

    def __call__(self, values=None, *, dps: int = 30) -> tuple:
        psi = IVFR_CASES[self.case][1]
        return (0 if psi is None else psi,)

    def expression(self, values=None) -> str:
        return f"{self.case}: {self.describe(self.case)}"


@dataclass(frozen=True)
class Constant:
    """A prediction that is a fixed tuple of exact numbers (e.g. the normalised limit 1 of every component)."""

    values: tuple
    statement: str

    def __call__(self, values=None, *, dps: int = 30) -> tuple:
        return tuple(self.values)

    def expression(self, values=None) -> str:
        return self.statement


@dataclass(frozen=True)
class OnlineStationaryPrediction:
    """B7: the exact discrete-time stationary variances s_i of online SGD (note 3.6), at ``dps`` digits."""

    def __call__(self, values: Mapping[str, object], *, dps: int) -> tuple:
        from ._stationary import online_stationary_mp

        lam = tuple(float(v) for v in np.atleast_1d(values["lam"]))
        return tuple(online_stationary_mp(lam, float(values["eta"]), int(values["batch"]), float(values["sigma2"]),
                                          dps=dps))

    def expression(self, values=None) -> str:
        return ("s_i = (eta/B) K / (2 - eta (1 + 1/B) lam_i), "
                "K = sigma2 / (1 - (eta/B) sum_j lam_j / (2 - eta (1 + 1/B) lam_j))")


@dataclass(frozen=True)
class DriftPrediction:
    """B14: the rate of change per step of Q = W2^T W2 - W1 W1^T under online SGD at a minimum with G = 0,
    divided by eta^2, in the eta -> 0 limit: E[g2^T g2 - g1 g1^T] / eta^2 = (sigma2 / B) (O W1 W1^T - N W2^T W2)
    for x ~ N(0, I_N) (derived by us: at the minimum the residual is pure label noise, and the cross terms
    between different samples of a batch vanish). Components: its diagonal."""

    def __call__(self, values: Mapping[str, object], *, dps: int = 30) -> tuple:
        from ._two_layer import balanced_minimum

        t = tuple(float(v) for v in np.atleast_1d(values["teacher"]))
        o, n = int(values["O"]), int(values["N"])
        W2, W1, _ = balanced_minimum(t, o, n, int(values["K"]))
        D = float(values["sigma2"]) / int(values["batch"]) * (o * W1 @ W1.T - n * W2.T @ W2)
        return tuple(np.diag(D).tolist())

    def expression(self, values=None) -> str:
        return "lim E[Q_(k+1) - Q_k] / eta^2 = (sigma2 / B) (O W1 W1^T - N W2^T W2)"


@dataclass(frozen=True)
class KappaBand:
    """Prediction (derived, note 3.2): kappa B / sigma2 = 1 - N/M in the well-sampled approximation p_mu ~ N/M,
    as the band (1 - N/M)(1 -+ ``kappa_tol``) (a threshold parameter of the claim), M = round(ratio N)."""

    def __call__(self, values: Mapping[str, object], *, dps: int = 30) -> tuple:
        n = int(values["N"])
        centre = 1 - n / int(round(float(values["ratio"]) * n))
        tol = float(values["kappa_tol"])
        return ((centre * (1 - tol), centre * (1 + tol)),)

    def expression(self, values=None) -> str:
        return "kappa B / sigma2 = 1 - N/M, within a relative kappa_tol"


@dataclass(frozen=True)
class BottleneckNoisePrediction:
    """Prediction (derived, note 3.7): per block pair, (C_aa, C_bb, C_ab) = ((tau^2 + sigma2) s, sigma2 s, 0) / B,
    from :func:`theory.fluct.bottleneck_block` (exact, SymPy)."""

    def __call__(self, values: Mapping[str, object], *, dps: int = 30) -> tuple:
        out = []
        t = tuple(float(v) for v in np.atleast_1d(values["teacher"]))
        for pair in bottleneck_problem(t, int(values["O"]), int(values["N"]), int(values["K"])).pairs:
            C = bottleneck_block(pair.s, pair.tau, float(values["sigma2"]), int(values["batch"]), 1).C
            out += [C[0, 0], C[1, 1], C[0, 1]]
        return tuple(float(c) for c in out)

    def expression(self, values=None) -> str:
        return "C_block = (1/B) diag((tau_j^2 + sigma2) s_i, sigma2 s_i) for each pair (u_j e_i^T, e_i r_j^T)"
