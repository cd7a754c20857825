r"""Predictions and Monte Carlo estimators for the statistical low-rank-gradient claims.

All **derived** by us (our note, sections 2.2 and 3.4):

* per-neuron population mu_j = E[sigma'(w_j^T x)] = E[sigma'(s_j Z)], x ~ N(0, Sigma_hat + zeta^2 q q^T),
  against the mean of sigma'(w_j^T x) over fresh x (:class:`PopulationMu`, :class:`PopulationMuMC`);
* the residue spike with the empirical mu_hat: ||S1|| = (gamma/n) ||X_B^T r|| ||mu_hat|| exactly, and
  E||mu_hat||^2 = ||mu||^2 + (1/n) sum_j Var sigma'(s_j Z) for n i.i.d. rows, so
  E[(||S1|| / ((gamma/n) ||X_B^T r||))^2] = ||mu||^2 + (1/n) sum_j Var sigma'(s_j Z)
  (:class:`EmpiricalResidueSpike`, :class:`EmpiricalResidueSpikeMC`);
* Gaussian moments by direct sampling (:class:`GaussianMomentsMC`): E sigma'(sZ);
  Var sigma'(sZ) by independent pairs, E[(sigma'(sZ_1) - sigma'(sZ_2))^2] / 2 (an
  unbiased mean of i.i.d. terms, so its standard error is calibrated even where the
  plug-in variance is degenerate, as for ReLU's Bernoulli sigma'); E sigma''(sZ) by
  Stein's identity, E[Z sigma'(sZ)] / s.

The predictions sit here rather than in ``theory`` because they depend on the
weights drawn from the claim's seed (theory never samples); the mathematics they
use, the Gaussian moments, comes from ``theory.gaussian_moment_value``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

import mpmath
import numpy as np

from theory import GUARD_DIGITS, InvalidArgument, gaussian_moment_value, split_parameters

from ._decomposition import gradient_vectors
from .._estimate import Estimate
from ._setup import Setup
from ._network import network
from ._population import population_scales
from .._sampling import Rows, chunked_mean
from ._spiked import SpikedData
from ._targets import target

__all__ = ["PopulationMu", "PopulationMuMC", "EmpiricalResidueSpike", "EmpiricalResidueSpikeMC",
           "GaussianMomentsMC", "MC_QUANTITIES"]


def _scales(setup: Setup, values) -> tuple[np.ndarray, object]:
    p = setup.problem(values)
    return population_scales(p.W, p.data.bulk, p.data.q, p.data.zeta), p


def _moments(setup: Setup, scales: np.ndarray, quantity: str, dps: int):
    params = dict(setup.activation_params)
    return [gaussian_moment_value(setup.activation, quantity, scale=float(s), dps=dps, **params) for s in scales]


@lru_cache(maxsize=16)
def _cached_moments(setup: Setup, key: tuple, quantities: tuple[str, ...], dps: int) -> tuple:
    """:func:`_neuron_moments` at the values ``key`` (their sorted items), kept for the next call."""
    scales = _scales(setup, dict(key))[0]
    return tuple(tuple(_moments(setup, scales, q, dps)) for q in quantities)


def _neuron_moments(setup: Setup, values, quantities: tuple[str, ...], dps: int) -> tuple:
    """Per quantity, its value with an error bound at every neuron of the problem drawn from ``values``. A
    prediction's value and its error bound read the same moments (arbitrary precision, seconds for a smooth
    activation), so they are computed once per process for each ``values``."""
    key = tuple(sorted(values.items()))
    try:
        hash(key)
    except TypeError:  # a value that cannot be a cache key (an array): computed uncached
        scales = _scales(setup, values)[0]
        return tuple(tuple(_moments(setup, scales, q, dps)) for q in quantities)
    return _cached_moments(setup, key, quantities, dps)


@dataclass(frozen=True)
class PopulationMu:
    """Prediction callable: mu_j = E[sigma'(s_j Z)] for every neuron of the problem drawn from the values."""

    setup: Setup

    def expression(self, values=None) -> str:
        return "mu_j = E[sigma'(s_j Z)], s_j^2 = w_j^T Sigma_hat w_j + zeta^2 (w_j^T q)^2"

    def __call__(self, values, *, dps: int) -> tuple:
        return tuple(k.value for k in _neuron_moments(self.setup, values, ("mean_derivative",), dps)[0])

    def errors(self, values, *, dps: int) -> tuple:
        return tuple(k.error for k in _neuron_moments(self.setup, values, ("mean_derivative",), dps)[0])


@dataclass(frozen=True)
class PopulationMuMC:
    """Estimator callable: the mean of sigma'(w_j^T x) over n fresh x ~ N(0, Sigma_hat + zeta^2 q q^T)."""

    route = "simulation"

    setup: Setup
    chunk: int = 1 << 14

    def __call__(self, values, *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        p = self.setup.problem(values)
        data, dsigma = p.data, p.network.dsigma

        def sample(g: np.random.Generator, k: int) -> np.ndarray:
            X = data.bulk.sample(k, rng=g)
            spike = np.outer(g.standard_normal(k), data.q)
            spike *= data.zeta
            X += spike                             # in place: X_B + zeta z q^T
            return dsigma(p.W @ X.T)

        return chunked_mean(sample, rng=rng, n=n, chunk=self.chunk,
                            method="Monte Carlo mean of sigma'(w_j^T x) over fresh spiked Gaussian x (float64)")


@dataclass(frozen=True)
class EmpiricalResidueSpike:
    """Prediction callable: E[(||S1|| / ((gamma/n)||X_B^T r||))^2] = ||mu||^2 + (1/n) sum_j Var sigma'(s_j Z)."""

    setup: Setup

    def expression(self, values=None) -> str:
        return "||mu||^2 + (1/n) sum_j Var sigma'(s_j Z)"

    def _parts(self, values, dps):
        mu, var = _neuron_moments(self.setup, values, ("mean_derivative", "variance_derivative"), dps)
        return mu, var, int(values["n"])

    def __call__(self, values, *, dps: int) -> tuple:
        mu, var, n = self._parts(values, dps)
        with mpmath.workdps(dps + GUARD_DIGITS):
            return (sum(k.value**2 for k in mu) + sum(k.value for k in var) / n,)

    def errors(self, values, *, dps: int) -> tuple:
        mu, var, n = self._parts(values, dps)
        with mpmath.workdps(dps + GUARD_DIGITS):
            return (sum(2 * abs(k.value) * k.error + k.error**2 for k in mu) + sum(k.error for k in var) / n,)


@dataclass(frozen=True)
class EmpiricalResidueSpikeMC:
    """Estimator callable: (||S1|| / ((gamma/n)||X_B^T r||))^2 over fresh datasets of n rows (fixed W, a, q, Sigma_hat).

    Each replicate draws new X_B, z and targets and runs :func:`gradient_vectors` (the decomposition's vectors, S1
    formed from them) with ``mu="empirical"``.
    """

    route = "simulation"

    setup: Setup

    def __call__(self, values, *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        base = self.setup.problem(values)
        rows = int(values["n"])

        def one(g: np.random.Generator) -> float:
            d = base.data
            X_B, z = d.bulk.sample(rows, rng=g), g.standard_normal(rows)
            data = SpikedData(X_B, z, d.q, d.zeta, d.bulk, d.nu)
            y = target(data, self.setup.target, rng=g)
            dec = gradient_vectors(X_B, z, d.q, d.zeta, base.W, base.a, y, activation=self.setup.activation,
                                   scaling=self.setup.scaling, mu="empirical",
                                   activation_params=dict(self.setup.activation_params))
            return (np.linalg.norm(dec.S1) / (dec.gamma / rows * np.linalg.norm(dec.residue))) ** 2

        return chunked_mean(lambda g, k: np.array([[one(g) for _ in range(k)]]), rng=rng, n=n, chunk=256,
                            method="Monte Carlo over fresh datasets: (||S1|| / ((gamma/n)||X_B^T r||))^2, "
                                   "S1 with the empirical mu")


MC_QUANTITIES = ("mean_derivative", "variance_derivative", "mean_second_derivative")


@dataclass(frozen=True)
class GaussianMomentsMC:
    """Estimator callable: Monte Carlo of several moments of sigma'(sZ), concatenated quantity by quantity."""

    route = "simulation"

    activation: str
    quantities: tuple[str, ...]

    def __post_init__(self) -> None:
        for q in self.quantities:
            if q not in MC_QUANTITIES:
                raise InvalidArgument("quantity", q, f"one of {', '.join(MC_QUANTITIES)}")

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        scales, own = split_parameters(self.activation, values)
        s = np.asarray(scales).reshape(-1, 1)
        act = network(np.ones((1, 1)), np.ones(1), activation=self.activation, **own)

        def rows(z1: np.ndarray, z2: np.ndarray, q: str, sub: np.ndarray) -> np.ndarray:
            d1 = act.dsigma(sub * z1)
            if q == "mean_derivative":
                return d1
            if q == "variance_derivative":
                return (d1 - act.dsigma(sub * z2)) ** 2 / 2
            return z1 * d1 / sub

        def block(z1: np.ndarray, z2: np.ndarray, lo: int, hi: int) -> np.ndarray:
            """Rows lo..hi-1 of the quantities stacked one after another, len(s) rows each."""
            parts = []
            for i, q in enumerate(self.quantities):
                a, b = max(lo - i * len(s), 0), min(hi - i * len(s), len(s))
                if a < b:
                    parts.append(rows(z1, z2, q, s[a:b]))
            return np.vstack(parts)

        def sample(g: np.random.Generator, k: int) -> Rows:
            z1, z2 = g.standard_normal(k), g.standard_normal(k)
            return Rows(len(self.quantities) * len(s), lambda lo, hi: block(z1, z2, lo, hi))

        return chunked_mean(sample, rng=rng, n=n, method="Monte Carlo: sigma'(sZ); pairs (sigma'(sZ1) - sigma'(sZ2))^2"
                            "/2 for the variance; Stein Z sigma'(sZ)/s for E sigma''")
