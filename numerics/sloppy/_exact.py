r"""Deterministic estimators of the ``sloppy`` claims (our note ``sloppiness.md``; A1-A3, A5, A6, A8).

Each computes the claimed quantity by a route other than the closed form it is compared with (quadrature instead
of the Gaussian formula, pairwise distances instead of a Gram matrix, the GD iteration instead of matrix powers, a
direct time sum instead of the geometric-sum closed form, eigenvalue brackets instead of limits) and returns an
:class:`Estimate` with a *bound*: a derived first-order rounding bound (Higham's ``gamma_k``, see
``numerics.lowrank._identities``) or a derived inequality (Weyl, Courant-Fischer) plus mpmath's rounding. LAPACK's
symmetric eigensolver and SVD are taken to be backward stable with constant ``4 n`` (``gamma_{4n} ||A||``), an
assumption stated in the claims.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Mapping

import mpmath
import numpy as np

from theory import InvalidArgument
from theory.sloppy import (check_spectrum, check_step, ensemble_covariance_mp, gd_trajectory, geometric_spectrum,
                           inpca_spectrum, plateau_terms)

from .._estimate import Estimate
from .._rounding import U, gamma_k
from ._inpca import double_centre, gaussian_distances
from ._trajectories import design_with_spectrum

__all__ = ["BhattacharyyaQuad", "prediction_matrix", "InpcaPrediction", "InpcaRoutes", "GdIteration",
           "PlateauSums", "TailBracket", "SigmaLimits", "embedding_rounding"]


def _cases(values: Mapping[str, object]):
    return list(zip(*(np.atleast_1d(values[k]).tolist() for k in ("mu1", "mu2", "sigma2"))))


@dataclass(frozen=True)
class BhattacharyyaQuad:
    """A1: ``-log int sqrt(p q) dx`` for ``p, q = N(mu1, sigma2), N(mu2, sigma2)`` by mpmath quadrature.

    Computed twice inside ``workdps(dps + 10)``, tanh-sinh and Gauss-Legendre on ``[-inf, mu_lo, mu_hi, inf]``;
    the integral's bound is ``2 max(err_ts, err_gl, |I_ts - I_gl|)`` (mpmath's own test habit), divided by I for
    the logarithm, plus a unit in the ``dps``-th digit.
    """

    route: ClassVar[str] = "quadrature"

    def __call__(self, values: Mapping[str, object], *, rng=None, n=None, dps: int) -> Estimate:
        out, bounds = [], []
        with mpmath.workdps(dps + 10):
            for a, b, s2 in _cases(values):
                mu1, mu2, sigma = mpmath.mpf(a), mpmath.mpf(b), mpmath.sqrt(mpmath.mpf(s2))
                f = lambda x: mpmath.sqrt(mpmath.npdf(x, mu1, sigma) * mpmath.npdf(x, mu2, sigma))  # noqa: E731
                points = [-mpmath.inf, min(mu1, mu2), max(mu1, mu2), mpmath.inf]
                ts, e_ts = mpmath.quad(f, points, error=True)
                gl, e_gl = mpmath.quad(f, points, method="gauss-legendre", error=True)
                value = -mpmath.log(ts)
                out.append(value)
                bounds.append(2 * max(e_ts, e_gl, abs(ts - gl)) / ts + abs(value) * mpmath.mpf(10) ** (-dps) +
                              mpmath.mpf(10) ** (-dps))
        with mpmath.workdps(dps):
            return Estimate(tuple(+v for v in out), bound=tuple(+b for b in bounds), dps=dps,
                            method="mpmath quad of -log int sqrt(p q) (tanh-sinh vs Gauss-Legendre)")


def prediction_matrix(values: Mapping[str, object]) -> np.ndarray:
    """The fixed F (m models x n samples) of an A2 claim: standard normal entries from ``data_seed``."""
    return np.random.default_rng(int(values["data_seed"])).standard_normal((int(values["m"]), int(values["n"])))


@dataclass(frozen=True)
class InpcaPrediction:
    """A2 prediction: the eigenvalues of ``L F F^T L / (8 sigma2 n)`` (``theory.sloppy.inpca_spectrum``: squared
    singular values of the centred F, and exact zeros past rank ``m - 1``), descending."""

    def __call__(self, values: Mapping[str, object], *, dps: int = 30) -> tuple:
        return tuple(inpca_spectrum(prediction_matrix(values), float(values["sigma2"])).tolist())

    def expression(self, values=None) -> str:
        return "eig(-L D L / 2) = eig(L F F^T L / (8 sigma2 n)) = s_i(L F)^2 / (8 sigma2 n), then 0"


def embedding_rounding(m: int, n: int, max_d: float, norm_w: float, dd: float = 0.0) -> float:
    """First-order bound on ``|e_k(computed W) - e_k(W)|`` for ``W = -L D L / 2`` built from m x m distances.

    Each distance is a mean of n non-negative terms (relative error ``gamma_{n+4}``) plus an absolute input error
    ``dd``; double centring combines entries with absolute weights summing to 2 (``gamma_{2m+4}``); the spectral norm
    of an m x m perturbation is at most m times its largest entry (Weyl); the eigensolver adds ``gamma_{4m} ||W||_F``.
    """
    entry = 2 * ((gamma_k(n + 4) + gamma_k(2 * m + 4)) * max_d + dd)
    return m * entry + gamma_k(4 * m) * norm_w


@dataclass(frozen=True)
class InpcaRoutes:
    """A2 estimator: eigenvalues of ``W = -L D L / 2`` from the pairwise Gaussian Bhattacharyya distances of the
    rows of F (``numerics.sloppy.gaussian_distances``, never a Gram matrix), descending.

    Bound: :func:`embedding_rounding` for this route plus the SVD route's own (``gamma_{m+2}`` for centring F,
    ``gamma_{4 max(m, n)} ||L F||_2`` for the SVD, so ``2 s_1 ds / (8 sigma2 n)`` on each eigenvalue).
    """

    route: ClassVar[str] = "second_path"

    def __call__(self, values: Mapping[str, object], *, rng=None, n=None, dps=None) -> Estimate:
        F, s2 = prediction_matrix(values), float(values["sigma2"])
        m, samples = F.shape
        D = gaussian_distances(F, s2)
        W = double_centre(D)
        e = np.linalg.eigvalsh(W)[::-1]
        s1 = float(np.linalg.norm(F - F.mean(axis=0), 2))
        ds = (gamma_k(m + 2) * np.sqrt(m * samples) * float(np.max(np.abs(F))) + gamma_k(4 * max(m, samples)) * s1)
        bound = (embedding_rounding(m, samples, float(D.max()), float(np.linalg.norm(W)))
                 + (2 * s1 * ds + ds**2) / (8 * s2 * samples) + gamma_k(3) * float(e[0]))
        return Estimate(tuple(e.tolist()), bound=(bound,) * m, method=f"eigenvalues of -L D L / 2 from {m} x {m} "
                        f"pairwise Bhattacharyya distances over {samples} samples (float64, first-order bound)")


def _design(values: Mapping[str, object]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X, lambda, V) of a claim's design: rows ``rows`` (default 2d), spectrum ``e^{-c(k-1)}``, from ``data_seed``."""
    lam = geometric_spectrum(int(values["d"]), float(values["c"]))
    rows = int(values.get("rows", 2 * lam.size))
    X = design_with_spectrum(rows, lam, np.random.default_rng(int(values["data_seed"])))
    return X, lam, np.linalg.eigh(X.T @ X / X.shape[0])[1][:, ::-1]


@dataclass(frozen=True)
class GdIteration:
    """A3 estimator: ``max_t ||w_t(iterated) - w_t(closed form)||_inf / max_t ||w_t||_2`` over t = 0..T.

    The iteration is ``w <- w - eta Sigma_hat (w - w*)`` on the design of the claim (``Sigma_hat = X^T X / n``);
    the closed form is ``theory.sloppy.gd_trajectory`` in the eigenbasis of ``numpy.linalg.eigh(Sigma_hat)``. Start
    ``w_0`` and ``w*`` standard normal from ``data_seed``. Bound (first order, errors propagated through the
    non-expansive ``I - eta Sigma_hat``): per step ``gamma_{d+3} (||w|| + eta ||Sigma_hat||_F ||w - w*||)`` (the
    product's componentwise error, ``|| |Sigma_hat| ||_2 <= ||Sigma_hat||_F``), with ``||w - w*|| <= ||w_0 - w*||``,
    over T steps; and ``(T eta lambda_max gamma_{4d} + (T + 1) u + 3 gamma_{4d})(||w_0 - w*|| + ||w*||)`` for the
    closed form (eigensolver backward error inside the matrix power, rounded powers, two basis changes).
    """

    route: ClassVar[str] = "second_path"

    def __call__(self, values: Mapping[str, object], *, rng=None, n=None, dps=None) -> Estimate:
        X, lam, V = _design(values)
        gen = np.random.default_rng(int(values["data_seed"]) + 1)
        w_star, w0 = gen.standard_normal(lam.size), gen.standard_normal(lam.size)
        eta, T = float(values["eta"]), int(values["T"])
        sigma = X.T @ X / X.shape[0]
        lam_hat, V_hat = np.linalg.eigh(sigma)
        check_step(eta, check_spectrum(lam_hat, "eigenvalues of X^T X / n"))
        closed = gd_trajectory(lam_hat, V_hat.T @ w_star, V_hat.T @ w0, eta, T) @ V_hat.T
        w, iterated = w0.copy(), np.empty_like(closed)
        for t in range(T + 1):
            iterated[t] = w
            w = w - eta * sigma @ (w - w_star)
        scale = float(np.max(np.linalg.norm(iterated, axis=1)))
        d, top = lam.size, float(lam_hat.max())
        gap = float(np.linalg.norm(w0 - w_star))
        start = gap + float(np.linalg.norm(w_star))
        bound = (T * gamma_k(d + 3) * (scale + eta * float(np.linalg.norm(sigma)) * gap)
                 + (T * eta * top * gamma_k(4 * d) + (T + 1) * U + 3 * gamma_k(4 * d)) * start) / scale
        residual = float(np.max(np.abs(iterated - closed))) / scale
        return Estimate((residual,), bound=(bound,), method=f"GD iterated {T} steps vs the eigenbasis closed form, "
                        f"d = {d}, float64")


def _mode_sums(lam: np.ndarray, eta: float, T: int, dps: int) -> list:
    """``lambda_k B_k`` by the direct time sum ``(lambda / (T+1)) sum_t q^{2t}`` in mpmath (not the closed form)."""
    with mpmath.workdps(dps + 10):
        e, out = mpmath.mpf(eta), []
        for v in (mpmath.mpf(float(x)) for x in lam):
            q2, term, total = (1 - e * v) ** 2, mpmath.mpf(1), mpmath.mpf(0)
            for _ in range(T + 1):
                total += term
                term *= q2
            out.append(v * total / (T + 1))
        return out


@dataclass(frozen=True)
class PlateauSums:
    """A5 estimator: the largest relative distance of ``lambda_k B_k`` from the plateau ``1 / ((T+1) eta (2 - eta
    lambda_k))`` over the fast modes (``2 eta lambda_k T > fast``) and from ``lambda_k`` over the slow modes
    (``eta lambda_k T < slow``), with ``lambda_k B_k`` summed directly over t in mpmath. Bound: ``(T + 2)``
    roundings at ``dps + 10`` digits. The regime cuts are the claim's values ``fast_cut`` and ``slow_cut`` when it
    has them (thresholds it declares), else the fields ``fast`` and ``slow``."""

    route: ClassVar[str] = "second_path"

    deterministic = True   # a bound, no sampling: the interval claim spends no false-fail rate

    fast: float = 10.0
    slow: float = 0.005

    def __call__(self, values: Mapping[str, object], *, rng=None, n=None, dps: int) -> Estimate:
        lam = geometric_spectrum(int(values["d"]), float(values["c"]))
        eta, T = check_step(float(values["eta"]), lam), int(values["T"])
        fast_cut, slow_cut = float(values.get("fast_cut", self.fast)), float(values.get("slow_cut", self.slow))
        fast, slow = 2 * eta * lam * T > fast_cut, eta * lam * T < slow_cut
        if not (fast.any() and slow.any()):
            raise InvalidArgument("d, c, eta, T", (lam.size, float(values["c"]), eta, T),
                                  f"values with at least one fast mode (2 eta lambda T > {fast_cut:g}) and one "
                                  f"slow mode (eta lambda T < {slow_cut:g})")
        sums = _mode_sums(lam, eta, T, dps)
        with mpmath.workdps(dps + 10):
            plateau = [abs(s * (T + 1) * eta * (2 - eta * mpmath.mpf(float(v))) - 1) for s, v in zip(sums, lam)]
            tail = [abs(s / mpmath.mpf(float(v)) - 1) for s, v in zip(sums, lam)]
            worst = (max(p for p, f in zip(plateau, fast) if f), max(t for t, s in zip(tail, slow) if s))
            bound = (T + 2) * mpmath.mpf(10) ** (-(dps + 8))
        with mpmath.workdps(dps):   # an interval claim's values are floats: their rounding is added to the bound
            return Estimate(tuple(float(w) for w in worst), bound=tuple(float(bound + U * w) for w in worst), dps=dps,
                            method=f"direct time sums in mpmath over {int(fast.sum())} fast and {int(slow.sum())} "
                                   "slow modes")


def _sorted_eigenvalues(M: mpmath.matrix) -> list:
    return sorted(mpmath.eigsy(M, eigvals_only=True))


def _block(M: mpmath.matrix, index: list[int]) -> mpmath.matrix:
    return mpmath.matrix([[M[i, j] for j in index] for i in index])


@dataclass(frozen=True)
class TailBracket:
    """A6 estimator: the ``r`` smallest consecutive ratios ``e_{k+1} / e_k`` of eig(M) (M at ``dps`` digits by
    ``theory.sloppy.ensemble_covariance_mp``, eigenvalues by ``mpmath.eigsy``), with a derived bound on their
    distance from the spectrum's own ratios ``lambda_{k+1} / lambda_k``.

    ``M = Delta + P`` with ``Delta = sigma0^2 diag(lambda_k B_k)`` and ``P = D* K D*`` PSD. For the j-th smallest
    eigenvalue, Weyl gives ``e_j >= Delta_(j)`` (j-th smallest diagonal entry) and Courant-Fischer on the coordinates
    ``I_j`` of the j smallest entries gives ``e_j <= lambda_max(M[I_j, I_j])``. So each ratio lies in a bracket
    ``[lo, hi]``, and ``|ratio - lambda-ratio| <= max(|lo - rho|, |hi - rho|)``; mpmath's rounding
    (``10^{2 - dps} ||M|| / e_j`` relative) is added, and the float64 rounding of the spectrum itself
    (``lambda_k = exp(-c (k-1))`` carries ``(c (k-1) + 2) u`` relative error, so a ratio
    ``(c (k_1 + k_2 - 2) + 4) u``) against the exact ``e^{-c}``.
    """

    route: ClassVar[str] = "second_path"

    r: int

    def __call__(self, values: Mapping[str, object], *, rng=None, n=None, dps: int) -> Estimate:
        d = int(values["d"])
        lam = geometric_spectrum(d, float(values["c"]))
        s0, eta, T = float(values["sigma0"]), float(values["eta"]), int(values["T"])
        if not s0 > 0 or self.r >= d:
            raise InvalidArgument("sigma0, r", (s0, self.r), f"sigma0 > 0 (the tail is the initial-weight part) and "
                                  f"r < d = {d}")
        with mpmath.workdps(dps):
            M = ensemble_covariance_mp(lam, np.ones(d), s0, eta, T, dps=dps)
            delta = [mpmath.mpf(s0) ** 2 * v for v in plateau_terms(lam, eta, T, dps=dps).lam_b]
            order = sorted(range(d), key=lambda i: delta[i])             # ascending Delta
            e = _sorted_eigenvalues(M)
            upper = [max(_sorted_eigenvalues(_block(M, order[: j + 1]))) for j in range(self.r + 1)]
            norm = mpmath.mnorm(M, "F")
            values_out, bounds = [], []
            for j in range(self.r):
                rho = mpmath.mpf(float(lam[order[j]])) / mpmath.mpf(float(lam[order[j + 1]]))
                lo, hi = delta[order[j]] / upper[j + 1], upper[j] / delta[order[j + 1]]
                ratio = e[j] / e[j + 1]
                rounding = ratio * 2 * mpmath.mpf(10) ** (2 - dps) * norm / e[j]
                rounding += rho * (float(values["c"]) * (order[j] + order[j + 1]) + 4) * U
                values_out.append(ratio)
                bounds.append(max(abs(lo - rho), abs(hi - rho)) + rounding)
            return Estimate(tuple(values_out), bound=tuple(bounds), dps=dps,
                            method=f"mpmath eigsy at {dps} digits; Weyl / Courant-Fischer brackets of the {self.r + 1} "
                                   "smallest eigenvalues")


@dataclass(frozen=True)
class SigmaLimits:
    """A8 estimator: relative distances of the top ``k`` eigenvalues of M from their limits, at a small and a large
    sigma0 (values ``sigma_small``, ``sigma_large``), in mpmath.

    Small: ``|e_j(M) - e_j(P)| / e_j(P)``, P = M at sigma0 = 0; Weyl bounds it by ``sigma0^2 max(lambda B) / e_j(P)``.
    Large: ``|e_j(M) / sigma0^2 - (lambda B)_(j)| / (lambda B)_(j)`` (sorted descending); Weyl bounds it by
    ``||P||_2 / (sigma0^2 (lambda B)_(j))``. Each bound adds mpmath's rounding ``10^{2 - dps} ||M|| / e_j``.
    """

    route: ClassVar[str] = "second_path"

    k: int

    def __call__(self, values: Mapping[str, object], *, rng=None, n=None, dps: int) -> Estimate:
        d = int(values["d"])
        lam = geometric_spectrum(d, float(values["c"]))
        w = np.atleast_1d(np.asarray(values["w_star"], dtype=float))
        eta, T = float(values["eta"]), int(values["T"])
        small, large = float(values["sigma_small"]), float(values["sigma_large"])
        if self.k > min(d, T):
            raise InvalidArgument("k", self.k, f"at most min(d, T) = {min(d, T)} (P = D* K D* has rank <= T)")
        with mpmath.workdps(dps):
            P = ensemble_covariance_mp(lam, w, 0.0, eta, T, dps=dps)
            lam_b = sorted(plateau_terms(lam, eta, T, dps=dps).lam_b, reverse=True)
            p_top = _sorted_eigenvalues(P)[::-1]
            out, bounds = [], []
            for s0, limit, slack in ((small, p_top, mpmath.mpf(small) ** 2 * lam_b[0]),
                                     (large, lam_b, p_top[0] / mpmath.mpf(large) ** 2)):
                M = ensemble_covariance_mp(lam, w, s0, eta, T, dps=dps)
                scale = 1 if s0 == small else mpmath.mpf(s0) ** 2
                e = [v / scale for v in _sorted_eigenvalues(M)[::-1]]
                rounding = 2 * mpmath.mpf(10) ** (2 - dps) * mpmath.mnorm(M, "F") / scale
                for j in range(self.k):
                    out.append(abs(e[j] - limit[j]) / limit[j])
                    bounds.append((slack + rounding) / limit[j])
            return Estimate(tuple(out), bound=tuple(bounds), dps=dps,
                            method=f"mpmath eigsy at {dps} digits; Weyl bounds at sigma0 = {small:g} and {large:g}")
