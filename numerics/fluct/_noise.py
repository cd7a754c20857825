r"""Estimators of the SGD noise of linear regression (our note ``weight_fluctuations.md``, sections 3.1-3.2; B1, B2).

* :class:`GradientNoiseMC`: the mean and covariance of the per-sample gradient
  g = (x^T delta - sqrt(sigma2) eps) x of linear regression on Gaussian inputs, by
  Monte Carlo over fresh samples (B1's numeric check);
* :class:`FourthMomentExact`: E[(x^T delta)^2 x x^T] by differentiating the moment
  generating function (SymPy, exact), against Isserlis' closed form (B1's symbolic check);
* :class:`MinibatchEnumeration`: the covariance of a minibatch mean gradient by
  enumerating every batch of a small integer dataset, in exact rational arithmetic (B2).

The matrices are built from claim parameters: Sigma has diagonal ``lam`` and
correlation ``rho`` off the diagonal (Sigma_ij = rho sqrt(lam_i lam_j)).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import ClassVar, Mapping

import mpmath
import numpy as np
import sympy

from theory import InvalidArgument
from theory.fluct import correlated_covariance, gaussian_fourth_moment, isserlis_fourth_moment, minibatch_factor

from .._estimate import Estimate, seed_of

__all__ = ["GradientNoiseMC", "FourthMomentExact", "integer_gradients",
           "MinibatchEnumeration", "MinibatchPrediction", "upper_triangle"]

#: Samples per chunk of the Monte Carlo (memory stays below ~50 MB whatever n).
CHUNK = 1 << 17


def upper_triangle(a) -> list:
    """The entries a_ij, i <= j, row by row (the distinct entries of a symmetric matrix)."""
    n = len(a)
    return [a[i][j] for i in range(n) for j in range(i, n)]


@dataclass(frozen=True)
class GradientNoiseMC:
    """Estimator: E g (N components) and Cov g (upper triangle) of g = (x^T delta - sqrt(sigma2) eps) x.

    Values ``lam``, ``rho``, ``delta``, ``sigma2``. Each covariance entry is the mean of
    (g_i - gbar_i)(g_j - gbar_j) n/(n-1); its standard error is the sample standard
    deviation of those products over sqrt(n) (the error from estimating gbar is O(1/n)).
    """

    route: ClassVar[str] = "simulation"  # Monte Carlo over fresh (x, eps) samples

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        sigma = correlated_covariance(values["lam"], values["rho"])
        delta = np.atleast_1d(np.asarray(values["delta"], dtype=float))
        if delta.shape != sigma.shape[:1]:
            raise InvalidArgument("delta.shape", delta.shape, f"({sigma.shape[0]},), one entry per input")
        root, noise = np.linalg.cholesky(sigma), math.sqrt(float(values["sigma2"]))
        iu = np.triu_indices(delta.size)
        centre = None  # products are centred at the first chunk's sample mean (a shift: it changes only rounding)
        s1, s_prod, s_prod2 = np.zeros(delta.size), np.zeros(iu[0].size), np.zeros(iu[0].size)
        s_g2 = np.zeros(delta.size)
        for start in range(0, int(n), CHUNK):
            m = min(CHUNK, int(n) - start)
            x = rng.standard_normal((m, delta.size)) @ root.T
            g = (x @ delta - noise * rng.standard_normal(m))[:, None] * x
            if centre is None:
                centre = g.mean(axis=0)
            g -= centre
            prod = g[:, iu[0]] * g[:, iu[1]]
            s1 += g.sum(axis=0)
            s_g2 += (g * g).sum(axis=0)
            s_prod += prod.sum(axis=0)
            s_prod2 += (prod * prod).sum(axis=0)
        mean = s1 / n
        cov = (s_prod / n - mean[iu[0]] * mean[iu[1]]) * (n / (n - 1))
        se_mean = np.sqrt(np.maximum(s_g2 / n - mean ** 2, 0) / (n - 1))
        se_cov = np.sqrt(np.maximum(s_prod2 / n - (s_prod / n) ** 2, 0) / (n - 1))
        return Estimate(tuple(np.concatenate([mean + centre, cov])), std_error=tuple(np.concatenate([se_mean, se_cov])),
                        n_samples=int(n), seed=seed_of(rng),
                        method=f"Monte Carlo over {n} fresh (x, eps) samples: sample mean and covariance of g "
                               "(the standard error of a covariance entry ignores the O(1/n) effect of centring)")


@dataclass(frozen=True)
class FourthMomentExact:
    """Estimator (exact): E[(x^T delta)^2 x x^T] by four derivatives of exp(t^T Sigma t / 2), for a
    fully symbolic symmetric Sigma and delta of dimension ``n``, minus Isserlis' closed form.

    The value is the number of entries of the difference that do not expand to 0 (so 0, with bound 0,
    when the identity holds symbolically).
    """

    route: ClassVar[str] = "second_path"  # moment generating function against Isserlis' formula

    def __call__(self, values: Mapping[str, object], *, rng=None, n=None, dps=None) -> Estimate:
        dim = int(values["n"])
        sig = sympy.Matrix(dim, dim, lambda i, j: sympy.Symbol(f"s{min(i, j)}{max(i, j)}", real=True))
        delta = sympy.Matrix(dim, 1, lambda i, _: sympy.Symbol(f"d{i}", real=True))
        difference = gaussian_fourth_moment(sig, delta) - isserlis_fourth_moment(sig, delta)
        nonzero = sum(1 for entry in difference if sympy.expand(entry) != 0)
        return Estimate((nonzero,), bound=(0,), method=f"SymPy: moment generating function, n = {dim}, "
                        "entries of (MGF route - Isserlis) that do not expand to 0")


def integer_gradients(population: int, dim: int) -> list[list[int]]:
    """A fixed small integer dataset of per-sample gradients g_mu (documented, deterministic):
    g_mu,j = ((mu + 1) (j + 2)^2 mod 11) - 5.

    >>> integer_gradients(3, 2)
    [[-1, 4], [3, 2], [-4, 0]]
    """
    return [[((mu + 1) * (j + 2) ** 2) % 11 - 5 for j in range(dim)] for mu in range(population)]


def _covariance(vectors: list[tuple[int, ...]], divisor: int) -> list[list[Fraction]]:
    """Exact covariance of the vectors v / divisor, each equally likely."""
    count, dim = len(vectors), len(vectors[0])
    first = [Fraction(sum(v[i] for v in vectors), count * divisor) for i in range(dim)]
    second = [[Fraction(sum(v[i] * v[j] for v in vectors), count * divisor * divisor) for j in range(dim)]
              for i in range(dim)]
    return [[second[i][j] - first[i] * first[j] for j in range(dim)] for i in range(dim)]


def _as_mpf(values, dps: int) -> tuple:
    with mpmath.workdps(dps):
        return tuple(mpmath.mpf(v.numerator) / v.denominator for v in values)


def _batch_values(values: Mapping[str, object]) -> tuple[int, int, int, bool]:
    m, b, dim = int(values["M"]), int(values["B"]), int(values["N"])
    if not 1 <= b <= m:
        raise InvalidArgument("B", b, f"integers in [1, M = {m}]")
    return m, b, dim, bool(values["replacement"])


@dataclass(frozen=True)
class MinibatchPrediction:
    """Prediction: factor(B, M, replacement) x the per-sample covariance of :func:`integer_gradients`."""

    def __call__(self, values: Mapping[str, object], *, dps: int) -> tuple:
        m, b, dim, replacement = _batch_values(values)
        data = [tuple(g) for g in integer_gradients(m, dim)]
        factor = Fraction(str(minibatch_factor(b, m, replacement=replacement)))
        return _as_mpf([factor * c for c in upper_triangle(_covariance(data, 1))], dps)

    def expression(self, values=None) -> str:
        return "C_B = Sigma_1 / B (with replacement), (M - B) / (B (M - 1)) Sigma_1 (without)"


@dataclass(frozen=True)
class MinibatchEnumeration:
    """Estimator (exact): Cov of the batch mean gradient over every batch (ordered B-tuples with
    replacement, B-subsets without), in rational arithmetic; the bound is the rounding to ``dps`` digits."""

    route: ClassVar[str] = "quadrature"  # exact enumeration of the defining expectation over batches

    def __call__(self, values: Mapping[str, object], *, rng=None, n=None, dps: int = 30) -> Estimate:
        m, b, dim, replacement = _batch_values(values)
        data = integer_gradients(m, dim)
        batches = (itertools.product(range(m), repeat=b) if replacement else itertools.combinations(range(m), b))
        sums = [tuple(sum(data[i][j] for i in batch) for j in range(dim)) for batch in batches]
        value = _as_mpf(upper_triangle(_covariance(sums, b)), dps)
        with mpmath.workdps(dps):
            bound = tuple(abs(v) * mpmath.mpf(10) ** (1 - dps) for v in value)
        how = "ordered B-tuples with replacement" if replacement else "B-subsets without replacement"
        return Estimate(value, bound=bound, dps=dps,
                        method=f"enumeration of all {len(sums)} {how} of M = {m} samples, exact rationals")
