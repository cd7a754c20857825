r"""The noise block of the two-layer bottleneck with teacher misfit (our note ``weight_fluctuations.md`` section 3.7,
last bullet; B13): Monte Carlo of the per-sample gradient noise against the closed form.

At the balanced rank-K point of a teacher of rank > K (:func:`theory.fluct.bottleneck_problem`) the population
gradient vanishes, so the minibatch noise covariance is E[g g^T] / B. For each block pair (a: dW2 = u_j e_i^T,
b: dW1 = e_i r_j^T) the note derives C_block = (1/B) diag((tau_j^2 + sigma2) s_i, sigma2 s_i): no cross noise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, Mapping

import numpy as np

from theory.fluct import bottleneck_problem

from .._estimate import Estimate, seed_of

__all__ = ["BottleneckNoiseMC"]

#: Samples per chunk (memory stays below ~50 MB).
CHUNK = 1 << 16


def _problem(values: Mapping[str, object]):
    t = tuple(float(v) for v in np.atleast_1d(values["teacher"]))
    return bottleneck_problem(t, int(values["O"]), int(values["N"]), int(values["K"]))


@dataclass(frozen=True)
class BottleneckNoiseMC:
    """Estimator (B13): per block pair, E[g_a^2] / B, E[g_b^2] / B and E[g_a g_b] / B of the per-sample gradient g at
    the bottleneck point (its mean is 0), by Monte Carlo over fresh x ~ N(0, I_N), y = T x + sqrt(sigma2) eps.

    Values ``teacher``, ``O``, ``N``, ``K``, ``sigma2``, ``batch``. Standard errors: sample standard deviation of the
    products over sqrt(n).
    """

    route: ClassVar[str] = "simulation"  # Monte Carlo over fresh samples

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        p = _problem(values)
        W2, W1, T = p.W2, p.W1, p.T
        o, k = W2.shape
        d = W1.shape[1]
        A = np.array([q.a for q in p.pairs]).T
        B = np.array([q.b for q in p.pairs]).T
        noise, batch = math.sqrt(float(values["sigma2"])), int(values["batch"])
        G = W2 @ W1 - T
        sums, squares = np.zeros(3 * len(p.pairs)), np.zeros(3 * len(p.pairs))
        for start in range(0, int(n), CHUNK):
            m = min(CHUNK, int(n) - start)
            x = rng.standard_normal((m, d))
            e = x @ G.T - noise * rng.standard_normal((m, o))
            g2 = (e[:, :, None] * (x @ W1.T)[:, None, :]).reshape(m, o * k)
            g1 = ((e @ W2)[:, :, None] * x[:, None, :]).reshape(m, k * d)
            g = np.hstack([g2, g1])
            ga, gb = g @ A, g @ B
            prod = np.stack([ga * ga, gb * gb, ga * gb], axis=2).reshape(m, -1)
            sums += prod.sum(axis=0)
            squares += (prod * prod).sum(axis=0)
        mean = sums / n
        se = np.sqrt(np.maximum(squares / n - mean ** 2, 0) / (n - 1))
        return Estimate(tuple((mean / batch).tolist()), std_error=tuple((se / batch).tolist()), n_samples=int(n),
                        seed=seed_of(rng), method=f"Monte Carlo over {n} fresh (x, eps) samples: second moments of the "
                        "per-sample gradient along each pair's directions a, b (the mean gradient is 0 there)")
