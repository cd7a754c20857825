r"""Symbolic and structural estimators of the ``sloppy`` claims (our note ``sloppiness.md``; A4, A7, A9, A12).

Symbolic checks count the residuals that SymPy does not simplify to 0 (bound 0). The Toeplitz check returns the
relative gaps of the extreme eigenvalues of ``T_d`` from the symbol's range; the invariance and explained-stress
checks run the inPCA pipeline of ``numerics.sloppy._inpca`` on GD ensembles, with first-order rounding bounds
(:func:`numerics.sloppy._exact.embedding_rounding`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Mapping

import mpmath
import numpy as np

from theory import InvalidArgument
from theory.sloppy import (cauchy_limit, geometric_spectrum, geometric_sums, ground_truth, parseval_residual,
                           toeplitz_ends, toeplitz_limit_matrix, toeplitz_symbol)

from .._estimate import Estimate
from .._rounding import gamma_k
from ._inpca import Embedding, categorical_distances, gaussian_distances, inpca
from ._exact import embedding_rounding
from ._trajectories import GDProblem, design_with_spectrum

__all__ = ["GeometricSumsSymbolic", "CauchyLimitSymbolic", "SymbolRoutes", "ToeplitzGaps",
           "trajectory_embedding",
           "InvarianceCheck", "StressLaws", "categorical_ensemble", "RibbonCriterion"]


@dataclass(frozen=True)
class GeometricSumsSymbolic:
    """A4 (symbolic): the closed forms of A_k, B_k, K_kl against SymPy's ``summation``; value = residuals that do
    not simplify to 0."""

    route: ClassVar[str] = "second_path"

    def __call__(self, values=None, *, rng=None, n=None, dps=None) -> Estimate:
        nonzero = sum(1 for r in geometric_sums().residuals() if r != 0)
        return Estimate((nonzero,), bound=(0,), method="SymPy summation of sum_{t=0}^T x^t / (T+1) for x = q, q^2, "
                        "q_k q_l against the closed forms (x != 1)")


@dataclass(frozen=True)
class CauchyLimitSymbolic:
    """A7 (symbolic): ``sympy.limit`` of ``tau K_kl`` as tau -> infinity minus ``1 / (lambda_k + lambda_l)``, and the
    cosh form of ``sqrt(lambda_k lambda_l) / (lambda_k + lambda_l)``; value = residuals that are not 0."""

    route: ClassVar[str] = "second_path"

    def __call__(self, values=None, *, rng=None, n=None, dps=None) -> Estimate:
        r = cauchy_limit()
        nonzero = sum(1 for e in (r.limit_residual, r.cosh_residual) if e != 0)
        return Estimate((nonzero,), bound=(0,), method=f"sympy.limit (got {r.limit}) and simplify(rewrite(exp))")


@dataclass(frozen=True)
class SymbolRoutes:
    """A7: ``f(0)`` and ``f(pi)`` of the Toeplitz symbol by its Fourier series (the Poisson sech sum is the
    prediction), for each ``c`` of the claim; bound: two units in the ``dps``-th digit (mpmath nsum with 10 guard
    digits, and extra digits for the cancelling series)."""

    route: ClassVar[str] = "second_path"

    def __call__(self, values: Mapping[str, object], *, rng=None, n=None, dps: int) -> Estimate:
        out = []
        for c in np.atleast_1d(values["c"]).tolist():
            out += [toeplitz_symbol(x, c, dps=dps, route="fourier") for x in (0.0, 1.0)]
        with mpmath.workdps(dps):
            bounds = tuple(2 * abs(v) * mpmath.mpf(10) ** (-dps) for v in out)
        return Estimate(tuple(out), bound=bounds, dps=dps, method="Fourier series sum_m cos(m theta) / (2 cosh(c m/2)) "
                        "by mpmath nsum")


@dataclass(frozen=True)
class ToeplitzGaps:
    """A7: relative gaps of the extreme eigenvalues of ``T_d`` from the symbol's ends, for each d of ``sizes``,
    then the ratios of consecutive gaps (as d doubles).

    Components: ``1 - lambda_max / f(0)`` for each d, ``lambda_min / f(pi) - 1`` for each d, then the gap ratios of
    the top and of the bottom. Bounds (first order): ``numpy.linalg.eigvalsh`` is backward stable with
    ``gamma_{4d} ||T_d||_2 <= gamma_{4d} f(0)``, so ``gamma_{4d}`` on a top gap and ``gamma_{4d} f(0) / f(pi)`` on a
    bottom gap; a ratio ``a / b`` gets ``(da + (a / b) db) / b``.
    """

    route: ClassVar[str] = "second_path"

    deterministic = True   # a bound, no sampling: the interval claim spends no false-fail rate

    def __call__(self, values: Mapping[str, object], *, rng=None, n=None, dps=None) -> Estimate:
        c = float(values["c"])
        sizes = [int(s) for s in np.atleast_1d(values["sizes"]).tolist()]
        if len(sizes) < 2 or any(b != 2 * a for a, b in zip(sizes, sizes[1:])):
            raise InvalidArgument("sizes", tuple(sizes), "at least two sizes, each double the one before")
        ends = toeplitz_ends(c, dps=30)
        top, bottom = float(ends.top), float(ends.bottom)
        gaps, errs = [[], []], [[], []]
        for d in sizes:
            e = np.linalg.eigvalsh(toeplitz_limit_matrix(d, c))
            gaps[0].append(1 - e[-1] / top)
            gaps[1].append(e[0] / bottom - 1)
            errs[0].append(gamma_k(4 * d))
            errs[1].append(gamma_k(4 * d) * top / bottom)
        values_out, bounds = [*gaps[0], *gaps[1]], [*errs[0], *errs[1]]
        for g, de in zip(gaps, errs):
            for i in range(len(sizes) - 1):
                a, b = g[i + 1], g[i]
                values_out.append(a / b)
                bounds.append((de[i + 1] + abs(a / b) * de[i]) / abs(b))
        return Estimate(tuple(values_out), bound=tuple(bounds), method=f"numpy eigvalsh of T_d, d = {sizes}, c = {c:g}")


def trajectory_embedding(values: Mapping[str, object], *, scale: float = 1.0, sigma2: float | None = None
                         ) -> tuple[Embedding, float]:
    """inPCA of a small GD ensemble from pairwise Gaussian Bhattacharyya distances of its predictions.

    ``members`` trajectories of ``T`` steps on a design of ``rows`` rows with spectrum ``e^{-c(k-1)}``, all from
    ``data_seed``; ``w_0 / sigma0`` standard normal, ``w*`` standard normal too unless ``values["w_star"]`` gives
    it in the design's eigenbasis (descending). ``scale`` multiplies X and divides eta by its square
    (the A9 rescaling); ``sigma2`` defaults to the claim's. Returns the embedding and a first-order bound on the
    absolute error of its eigenvalues (distances, centring, eigensolver, and the GD iteration's rounding carried
    through the predictions).
    """
    lam = geometric_spectrum(int(values["d"]), float(values["c"]))
    gen = np.random.default_rng(int(values["data_seed"]))
    if isinstance(values["members"], bool) or int(values["members"]) < 1:
        raise InvalidArgument("members", values["members"], "a positive number of trajectories")
    X = scale * design_with_spectrum(int(values["rows"]), lam, gen)
    w_star, w0 = gen.standard_normal(lam.size), float(values["sigma0"]) * gen.standard_normal((int(values["members"]),
                                                                                               lam.size))
    if "w_star" in values:
        w_star = np.linalg.eigh(X.T @ X)[1][:, ::-1] @ ground_truth(values)
    eta, T = float(values["eta"]) / scale**2, int(values["T"])
    s2 = float(values["sigma2"] if sigma2 is None else sigma2)
    problem = GDProblem.linear(X, w_star, eta, record="predictions")
    n = X.shape[0]
    F = np.sqrt(n) * problem.trajectories(w0, T).reshape(-1, n)          # predictions X w of every model
    D = gaussian_distances(F, s2)
    embedding = inpca(D)
    m = F.shape[0]
    norm_x = float(np.linalg.norm(X, 2))
    # |1 - eta lambda| <= 1, so ||w_t - w*|| <= ||w_0 - w*|| and ||w_t|| <= ||w_0|| + 2 ||w*||
    w_max = float(np.max(np.linalg.norm(w0, axis=1))) + 2 * float(np.linalg.norm(w_star))
    dw = T * gamma_k(lam.size + 3) * 3 * w_max                         # GD iteration, first order (A3)
    dF = norm_x * dw + gamma_k(lam.size) * norm_x * w_max
    dd = 4 * np.sqrt(8 * s2 * n * float(D.max())) * dF / (8 * s2 * n)
    bound = embedding_rounding(m, n, float(D.max()), float(np.sqrt(embedding.frobenius_sq)), dd)
    return embedding, bound


def _ratio_bounds(e: np.ndarray, de: float, k: int) -> np.ndarray:
    a = np.abs(e[: k + 1])
    return (a[1:] / a[:-1]) * (de / a[1:] + de / a[:-1])


def _stress_bound(e: np.ndarray, total: float, de: float, k: int) -> np.ndarray:
    """First-order bound on ES_1..ES_k: ``dES = ds / (2 sqrt(1 - s))``, ``ds <= (2 sum |e_i| de + s dF) / F``."""
    s = np.cumsum(e[:k] ** 2) / total
    dtotal = 2 * np.sum(np.abs(e)) * de
    ds = (2 * np.cumsum(np.abs(e[:k])) * de + s * dtotal) / total
    return ds / (2 * np.sqrt(np.clip(1 - s - ds, 1e-300, None)))


@dataclass(frozen=True)
class InvarianceCheck:
    """A9: the top ``k`` eigenvalue ratios and explained stresses ES_1..ES_k of the inPCA embedding of a GD
    ensemble, minus the same after rescaling ``sigma2 -> sigma2_alt`` and ``X -> a X``, ``eta -> eta / a^2``
    (``a = scale``); value = the largest absolute difference of each kind (2 components, both predicted 0).
    Bound: the sum of both embeddings' first-order bounds propagated to ratios and stresses."""

    route: ClassVar[str] = "identity"

    k: int = 4

    def __call__(self, values: Mapping[str, object], *, rng=None, n=None, dps=None) -> Estimate:
        base, b1 = trajectory_embedding(values)
        alt, b2 = trajectory_embedding(values, scale=float(values["scale"]), sigma2=float(values["sigma2_alt"]))
        r1, r2 = base.ratios(self.k), alt.ratios(self.k)
        s1, s2 = base.explained_stress()[: self.k], alt.explained_stress()[: self.k]
        rb = _ratio_bounds(base.eigenvalues, b1, self.k) + _ratio_bounds(alt.eigenvalues, b2, self.k)
        sb = (_stress_bound(base.eigenvalues, base.frobenius_sq, b1, self.k)
              + _stress_bound(alt.eigenvalues, alt.frobenius_sq, b2, self.k))
        return Estimate((float(np.max(np.abs(r1 - r2))), float(np.max(np.abs(s1 - s2)))),
                        bound=(float(np.max(rb)), float(np.max(sb))),
                        method=f"inPCA of {base.eigenvalues.size} models twice (sigma2 {values['sigma2']:g} -> "
                               f"{values['sigma2_alt']:g}, X -> {values['scale']:g} X, eta -> eta / "
                               f"{float(values['scale'])**2:g}); first-order rounding bounds")


def categorical_ensemble(values: Mapping[str, object]) -> np.ndarray:
    """``cat_models`` softmax models on ``cat_samples`` samples with 3 classes, logits N(0, 4) from ``data_seed + 1``
    (generic models whose inPCA has negative, Minkowski eigenvalues)."""
    gen = np.random.default_rng(int(values["data_seed"]) + 1)
    logits = 2.0 * gen.standard_normal((int(values["cat_models"]), int(values["cat_samples"]), 3))
    p = np.exp(logits - logits.max(axis=2, keepdims=True))
    return p / p.sum(axis=2, keepdims=True)


@dataclass(frozen=True)
class StressLaws:
    """A12: for the inPCA embedding of a GD ensemble (``trajectory_embedding``) and of generic categorical models
    (``categorical_ensemble``; signed eigenvalues), the Parseval residual ``|1 - sum e_i^2 / ||W||_F^2|`` (predicted 0).

    It is the whole content of the law: the radicand of ES_k is ``1 - sum_{i<=k} e_i^2 / ||W||_F^2``, whose
    increments ``e_i^2 / ||W||_F^2`` are non-negative, so ES_k is nondecreasing, lies in [0, 1] exactly when the full
    sum does not exceed ``||W||_F^2``, and is 1 at full rank exactly when the residual is 0. The value reported is the
    residual before ``theory.sloppy.explained_stress`` clips its radicand. Bound ``2 gamma_{4m} + gamma_{m^2}``: the
    eigensolver's backward error ``gamma_{4m} ||W||_F``, squared to first order, and the two sums.
    """

    route: ClassVar[str] = "identity"

    def __call__(self, values: Mapping[str, object], *, rng=None, n=None, dps=None) -> Estimate:
        gaussian, _ = trajectory_embedding(values)
        categorical = inpca(categorical_distances(categorical_ensemble(values)))
        out, bounds = [], []
        for emb in (gaussian, categorical):
            m = emb.eigenvalues.size
            out.append(abs(parseval_residual(emb.eigenvalues, emb.frobenius_sq)))
            bounds.append(2 * gamma_k(4 * m) + gamma_k(m * m))
        negative = int(np.sum(categorical.eigenvalues < 0))
        return Estimate(tuple(out), bound=tuple(bounds), method=f"Parseval residual of the inPCA of a GD ensemble "
                        f"({gaussian.eigenvalues.size} models) and of {categorical.eigenvalues.size} categorical "
                        f"models ({negative} negative eigenvalues)")


@dataclass(frozen=True)
class RibbonCriterion:
    """The note's ribbon criterion (section 4.5) on the closed-form M: ``max_{k <= k_max} e_{k+1} / e_k`` at each
    ``sigma0`` of the claim (vector ``sigma0s``), eigenvalues by ``mpmath.eigsy`` at ``dps`` digits; bound: mpmath's
    rounding ``10^{2 - dps} ||M|| / e_{k_max + 1}`` relative.

    It evaluates the theory's own M, so it cannot catch a wrong M (route ``identity``): no claim uses it as
    evidence any more; ``sloppy.ribbon_vs_plateau`` simulates the ensembles (:class:`numerics.sloppy.RibbonEnsemble`).
    """

    route: ClassVar[str] = "identity"

    deterministic = True   # a bound, no sampling: the interval claim spends no false-fail rate

    k_max: int = 4

    def __call__(self, values: Mapping[str, object], *, rng=None, n=None, dps: int) -> Estimate:
        from theory.sloppy import ensemble_covariance_mp

        d, T = int(values["d"]), int(values["T"])
        lam = geometric_spectrum(d, float(values["c"]))
        sigmas = np.atleast_1d(values["sigma0s"]).tolist()
        if self.k_max >= d or (min(sigmas) == 0 and self.k_max >= T):
            raise InvalidArgument("d, T", (d, T), f"d > {self.k_max} and, with sigma0 = 0, T > {self.k_max} (a single "
                                  "trajectory's M has rank <= T: the ratios past it are rounding)")
        out, bounds = [], []
        with mpmath.workdps(dps):
            for s0 in sigmas:
                M = ensemble_covariance_mp(lam, np.ones(d), s0, float(values["eta"]), T, dps=dps)
                e = sorted(mpmath.eigsy(M, eigvals_only=True), reverse=True)[: self.k_max + 1]
                ratios = [e[k + 1] / e[k] for k in range(self.k_max)]
                out.append(max(ratios))
                bounds.append(2 * mpmath.mpf(10) ** (2 - dps) * mpmath.mnorm(M, "F") / e[-1])
            return Estimate(tuple(float(v) for v in out), bound=tuple(float(b) for b in bounds), dps=dps,
                            method=f"closed-form M (note 4.3), mpmath "
                            f"eigsy at {dps} digits; largest of the first {self.k_max} consecutive eigenvalue ratios")
