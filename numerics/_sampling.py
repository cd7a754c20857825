"""The one chunked Monte Carlo mean: exact chunk merging, standard error, float64 rounding floor, bounded memory.

Memory: draws come ``chunk`` at a time, and the rows (one per estimated
component) of each chunk are evaluated and reduced a block of rows at a time
when the sampler returns :class:`Rows`, so the working arrays of one call stay
within :data:`MC_CHUNK_BYTES` however many components a sweep has. The block
size depends only on the chunk (never on the machine), and a row's statistics
never depend on the other rows of its block, so a seed gives the same numbers
bit for bit whatever the blocking (and as before blocking existed).

Scale: a row whose values reach 2^500 (or all stay below 2^-500) is summed divided
by a power of two near its largest value (exact), so values anywhere in float64's
range neither overflow nor underflow the sum of squared deviations; all other rows
are summed as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from theory import InvalidArgument

from ._arrays import check_rng
from ._estimate import Estimate, seed_of

__all__ = ["chunked_mean", "CHUNK", "MC_CHUNK_BYTES", "Rows", "row_block"]

#: Draws per chunk unless a caller says otherwise (2^18: 2 MiB per row of float64).
CHUNK = 1 << 18

#: The memory budget of one :func:`chunked_mean` call's working arrays (64 MiB): float64 rows of one chunk,
#: evaluated and reduced a block at a time (:func:`row_block`). Draws (a few vectors of ``chunk`` floats) and
#: a sampler's own temporaries per row come on top.
MC_CHUNK_BYTES = 64 << 20

#: float64 arrays of a row block alive at once while it is reduced: the rows, |rows|, rows - mean, its square.
_COPIES = 4

_ITEM = np.dtype(float).itemsize


@dataclass(frozen=True)
class Rows:
    """One chunk's ``count`` rows of draws, computed on demand: ``evaluate(lo, hi)`` gives rows lo..hi-1
    (shape (hi - lo) x chunk), always from the same draws, so a row never depends on which block it is in."""

    count: int
    evaluate: Callable[[int, int], np.ndarray]


def row_block(chunk: int) -> int:
    """Rows evaluated at once for draws of ``chunk``: as many as :data:`MC_CHUNK_BYTES` holds (at least one).

    >>> row_block(CHUNK), row_block(1 << 12)
    (8, 512)
    """
    return max(1, MC_CHUNK_BYTES // (_COPIES * _ITEM * chunk))


def _check(n: int, chunk: int) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise InvalidArgument("n", n, "an integer >= 2")
    most = MC_CHUNK_BYTES // (_COPIES * _ITEM)
    if isinstance(chunk, bool) or not isinstance(chunk, int) or not 2 <= chunk <= most:
        raise InvalidArgument("chunk", chunk, f"an integer in [2, {most}] (one row within MC_CHUNK_BYTES)")


#: Rows whose first chunk reaches this magnitude (2^500, about 3e150), or stays below its inverse, are summed
#: divided by a power of two near their largest |value| (exact), so squared deviations neither overflow nor
#: underflow; all other rows are summed as they are.
_BIG = 2.0**500


class _Moments:
    """Per-row count, mean, sum of squared deviations and sum of |value|, merged chunk by chunk (Chan et al.),
    of the values divided by a per-row power of two (1 unless the row reaches :data:`_BIG`)."""

    def __init__(self) -> None:
        self.count, self.mean, self.m2, self.total_abs, self.scale = 0, None, None, None, None

    def add(self, rows: Rows, k: int) -> None:
        if self.mean is None:
            self.mean, self.m2, self.total_abs = (np.zeros(rows.count) for _ in range(3))
            self.scale = np.ones(rows.count)
        elif rows.count != self.mean.size:
            raise InvalidArgument("sample", rows.count, f"{self.mean.size} rows in every chunk")
        total, step = self.count + k, row_block(k)
        for lo in range(0, rows.count, step):
            hi = min(lo + step, rows.count)
            vals = np.asarray(rows.evaluate(lo, hi), dtype=float)
            if vals.shape != (hi - lo, k):
                raise InvalidArgument("sample", vals.shape, f"rows x draws = {(hi - lo, k)}")
            vals = self._scaled(vals, lo, hi)
            self.total_abs[lo:hi] = self.total_abs[lo:hi] + np.abs(vals).sum(axis=1)
            m = vals.mean(axis=1)
            d = m - self.mean[lo:hi]
            self.mean[lo:hi] = self.mean[lo:hi] + d * (k / total)
            self.m2[lo:hi] = (self.m2[lo:hi] + ((vals - m[:, None]) ** 2).sum(axis=1)
                              + d * d * (self.count * k / total))
        self.count = total

    def _scaled(self, vals: np.ndarray, lo: int, hi: int) -> np.ndarray:
        if self.count == 0:                        # the first chunk sets each row's scale
            top = np.abs(vals).max(axis=1, initial=0.0)
            far = np.isfinite(top) & ((top >= _BIG) | ((top > 0) & (top <= 1 / _BIG)))
            self.scale[lo:hi][far] = np.exp2(np.ceil(np.log2(top[far])))
        scale = self.scale[lo:hi]
        return vals if np.all(scale == 1) else vals / scale[:, None]


def _rows(drawn) -> Rows:
    if isinstance(drawn, Rows):
        return drawn
    vals = np.asarray(drawn, dtype=float)
    if vals.ndim != 2:
        raise InvalidArgument("sample", vals.shape, "a rows x draws array (or Rows)")
    return Rows(vals.shape[0], lambda lo, hi: vals[lo:hi])


def chunked_mean(sample: Callable[[np.random.Generator, int], object], *, rng: np.random.Generator, n: int,
                 chunk: int = CHUNK, method: str) -> Estimate:
    """Mean of n draws of each row of ``sample(rng, k)`` (rows x k), with standard errors.

    ``sample`` draws k at a time and returns the rows x k array, or :class:`Rows`
    to have them evaluated a block at a time (memory then within
    :data:`MC_CHUNK_BYTES`, whatever the number of rows; an array is held whole).
    Chunk results are merged exactly (Chan et al.'s pairwise update). The standard
    error includes, in quadrature, a float64 rounding floor (log2(chunk) + chunks +
    4) * eps * mean|value| (pairwise summation within a chunk, the chunk merges, a
    few ulps per evaluation), so nearly constant samples do not claim more precision
    than float64 holds.
    """
    rng = check_rng(rng)
    _check(n, chunk)
    moments = _Moments()
    for start in range(0, int(n), chunk):
        k = min(chunk, int(n) - start)
        moments.add(_rows(sample(rng, k)), k)
    count = moments.count
    chunks = -(-count // chunk)
    floor = (np.log2(min(chunk, count)) + chunks + 4) * np.finfo(float).eps * (moments.total_abs / count)
    se = np.sqrt(moments.m2 / (count - 1) / count + floor**2)
    with np.errstate(over="ignore"):               # beyond float64: inf, which Estimate reports as NoConvergence
        mean, se = moments.mean * moments.scale, se * moments.scale
    return Estimate(tuple(np.atleast_1d(mean).tolist()), std_error=tuple(np.atleast_1d(se).tolist()),
                    n_samples=count, method=method, seed=seed_of(rng))
