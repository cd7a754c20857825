r"""How regularizers move the gradient's terms (our note, section 4; derived by us, not the paper's).

* :class:`WeightDecaySpectrum`: the weight-decay gradient lambda W^T of rows uniform
  on the sphere has its singular values in lambda [|sqrt(m/d) - 1|, sqrt(m/d) + 1]
  as m, d grow (Bai-Yin; note, section 4 item 1). Per draw: every singular value
  of W^T lies within the edges widened by the relative slack d^(-1/2), larger
  than the edges' Tracy-Widom fluctuations of order d^(-2/3) (the extremes from
  the Gram matrix's eigenvalues, the SVD's where they sit at an edge).
* :class:`InputNoiseSpike`: expected input noise x -> x + eps, eps ~ N(0, tau^2 I),
  raises each neuron's scale s_j^2 by tau^2 ||w_j||^2; ReLU's S2 drift carries
  E sigma''(sZ) = 1/(s sqrt(2 pi)), so ||S2|| falls (note, section 4 item 2). Per
  draw: ||S2|| / |rbar| with noise of variance tau^2 added to the bulk is below
  its value on the same draw without it (the note's statement is at fixed mean
  residual rbar; for ReLU in NTK rbar itself grows with the scale).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import ClassVar, Mapping

import numpy as np
from scipy.linalg import svdvals

from .._arrays import draw_seeds
from .._draws import map_draws
from .._estimate import Estimate, seed_of
from .._rounding import gamma_k
from ._decomposition import gradient_vectors
from ._setup import Setup
from ._weights import inner_weights

__all__ = ["WeightDecaySpectrum", "InputNoiseSpike"]


@dataclass(frozen=True)
class WeightDecaySpectrum:
    """Estimator: how often every singular value of W^T (rows on the sphere) lies within the widened Bai-Yin edges."""

    route = "simulation"

    maps_draws: ClassVar[bool] = True

    @staticmethod
    def inside(m: int, d: int, lo: float, hi: float, seed: int) -> bool:
        """Whether every singular value of one draw of W^T lies in [lo, hi].

        The extremes come from the eigenvalues of the min(m, d)-square Gram matrix (a BLAS-3 product and a
        symmetric eigensolver, about ten times faster than the SVD of W^T). The Gram route moves an eigenvalue
        by at most ``tol`` (the product's rounding, gamma_k ||W||_F^2 for k = max(m, d), plus the eigensolver's);
        an extreme that close to an edge squared is decided by the full SVD instead, so the answer is the SVD's.
        """
        W = inner_weights(m, d, "sphere", rng=np.random.default_rng(seed))
        gram = W.T @ W if m >= d else W @ W.T
        ev = np.linalg.eigvalsh(gram)
        tol = 2 * gamma_k(max(m, d)) * float(np.sum(W * W)) + 16 * gamma_k(min(m, d)) * float(ev[-1])
        gaps = (float(ev[0]) - lo * lo, hi * hi - float(ev[-1]))
        if min(abs(g) for g in gaps) <= tol:
            sv = svdvals(W.T)
            return bool(sv.min() >= lo and sv.max() <= hi)
        return gaps[0] > 0 and gaps[1] > 0

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        d, m = int(values["d"]), int(values["m"])
        ratio, slack = np.sqrt(m / d), d ** -0.5
        lo, hi = abs(ratio - 1) * (1 - slack), (ratio + 1) * (1 + slack)
        hits = sum(map_draws(partial(self.inside, m, d, lo, hi), draw_seeds(rng, n)))
        return Estimate.frequency((hits,), int(n), seed=seed_of(rng),
                                  method=f"{n} draws of W (m, d) = ({m}, {d}); edges [{lo:.4g}, {hi:.4g}]")


@dataclass(frozen=True)
class InputNoiseSpike:
    """Estimator: how often ||S2|| / |rbar| with input noise of variance ``tau^2`` (in the bulk) is below its value
    on the same draw without noise (rbar the mean residual: the note's statement holds at fixed rbar, and for ReLU
    in NTK the initial mean output, hence rbar, itself grows with the scale)."""

    route = "simulation"

    setup: Setup

    @staticmethod
    def s2(problem, tau: float, noise: np.ndarray | None) -> float:
        """||S2|| / |rbar| = (gamma zeta / n) ||M^T z|| / |mean r| on ``problem``'s draw, its bulk plus ``noise``
        (population mu at Sigma_hat + tau^2 I)."""
        d, s = problem.data, problem.setup
        X_B = d.X_B if noise is None else d.X_B + noise
        dec = gradient_vectors(X_B, d.z, d.q, d.zeta, problem.W, problem.a, problem.y, activation=s.activation,
                               scaling=s.scaling, loss=s.loss, mu=s.mu, bulk_cov=d.bulk.with_noise(tau),
                               activation_params=dict(s.activation_params))
        return float(dec.gamma * dec.zeta / len(dec.r) * np.linalg.norm(dec.v) / abs(dec.r.mean()))

    maps_draws: ClassVar[bool] = True

    def lower(self, values: Mapping[str, object], seed: int) -> bool:
        """Whether noise lowers ||S2|| / |rbar| on the draw of ``seed``."""
        tau = float(values["tau"])
        problem = self.setup.problem({**values, "seed": seed})
        noise = tau * np.random.default_rng([seed, 1]).standard_normal(problem.data.X_B.shape)
        return bool(self.s2(problem, tau, noise) < self.s2(problem, 0.0, None))

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        tau = float(values["tau"])
        hits = sum(map_draws(partial(self.lower, values), draw_seeds(rng, n)))
        return Estimate.frequency((hits,), int(n), seed=seed_of(rng),
                                  method=f"{n} draws of {self.setup.describe()}; tau = {tau}")

