r"""Noise against Hessian for finite Gaussian data (our note ``weight_fluctuations.md``, sections 3.2, 3.5; B9, B10).

Each draw is a design X (M x N, rows i.i.d. N(0, I_N), M = round(ratio * N)); from it
:mod:`theory` gives H = X^T X / M, the label-averaged noise Cbar at the
least-squares minimum and the continuum stationary covariance S (Lyapunov).
These estimators average statistics of those deterministic objects over
independent draws; the averages carry Student's t standard errors (each draw is
one independent replicate).

* :class:`DeviationExponent` (B9): per replicate, the slope of
  log ||Cbar - kappa H||_F / ||kappa H||_F against log(M - N) over the sizes ``sizes``;
* :class:`IsotropicLoss` (B10 and the abstract's single-layer statement): the
  anisotropy S_max / S_min of S, the coefficient of variation of the curvatures
  kappa_i = u_i^T H u_i along S's principal directions, and |corr(log sigma_i^2, log kappa_i)|;
* :class:`NoiseHessianGap` (the abstract's noise-versus-Hessian statement): the
  relative deviation and the scale-free commutator ||HC - CH||_F / (||H|| ||C||).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial
from typing import ClassVar, Mapping

import numpy as np

from theory import InvalidArgument
from theory.fluct import label_averaged_noise, lyapunov, noise_hessian_deviation

from .._arrays import draw_seeds
from .._draws import map_draws
from .._estimate import Estimate, seed_of

__all__ = ["design", "DeviationExponent", "DeviationTable", "IsotropicLoss", "NoiseHessianGap",
           "isotropic_loss_statistics"]


def design(rng: np.random.Generator, n: int, ratio: float) -> np.ndarray:
    """X with M = round(ratio * n) > n rows drawn i.i.d. N(0, I_n)."""
    m = int(round(ratio * n))
    if m <= n:
        raise InvalidArgument("ratio", ratio, f"large enough that M = round(ratio * N) > N = {n} (underparameterized)")
    return rng.standard_normal((m, n))


def _mean_estimate(rows: np.ndarray, rng, method: str) -> Estimate:
    rows = np.atleast_2d(np.asarray(rows, dtype=float))
    n = rows.shape[0]
    if n < 2:
        raise InvalidArgument("n", n, "at least 2 independent draws (a standard error needs two)")
    return Estimate(tuple(rows.mean(axis=0)), std_error=tuple(rows.std(axis=0, ddof=1) / math.sqrt(n)),
                    n_samples=n, dof=n - 1, seed=seed_of(rng), method=method)


def _noise_and_hessian(X: np.ndarray, sigma2: float, batch: int) -> tuple[np.ndarray, np.ndarray]:
    return label_averaged_noise(X, sigma2, batch), X.T @ X / X.shape[0]


@dataclass(frozen=True)
class DeviationExponent:
    """Estimator: the mean over replicates of the fitted exponent of relFrobDev(Cbar, kappa H) in (M - N).

    Values ``sizes`` (the N's), ``ratio`` (alpha = M/N), ``sigma2``, ``batch``.
    """

    route: ClassVar[str] = "identity"  # our closed form for Cbar on random designs: no independent route

    maps_draws: ClassVar[bool] = True  # its replicates go through numerics.map_draws

    @staticmethod
    def slope(sizes: list[int], ratio: float, sigma2: float, batch: int, seed: int) -> list[float]:
        """One replicate: the least-squares slope of log relFrobDev(Cbar, kappa H) on log(M - N)."""
        draw = np.random.default_rng(seed)
        excess, deviation = [], []
        for size in sizes:
            X = design(draw, size, ratio)
            C, H = _noise_and_hessian(X, sigma2, batch)
            excess.append(X.shape[0] - size)
            deviation.append(noise_hessian_deviation(C, H).relative)
        return [np.polyfit(np.log(excess), np.log(deviation), 1)[0]]

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        sizes = [int(s) for s in np.atleast_1d(values["sizes"])]
        ratio, sigma2, batch = float(values["ratio"]), float(values["sigma2"]), int(values["batch"])
        slopes = map_draws(partial(self.slope, sizes, ratio, sigma2, batch), draw_seeds(rng, n))
        return _mean_estimate(np.array(slopes), rng, f"{n} replicates, each one design per N in {sizes} at "
                              f"M/N = {ratio:g}: least-squares slope of log relFrobDev(Cbar, kappa H) on log(M - N)")


def isotropic_loss_statistics(H: np.ndarray, S: np.ndarray) -> tuple[float, float, float]:
    """(S_max/S_min, CV of kappa_i = u_i^T H u_i over S's eigenvectors u_i, |corr(log sigma_i^2, log kappa_i)|)."""
    variances, directions = np.linalg.eigh(S)
    curvatures = np.einsum("ji,jk,ki->i", directions, H, directions)
    if variances[0] <= 0 or np.any(curvatures <= 0):
        raise InvalidArgument("S, H", "a non-positive variance or curvature", "positive definite matrices")
    cv = float(np.std(curvatures) / np.mean(curvatures))
    corr = float(np.corrcoef(np.log(variances), np.log(curvatures))[0, 1])
    return float(variances[-1] / variances[0]), cv, abs(corr)


def _one_design(values: Mapping[str, object], statistic, seed: int) -> tuple:
    C, H = _noise_and_hessian(design(np.random.default_rng(seed), int(values["N"]), float(values["ratio"])),
                              float(values["sigma2"]), int(values["batch"]))
    return statistic(H, C, values)


def _over_designs(values: Mapping[str, object], rng: np.random.Generator, n: int, statistic, what: str) -> Estimate:
    """The mean over ``n`` independent designs of ``statistic(H, Cbar, values)`` (a tuple), with its t error."""
    size, ratio = int(values["N"]), float(values["ratio"])
    rows = map_draws(partial(_one_design, values, statistic), draw_seeds(rng, n))
    return _mean_estimate(np.array(rows), rng, f"{n} designs X ({round(ratio * size)} x {size}), rows N(0, I): "
                          f"means of {what}")


@dataclass(frozen=True)
class IsotropicLoss:
    """Estimator: the means over draws of :func:`isotropic_loss_statistics` for S = lyapunov(H, Cbar, eta).

    Values ``N``, ``ratio``, ``sigma2``, ``batch``, ``eta`` (the three statistics do not depend on eta or sigma2).
    """

    route: ClassVar[str] = "identity"  # our closed forms (Cbar, Lyapunov) on random designs: no independent route

    maps_draws: ClassVar[bool] = True  # its designs go through numerics.map_draws

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        return _over_designs(values, rng, n,
                             lambda H, C, v: isotropic_loss_statistics(H, lyapunov(H, C, float(v["eta"]))),
                             "S_max/S_min, CV(u_i^T H u_i), |corr(log sigma_i^2, log kappa_i)|")


@dataclass(frozen=True)
class NoiseHessianGap:
    """Estimator: the means over draws of relFrobDev(Cbar, kappa H) and the scale-free commutator norm."""

    route: ClassVar[str] = "identity"  # our closed form for Cbar on random designs: no independent route

    maps_draws: ClassVar[bool] = True  # its designs go through numerics.map_draws

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        def gap(H, C, v):
            d = noise_hessian_deviation(C, H)
            return (d.relative, d.commutator)

        return _over_designs(values, rng, n, gap,
                             "||Cbar - kappa H||_F / ||kappa H||_F and ||HC - CH||_F / (||H|| ||C||)")


@dataclass(frozen=True)
class DeviationTable:
    """Estimator (B9's table): per cell (alpha, N) of ``ratios`` x ``sizes`` (row-major), the mean over draws of
    relFrobDev(Cbar, kappa H) divided by the tabulated value ``table`` (so 1 reproduces the note's table).

    Each draw is one design per cell; Student's t errors over draws.
    """

    route: ClassVar[str] = "identity"  # our closed form for Cbar on random designs: no independent route
    maps_draws: ClassVar[bool] = True  # its draws go through numerics.map_draws

    @staticmethod
    def row(ratios: list[float], sizes: list[int], sigma2: float, batch: int, seed: int) -> list[float]:
        draw = np.random.default_rng(seed)
        return [noise_hessian_deviation(*_noise_and_hessian(design(draw, size, ratio), sigma2, batch)).relative
                for ratio in ratios for size in sizes]

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        ratios = [float(r) for r in np.atleast_1d(values["ratios"])]
        sizes = [int(s) for s in np.atleast_1d(values["sizes"])]
        table = np.atleast_1d(np.asarray(values["table"], dtype=float))
        if table.size != len(ratios) * len(sizes):
            raise InvalidArgument("table", table.tolist(), f"{len(ratios) * len(sizes)} values (ratios x sizes)")
        rows = map_draws(partial(self.row, ratios, sizes, float(values["sigma2"]), int(values["batch"])),
                         draw_seeds(rng, n))
        return _mean_estimate(np.array(rows) / table, rng, f"{n} draws, one design per cell (M/N in {ratios}, N in "
                              f"{sizes}): mean relFrobDev(Cbar, kappa H) over the tabulated value")
