"""Monte Carlo estimates of Gaussian expectations E[g(sZ)], Z ~ N(0, 1)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np

from theory import InvalidArgument, POSITIVE, activation, gaussian_integrand, split_parameters

from ._estimate import Estimate, seed_of

__all__ = ["gaussian_expectation_mc", "GaussianMomentMC"]

_CHUNK = 1 << 18


def gaussian_expectation_mc(
    g: Callable[[np.ndarray], np.ndarray],
    scales: Sequence[float],
    *,
    rng: np.random.Generator,
    n: int,
    chunk: int = _CHUNK,
) -> Estimate:
    """Sample mean of g(s Z_i), i = 1..n, at every scale s, with its standard error.

    The same draws Z_i serve every scale (common random numbers). Memory stays
    at ``len(scales) * chunk`` floats whatever n is; chunk results are combined
    exactly (Chan et al.'s pairwise update), so the estimate depends on the
    chunk size only through float rounding. The standard error includes, in
    quadrature, a float64 rounding floor (log2(chunk) + chunks + 4) * eps * mean|g|
    (pairwise summation within a chunk, the chunk updates, and a few ulps per
    evaluation of g), so a sample of nearly constant values does not claim more
    precision than float64 holds.

    >>> est = gaussian_expectation_mc(np.square, [1.0], rng=np.random.default_rng(0), n=100_000)
    >>> abs(est.value[0] - 1) < 5 * est.std_error[0]
    True
    """
    if not isinstance(rng, np.random.Generator):
        raise InvalidArgument("rng", type(rng).__name__, "a numpy.random.Generator")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise InvalidArgument("n", n, "an integer >= 2")
    if chunk < 2:
        raise InvalidArgument("chunk", chunk, "an integer >= 2")
    s = np.asarray(scales, dtype=float).reshape(-1, 1)
    POSITIVE.validate("scales", tuple(s.ravel().tolist()))
    count, mean, m2, total_abs = 0, np.zeros(len(s)), np.zeros(len(s)), np.zeros(len(s))
    for start in range(0, int(n), chunk):
        z = rng.standard_normal(min(chunk, int(n) - start))
        vals = np.asarray(g(s * z), dtype=float)
        total_abs += np.abs(vals).sum(axis=1)
        k, m = z.size, vals.mean(axis=1)
        d = m - mean
        total = count + k
        mean = mean + d * (k / total)
        m2 = m2 + ((vals - m[:, None]) ** 2).sum(axis=1) + d * d * (count * k / total)
        count = total
    chunks = -(-count // chunk)
    floor = (np.log2(min(chunk, count)) + chunks + 4) * np.finfo(float).eps * (total_abs / count)
    se = np.sqrt(m2 / (count - 1) / count + floor**2)
    return Estimate(tuple(mean.tolist()), std_error=tuple(se.tolist()), n_samples=count,
                    method="Monte Carlo sample mean (float64)", seed=seed_of(rng))


@dataclass(frozen=True)
class GaussianMomentMC:
    """Estimator callable: Monte Carlo of E[g(sZ)] for an activation's ``quantity`` at each scale ``params['s']``."""

    activation: str
    quantity: str

    def __call__(self, params: Mapping[str, object], *, rng: np.random.Generator, n: int,
                 dps: int | None = None) -> Estimate:
        scales, own = split_parameters(self.activation, params)
        g = gaussian_integrand(activation(self.activation, **own), self.quantity, "numpy")
        return gaussian_expectation_mc(g, scales, rng=rng, n=n)
