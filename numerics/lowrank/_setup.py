"""A seeded low-rank-gradient problem (data, weights, targets) built from a claim's parameter values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from ._decomposition import (GradientDecomposition, GradientVectors, Preactivations, gradient_decomposition,
                             gradient_vectors, preactivations)
from ._network import Network, network
from ._spiked import SpikedData, spiked_data
from ._targets import target
from ._weights import inner_weights, outer_weights

__all__ = ["Setup", "Problem"]


@dataclass(frozen=True)
class Problem:
    """One draw of spiked data, weights and targets, ready for :func:`gradient_decomposition`."""

    setup: "Setup"
    data: SpikedData
    W: np.ndarray
    a: np.ndarray
    y: np.ndarray

    @property
    def network(self) -> Network:
        return network(self.W, self.a, activation=self.setup.activation, scaling=self.setup.scaling,
                       **dict(self.setup.activation_params))

    def _kwargs(self, overrides: dict) -> dict:
        s = self.setup
        kwargs = dict(activation=s.activation, scaling=s.scaling, loss=s.loss, mu=s.mu, bulk_cov=self.data.bulk,
                      activation_params=dict(s.activation_params))
        kwargs.update(overrides)
        return kwargs

    def decomposition(self, **overrides) -> GradientDecomposition:
        """:func:`gradient_decomposition` of this draw with the setup's choices (``overrides`` replace them)."""
        d = self.data
        return gradient_decomposition(d.X_B, d.z, d.q, d.zeta, self.W, self.a, self.y, **self._kwargs(overrides))

    def vectors(self, **overrides) -> GradientVectors:
        """:func:`gradient_vectors` of this draw: the decomposition's vectors, without its d x m terms and SVD."""
        d = self.data
        return gradient_vectors(d.X_B, d.z, d.q, d.zeta, self.W, self.a, self.y, **self._kwargs(overrides))

    def preactivations(self) -> Preactivations:
        """H = X W^T and the population scales of this draw, to share between activations (``preactivations=``)."""
        d = self.data
        return preactivations(d.X_B, d.z, d.q, d.zeta, self.W, bulk_cov=d.bulk)


@dataclass(frozen=True)
class Setup:
    """The choices of a claim that are not numbers: activation, weights, target, scaling, loss, mu.

    ``problem(values)`` reads the numbers ``n, d, m, nu, alpha, seed`` (and
    ``target_mean`` if present) and draws everything from ``default_rng(seed)``,
    so a claim's exact checks are reproducible from its parameters alone.
    ``spike=False`` sets zeta = 0 (no spike) whatever nu is.
    """

    activation: str = "tanh"
    weights: str = "sphere"
    target: str = "triple_index"
    scaling: str | float = "ntk"
    loss: str = "mse"
    mu: str = "population"
    spike: bool = True
    activation_params: tuple = field(default=())

    def describe(self) -> str:
        return (f"{self.activation}, {self.weights} W, {self.target} target, {self.scaling} scaling, "
                f"{self.loss} loss, {self.mu} mu" + ("" if self.spike else ", zeta = 0"))

    def problem(self, values: Mapping[str, object]) -> Problem:
        n, d, m = (int(values[k]) for k in ("n", "d", "m"))
        rng = np.random.default_rng(int(values["seed"]))
        data = spiked_data(n, d, nu=float(values["nu"]), alpha=float(values.get("alpha", 0.0)), rng=rng)
        if not self.spike:
            data = SpikedData(data.X_B, data.z, data.q, 0.0, data.bulk, None)
        W = inner_weights(m, d, self.weights, rng=rng, q=data.q, n=n)
        a = outer_weights(m, rng=rng)
        y = target(data, self.target, rng=rng, mean=float(values.get("target_mean", 0.0)))
        if self.loss == "logistic":
            y = np.where(y >= np.median(y), 1.0, -1.0)
        return Problem(self, data, W, a, y)
