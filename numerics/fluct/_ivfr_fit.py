r"""Measuring an inverse variance-flatness relation (IVFR) from weight samples: the fit protocol.

The protocol of Feng & Tu (PNAS 118, e2015617118, 2021; [CONTEXT] in our note
``weight_fluctuations.md`` section 3.8), as we implement it:

1. principal component analysis of the weight samples: directions u_i and
   variances sigma_i^2 (the eigenpairs of the sample covariance);
2. the flatness F_i along u_i: the width of the interval of theta around the
   centre where the loss L(w + theta u_i) stays below e * L0. For a quadratic
   loss with curvature kappa_i = u_i^T H u_i along u_i and no slope,
   F_i = 2 sqrt(2 (e - 1) L0 / kappa_i) (:func:`theory.fluct.flatness`); for any other
   loss :func:`flatness_along` finds the two crossings numerically;
3. the least-squares fit log sigma_i^2 = -psi log F_i + const.

psi = -2 is the equilibrium (Boltzmann) relation sigma^2 ~ F^2, psi > 0 an IVFR.
This module measures; it decides nothing (the reference cases with their
predicted exponents are in :mod:`theory`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, ClassVar

import numpy as np
from scipy.optimize import brentq

from theory.fluct import IVFR_CASES, flatness, ivfr_reference
from theory import InvalidArgument, NoConvergence

from .._arrays import as_matrix, frozen
from .._estimate import Estimate, seed_of

__all__ = ["VarianceFlatness", "covariance_components_of", "fit_exponent", "flatness_along",
           "variance_flatness", "reference_hessian", "IvfrFitMC"]


@dataclass(frozen=True)
class VarianceFlatness:
    """Variance against flatness per principal direction, with the fitted exponent (picture data too).

    Attributes
    ----------
    variances : sigma_i^2, descending.
    curvatures : kappa_i = u_i^T H u_i along each direction.
    flatness : F_i.
    psi, intercept : the fit log sigma^2 = -psi log F + intercept.
    predicted : the exponent a theory predicts (drawn for comparison), or None.
    label : a caption.
    """

    variances: np.ndarray
    curvatures: np.ndarray
    flatness: np.ndarray
    psi: float
    intercept: float
    predicted: float | None = None
    label: str = ""


def covariance_components_of(cov: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (descending) and eigenvectors (columns) of a symmetric covariance matrix."""
    values, vectors = np.linalg.eigh(as_matrix("covariance", cov))
    order = np.argsort(values)[::-1]
    return values[order], vectors[:, order]


def fit_exponent(variances, flatness_values) -> tuple[float, float]:
    """(psi, intercept) of the least-squares fit log sigma^2 = -psi log F + intercept.

    >>> F = np.array([1.0, 2.0, 4.0])
    >>> psi, c = fit_exponent(3.0 * F ** 2, F)      # sigma^2 ~ F^2: the equilibrium relation
    >>> round(psi, 12), round(math.exp(c), 12)
    (-2.0, 3.0)
    """
    v = np.asarray(variances, dtype=float)
    f = np.asarray(flatness_values, dtype=float)
    if v.shape != f.shape or v.ndim != 1 or v.size < 2:
        raise InvalidArgument("variances, flatness", (v.shape, f.shape), "two 1-d arrays of the same length >= 2")
    if not (np.all(v > 0) and np.all(f > 0) and np.all(np.isfinite(v)) and np.all(np.isfinite(f))):
        raise InvalidArgument("variances, flatness", "non-positive or non-finite entries", "finite positive numbers")
    lf = np.log(f)
    if np.ptp(lf) == 0:
        raise InvalidArgument("flatness", f.tolist(), "at least two different values (a slope needs spread)")
    slope, intercept = np.polyfit(lf, np.log(v), 1)
    return float(-slope), float(intercept)


def flatness_along(loss: Callable[[np.ndarray], float], centre: np.ndarray, direction: np.ndarray, *,
                   factor: float = math.e, reach: float = 1e6) -> float:
    """Width theta_r - theta_l of {theta : loss(centre + theta u) <= factor * loss(centre)}, found by bracketing.

    ``loss(centre)`` must be positive (a flatness relative to a zero loss is degenerate: our note, section 2).
    Each crossing is bracketed by doubling the step up to ``reach`` and then found by Brent's method.

    >>> H = np.diag([4.0, 1.0])
    >>> quadratic = lambda w: 0.5 + 0.5 * w @ H @ w
    >>> width = flatness_along(quadratic, np.zeros(2), np.array([1.0, 0.0]))
    >>> abs(width - 2 * math.sqrt(2 * (math.e - 1) * 0.5 / 4)) < 1e-10   # the closed form, = sqrt(e - 1)
    True
    """
    u = np.asarray(direction, dtype=float)
    w0 = np.asarray(centre, dtype=float)
    base = float(loss(w0))
    if not (math.isfinite(base) and base > 0):
        raise InvalidArgument("loss(centre)", base, "a finite positive number (the flatness is relative to it)")
    level = factor * base
    g = lambda t: float(loss(w0 + t * u)) - level  # noqa: E731
    ends = []
    for sign in (1.0, -1.0):
        step = 1e-3
        while g(sign * step) < 0:
            step *= 2
            if step > reach:
                raise NoConvergence(f"the loss stays below {factor:g} x L0 up to |theta| = {reach:g} "
                                    "along the direction")
        ends.append(brentq(lambda t: g(sign * t), 0.0, step, xtol=1e-14, rtol=1e-12))
    return float(ends[0] + ends[1])


def variance_flatness(covariance: np.ndarray, hessian: np.ndarray, *, loss0: float, label: str = "",
                      predicted: float | None = None) -> VarianceFlatness:
    """The protocol for a quadratic loss L0 + delta^T H delta / 2 around the centre, from a covariance matrix.

    The covariance may be a sample covariance (the measured case) or an exact one.
    """
    cov = as_matrix("covariance", covariance)
    H = as_matrix("hessian", hessian, cov.shape)
    variances, directions = covariance_components_of(cov)
    if variances[-1] <= 0:
        raise InvalidArgument("covariance", f"smallest eigenvalue {variances[-1]:.3g}", "positive definite")
    curvatures = np.einsum("ji,jk,ki->i", directions, H, directions)
    if np.any(curvatures <= 0):
        raise InvalidArgument("hessian", "a direction of zero or negative curvature",
                              "positive curvature along every direction")
    widths = np.asarray(flatness(curvatures, loss0), dtype=float)
    psi, intercept = fit_exponent(variances, widths)
    return VarianceFlatness(frozen(variances), frozen(curvatures), frozen(widths), psi, intercept, predicted, label)


def _dct_basis(n: int) -> np.ndarray:
    """The orthonormal DCT-II matrix: a fixed, dense rotation, so no principal direction is a coordinate axis."""
    from scipy.fft import dct

    return dct(np.eye(n), norm="ortho", axis=0).T


def reference_hessian(h) -> np.ndarray:
    """H = Q diag(h) Q^T with Q the orthonormal DCT-II basis (deterministic)."""
    h = np.atleast_1d(np.asarray(h, dtype=float))
    if h.ndim != 1 or h.size < 2 or not np.all(h > 0) or not np.all(np.isfinite(h)):
        raise InvalidArgument("h", h.tolist(), "at least two finite positive curvatures")
    q = _dct_basis(h.size)
    return (q * h) @ q.T


@dataclass(frozen=True)
class IvfrFitMC:
    """Estimator (B15): the exponent psi fitted by the protocol from Gaussian samples of a known OU process.

    The stationary law is N(0, S) with (C, S) the reference case ``case`` of
    :func:`theory.fluct.ivfr_reference` for H = :func:`reference_hessian`(h). The protocol
    (PCA, flatness of the quadratic loss L0 + delta^T H delta / 2, fit) on m samples has
    a bias of order p/m from the sample principal components (declared bias model:
    psi(m) = psi + b/m + O(m^-2)); each of ``replicates`` replicates therefore runs it on
    m and on 2m independent samples (m = n // (3 replicates)) and gives 2 psi(2m) - psi(m).
    The estimate is the mean over replicates with Student's t standard error. With
    ``extrapolate=False`` each replicate fits all 3m samples once (for the isotropic case,
    whose fitted slope is unbiased at every m).
    Values: ``h`` (curvatures), ``eta``, ``loss0``.
    """

    route: ClassVar[str] = "simulation"  # the fit protocol on samples of a known stationary law

    case: str
    replicates: int = 64
    extrapolate: bool = True

    def fit(self, values, samples: np.ndarray) -> VarianceFlatness:
        H = reference_hessian(values["h"])
        return variance_flatness(np.cov(samples, rowvar=False), H, loss0=float(values["loss0"]), label=self.case)

    def picture(self, values) -> VarianceFlatness:
        """Picture data: one replicate of 50 samples per dimension from the fixed seed 0 (illustration only)."""
        H = reference_hessian(values["h"])
        S = ivfr_reference(self.case, H, float(values["eta"])).S
        samples = np.random.default_rng(0).standard_normal((50 * H.shape[0], H.shape[0])) @ np.linalg.cholesky(S).T
        vf = self.fit(values, samples)
        predicted = IVFR_CASES[self.case][1]
        return VarianceFlatness(vf.variances, vf.curvatures, vf.flatness, vf.psi, vf.intercept,
                                0.0 if predicted is None else float(predicted),
                                f"{self.case}: {samples.shape[0]} samples, seed 0")

    def __call__(self, values, *, rng: np.random.Generator, n: int, dps=None):

        per = int(n) // (3 * self.replicates)
        dim = len(np.atleast_1d(values["h"]))
        if per < 3 * dim:
            raise InvalidArgument("n", n, f"at least {9 * dim * self.replicates} ({self.replicates} replicates of "
                                          f"3 x {3 * dim} samples)")
        H = reference_hessian(values["h"])
        root = np.linalg.cholesky(ivfr_reference(self.case, H, float(values["eta"])).S)
        draw = lambda m: self.fit(values, rng.standard_normal((m, dim)) @ root.T).psi  # noqa: E731
        if self.extrapolate:
            psis = np.array([2 * draw(2 * per) - draw(per) for _ in range(self.replicates)])
        else:  # unbiased at every m (the isotropic case): all 3 m samples in one fit
            psis = np.array([draw(3 * per) for _ in range(self.replicates)])
        return Estimate((float(psis.mean()),), std_error=(float(psis.std(ddof=1) / math.sqrt(self.replicates)),),
                        n_samples=3 * per * self.replicates, dof=self.replicates - 1, seed=seed_of(rng),
                        method=f"IVFR fit protocol, case {self.case!r}: {self.replicates} replicates, each " + (
                            f"2 psi(2m) - psi(m) from independent samples of N(0, S) with m = {per} (removes the "
                            "O(1/m) bias of the sample principal components)" if self.extrapolate else
                            f"psi from {3 * per} samples of N(0, S)") + "; mean with Student's t error")
