"""Monte Carlo estimates of Gaussian expectations E[g(sZ)], Z ~ N(0, 1)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np

from theory import POSITIVE, activation, gaussian_integrand, split_parameters

from ._estimate import Estimate
from ._sampling import CHUNK, Rows, chunked_mean

__all__ = ["gaussian_expectation_mc", "GaussianMomentMC"]



def gaussian_expectation_mc(
    g: Callable[[np.ndarray], np.ndarray],
    scales: Sequence[float],
    *,
    rng: np.random.Generator,
    n: int,
    chunk: int = CHUNK,
) -> Estimate:
    """Sample mean of g(s Z_i), i = 1..n, at every scale s, with its standard error.

    The same draws Z_i serve every scale (common random numbers), evaluated a
    block of scales at a time (``g`` must act elementwise); see :func:`chunked_mean`
    for memory, chunk merging and the rounding floor.

    >>> est = gaussian_expectation_mc(np.square, [1.0], rng=np.random.default_rng(0), n=100_000)
    >>> abs(est.value[0] - 1) < 5 * est.std_error[0]
    True
    """
    s = np.asarray(scales, dtype=float).reshape(-1, 1)
    POSITIVE.validate("scales", tuple(s.ravel().tolist()))

    def sample(rng_: np.random.Generator, k: int) -> Rows:
        z = rng_.standard_normal(k)
        return Rows(len(s), lambda lo, hi: g(s[lo:hi] * z))

    return chunked_mean(sample, rng=rng, n=n, chunk=chunk, method="Monte Carlo sample mean (float64)")


@dataclass(frozen=True)
class GaussianMomentMC:
    """Estimator callable: Monte Carlo of E[g(sZ)] for an activation's ``quantity`` at each scale ``params['s']``."""

    route = "simulation"

    activation: str
    quantity: str

    def __call__(self, params: Mapping[str, object], *, rng: np.random.Generator, n: int,
                 dps: int | None = None) -> Estimate:
        scales, own = split_parameters(self.activation, params)
        g = gaussian_integrand(activation(self.activation, **own), self.quantity, "numpy")
        return gaussian_expectation_mc(g, scales, rng=rng, n=n)
