r"""Where a gradient term overtakes S1, located from simulations: the root in nu of the ratio's exponent of n.

At fixed nu the ratio ||S2||/||S1|| (or ||S12||/||S1||) behaves like C(nu) n^(e(nu)); the spike strength at
which it crosses 1 at size n, nu_c(n), solves log C + e(nu_c) log n = 0, so as n grows the crossings converge
to the root of e, whatever C is. This estimator measures e directly, as the log-slope along a ladder of sizes
(:class:`ScalingSlope`, the same draws at every nu of the grid), and returns the root of the mean slope in nu,
interpolated linearly between the two adjacent grid points where the mean slope changes sign (or extrapolated
from the two grid points nearest to 0 when it does not change sign). Its standard error is the delta method's
over the independent draws (the linearised root of each draw), with n_draws - 1 degrees of freedom.
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
from ._scaling import ScalingSlope

__all__ = ["BoundaryRoot"]


def _bracket(mean: np.ndarray) -> int:
    """Index a of the grid pair (a, a + 1) used for the root: the first sign change, else the pair nearest 0."""
    change = np.flatnonzero(np.sign(mean[:-1]) != np.sign(mean[1:]))
    if change.size:
        return int(change[0])
    return int(np.argmin(np.abs(mean[:-1]) + np.abs(mean[1:])))


@dataclass(frozen=True)
class BoundaryRoot:
    """Estimator: the nu at which ``quantity``'s exponent of n crosses 0, from slopes over ``grid`` (increasing nu).

    Reads the values :class:`ScalingSlope` reads; ``nu`` is replaced by each grid point.
    """

    route = "simulation"

    slope: ScalingSlope
    grid: tuple[float, ...]
    maps_draws: ClassVar[bool] = True

    def __post_init__(self) -> None:
        grid = np.asarray(self.grid, dtype=float)
        if grid.ndim != 1 or grid.size < 2 or not np.all(np.diff(grid) > 0) or grid[0] < 0:
            raise InvalidArgument("nu grid", self.grid, "at least two increasing spike exponents nu >= 0")
        if len(self.slope.quantities) != 1:
            raise InvalidArgument("quantities", self.slope.quantities, "exactly one ratio")

    def slopes(self, values: Mapping[str, object], seed: int) -> np.ndarray:
        """The quantity's log-slope at every grid point, for one draw (one seed)."""
        return np.array([self.slope.slopes({**values, "nu": float(v)}, seed)[0] for v in self.grid])

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        if isinstance(n, (int, np.integer)) and n == 1:
            raise InvalidArgument("n", n, "at least 2 independent draws (a standard error needs two)")
        S = np.array(map_draws(partial(self.slopes, values), draw_seeds(rng, n)))  # draws x grid
        mean = S.mean(0)
        a = _bracket(mean)
        nu_a, nu_b = self.grid[a], self.grid[a + 1]
        sa, sb = mean[a], mean[a + 1]
        if sb == sa:
            raise InvalidArgument("nu grid", self.grid, "grid points where the measured exponents differ")
        step = nu_b - nu_a
        root = nu_a - sa * step / (sb - sa)
        ga, gb = -step * sb / (sb - sa) ** 2, step * sa / (sb - sa) ** 2
        influence = ga * (S[:, a] - sa) + gb * (S[:, a + 1] - sb)
        return Estimate((float(root),), std_error=(float(influence.std(ddof=1) / np.sqrt(n)),), n_samples=int(n),
                        dof=int(n) - 1, seed=seed_of(rng),
                        method=f"root in nu of the mean log-slope of {self.slope.quantities[0]} over {n} draws, "
                               f"between nu = {nu_a:g} and {nu_b:g} (grid {tuple(self.grid)}), delta-method error")
