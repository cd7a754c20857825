"""The one chunked Monte Carlo mean: exact chunk merging, standard error, float64 rounding floor."""

from __future__ import annotations

from typing import Callable

import numpy as np

from theory import InvalidArgument

from ._arrays import check_rng
from ._estimate import Estimate, seed_of

__all__ = ["chunked_mean", "CHUNK"]

CHUNK = 1 << 18


def chunked_mean(sample: Callable[[np.random.Generator, int], np.ndarray], *, rng: np.random.Generator, n: int,
                 chunk: int = CHUNK, method: str) -> Estimate:
    """Mean of n draws of each row of ``sample(rng, k)`` (shape rows x k), with standard errors.

    Draws come ``chunk`` at a time, so memory stays at rows x chunk floats; chunk
    results are merged exactly (Chan et al.'s pairwise update). The standard error
    includes, in quadrature, a float64 rounding floor (log2(chunk) + chunks + 4) *
    eps * mean|value| (pairwise summation within a chunk, the chunk merges, a few
    ulps per evaluation), so nearly constant samples do not claim more precision
    than float64 holds.
    """
    rng = check_rng(rng)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise InvalidArgument("n", n, "an integer >= 2")
    if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 2:
        raise InvalidArgument("chunk", chunk, "an integer >= 2")
    count, mean, m2, total_abs = 0, 0.0, 0.0, 0.0
    for start in range(0, int(n), chunk):
        k = min(chunk, int(n) - start)
        vals = np.asarray(sample(rng, k), dtype=float)
        total_abs = total_abs + np.abs(vals).sum(axis=1)
        m = vals.mean(axis=1)
        d = m - mean
        total = count + k
        mean = mean + d * (k / total)
        m2 = m2 + ((vals - m[:, None]) ** 2).sum(axis=1) + d * d * (count * k / total)
        count = total
    chunks = -(-count // chunk)
    floor = (np.log2(min(chunk, count)) + chunks + 4) * np.finfo(float).eps * (total_abs / count)
    se = np.sqrt(m2 / (count - 1) / count + floor**2)
    return Estimate(tuple(np.atleast_1d(mean).tolist()), std_error=tuple(np.atleast_1d(se).tolist()),
                    n_samples=count, method=method, seed=seed_of(rng))
