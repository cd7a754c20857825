r"""The window means of full-batch GD (:func:`numerics.wd._nets.train`): per layer ``||W||^2``, ``<W, g>``, their
per-row and per-column versions, the mean weights and data gradients, ``||g||^2``, and Euler's
``(1/n) sum_i l'_i m_i``, over the last K steps.

:class:`WindowAccumulator` buffers the steps and computes their terms a chunk of steps at a time (a few array
operations per chunk instead of a dozen per step), then adds them over the window step by step in order, exactly as
a per-step loop would (each step's reductions run over the same contiguous elements as one step's own reduction),
so the means do not depend on the chunking.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.special import expit

__all__ = ["WindowStats", "WindowAccumulator", "BUFFER_FLOATS"]

#: Floats buffered per chunk of steps (weights and data gradients of every layer, and the margins): 1 MiB, so that a
#: chunk's arrays stay in cache.
BUFFER_FLOATS = 1 << 17


@dataclass
class WindowStats:
    """Means over the last K GD steps (iterates ``theta_t``, t = T-K .. T-1) of, per layer k: ``sq[k] = ||W_k||^2``,
    ``wg[k] = <W_k, g_k>`` (g the regularised gradient ``G + c_reg lambda W``), ``rows_sq[k]``/``rows_wg[k]`` (per
    row, length m_k) and ``cols_sq[k]``/``cols_wg[k]`` (per column); ``euler = (1/n) sum_i l'_i m_i``;
    ``mean_W[k]``, ``mean_G[k]`` the mean weights and data gradients; ``grad_sq[k] = ||g_k||_F^2``."""

    K: int
    sq: list = field(default_factory=list)
    wg: list = field(default_factory=list)
    rows_sq: list = field(default_factory=list)
    rows_wg: list = field(default_factory=list)
    cols_sq: list = field(default_factory=list)
    cols_wg: list = field(default_factory=list)
    euler: float = 0.0
    mean_W: list = field(default_factory=list)
    mean_G: list = field(default_factory=list)
    grad_sq: list = field(default_factory=list)


_FLOATS = ("sq", "wg", "grad_sq")
_ARRAYS = ("rows_sq", "rows_wg", "cols_sq", "cols_wg", "mean_W", "mean_G")


def _scan_floats(total: float | None, values: np.ndarray) -> float:
    """``((total + v_0) + v_1) + ...`` in Python floats, or ``(v_0 + v_1) + ...`` when there is no total yet."""
    it = iter(values.tolist())
    if total is None:
        total = next(it)
    for v in it:
        total = total + v
    return total


def _scan(total: np.ndarray | None, values: np.ndarray) -> np.ndarray:
    """:func:`_scan_floats` for arrays: the steps (axis 0) added one after another, in place into ``total``."""
    if total is None:
        total, values = values[0].copy(), values[1:]
    for v in values:
        total += v
    return total


class WindowAccumulator:
    """:class:`WindowStats` of GD steps: :meth:`add` each window step's layers (before its update), data gradients
    and margins, then :meth:`result` (the means). ``trained`` flags the layers whose regularised gradient is
    ``G + c lambda W`` (zero for a frozen layer)."""

    def __init__(self, K: int, layers, n: int, trained, lam: float, c: int):
        self.stats = WindowStats(K)
        self.trained, self.decay = tuple(trained), c * lam
        per_step = 2 * sum(W.size for W in layers) + n
        self.chunk = max(1, min(K, BUFFER_FLOATS // per_step))
        self.W = [np.empty((self.chunk,) + W.shape) for W in layers]
        self.G = [np.empty_like(b) for b in self.W]
        self.margins = np.empty((self.chunk, n))
        self.count = 0

    def add(self, layers, G, margins) -> None:
        """Buffer one step (copies; the caller updates its layers in place afterwards)."""
        i = self.count
        for k, (W, Gk) in enumerate(zip(layers, G)):
            self.W[k][i] = W
            self.G[k][i] = Gk
        self.margins[i] = margins
        self.count += 1
        if self.count == self.chunk:
            self.flush()

    def flush(self) -> None:
        """Add the buffered steps' terms to the window sums, in step order."""
        T, stats = self.count, self.stats
        if T == 0:
            return
        first = not stats.sq
        for k in range(len(self.W)):
            W, Gk = self.W[k][:T], self.G[k][:T]
            g = Gk + self.decay * W if self.trained[k] else np.zeros_like(W)
            WW, Wg = W * W, W * g
            floats = (WW.reshape(T, -1).sum(axis=1), Wg.reshape(T, -1).sum(axis=1), (g * g).reshape(T, -1).sum(axis=1))
            arrays = (WW.sum(axis=2), Wg.sum(axis=2), WW.sum(axis=1), Wg.sum(axis=1), W, Gk)
            for names, columns, scan in ((_FLOATS, floats, _scan_floats), (_ARRAYS, arrays, _scan)):
                for name, values in zip(names, columns):
                    sums = getattr(stats, name)
                    if first:
                        sums.append(scan(None, values))
                    else:
                        sums[k] = scan(sums[k], values)
        M = self.margins[:T]
        for v in np.mean(-expit(-M) * M, axis=1).tolist():
            stats.euler += v
        self.count = 0

    def result(self) -> WindowStats:
        """The window means (the sums over the K steps divided by K)."""
        self.flush()
        stats, K = self.stats, self.stats.K
        for name in (*_FLOATS, *_ARRAYS):
            setattr(stats, name, [v / K for v in getattr(stats, name)])
        stats.euler /= K
        return stats
