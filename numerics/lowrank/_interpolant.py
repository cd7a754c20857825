r"""The interpolant's mechanism (our note, section 3.3; derived by us): the residual carries the network's first-order
response to the spike, r_i ~ r^B_i + zeta z_i c with c = gamma (a o mu)^T W q, so

    z^T r = beta zeta c ||z||^2 + eps,   beta = 1 at leading order,

where eps = z^T r^B (the bulk residual is independent of z) is mean-zero noise of size sqrt(n) rms(r). Since
||S12|| = (gamma zeta / n) |z^T r| ||mu||, this is what sets S12's drift; c itself is a random sum over the neurons
(random signs a), so the law is tested by regressing z^T r on x = zeta c ||z||^2 over independent draws (least
squares through the origin) rather than through a log-slope of ||S12||, whose spread the random c dominates.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import ClassVar, Mapping

import numpy as np

from theory import InvalidArgument

from .._arrays import draw_seeds
from .._draws import map_draws
from .._estimate import Estimate, seed_of
from ._setup import Setup

__all__ = ["InterpolantResponse"]


@dataclass(frozen=True)
class InterpolantResponse:
    """Estimator: the least-squares slope beta of z^T r on zeta c ||z||^2 over ``n`` independent draws.

    Reads ``n, d, m, nu, alpha`` and ``target_mean`` from the claim's values. The standard error is the
    regression's (residual spread over sqrt(sum x^2)), with n - 1 degrees of freedom.
    """

    route = "simulation"

    setup: Setup
    maps_draws: ClassVar[bool] = True

    def pair(self, values: Mapping[str, object], seed: int) -> tuple[float, float]:
        """(x, y) = (zeta c ||z||^2, z^T r) for one draw."""
        problem = self.setup.problem({**values, "seed": seed})
        vec = problem.vectors()
        data = problem.data
        c = vec.gamma * float(vec.am @ (problem.W @ data.q))
        return data.zeta * c * float(data.z @ data.z), vec.zr

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        if not isinstance(n, (int, np.integer)) or n < 3:
            raise InvalidArgument("n", n, "at least 3 independent draws (a slope and its error)")
        xy = np.array(map_draws(partial(self.pair, values), draw_seeds(rng, n)))
        x, y = xy[:, 0], xy[:, 1]
        sxx = float(x @ x)
        beta = float(x @ y) / sxx
        spread = float(np.sqrt(np.sum((y - beta * x) ** 2) / (n - 1)))
        return Estimate((beta,), std_error=(spread / np.sqrt(sxx),), n_samples=int(n), dof=int(n) - 1,
                        seed=seed_of(rng),
                        method=f"least-squares slope of z^T r on zeta c ||z||^2 through the origin over {n} draws of "
                               f"{self.setup.describe()}")
