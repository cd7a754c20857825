r"""Exponents of n measured from a ladder of sizes: the log-slope of a gradient term's size, per independent draw.

For each draw (its own seed, spawned from the look's generator) the problem is
built at every n of the ladder with d = round(delta n), m = round(kappa n) and
zeta = n^nu, and the least-squares slope of log(quantity) against log n is taken.
The estimate is the mean slope over the draws, with its sample standard error
and n_draws - 1 degrees of freedom (Student's t intervals; the draws are
independent, the sizes within one draw are not required to be). Quantities
(our note, section 3.3; derived by us):

* ``S2/S1``: ||S2|| / ||S1||;
* ``S12/S1``: ||S12|| / ||S1|| = zeta |z^T r| / ||X_B^T r||;
* ``S1/(gamma sqrt(m))``: ||S1|| / (gamma_m sqrt m).

Both terms are rank one, so their spectral norms are the exact closed forms
||S1|| = (gamma/n) ||X_B^T r|| ||mu|| and ||S2|| = (gamma zeta / n) ||M^T z||
(note, section 2.3 item 4), computed from the decomposition's vectors.
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

__all__ = ["ScalingSlope", "SCALING_QUANTITIES"]


def _s2_over_s1(dec, n, m) -> float:
    s1 = dec.gamma / n * np.linalg.norm(dec.residue) * np.linalg.norm(dec.mu)
    s2 = dec.gamma * dec.zeta / n * np.linalg.norm(dec.v)
    return s2 / s1


def _s1_normalised(dec, n, m) -> float:
    return np.linalg.norm(dec.residue) / n * np.linalg.norm(dec.mu) / np.sqrt(m)


def _s12_over_s1(dec, n, m) -> float:
    return dec.zeta * abs(dec.zr) / np.linalg.norm(dec.residue)


SCALING_QUANTITIES = {"S2/S1": _s2_over_s1, "S12/S1": _s12_over_s1, "S1/(gamma sqrt(m))": _s1_normalised}


@dataclass(frozen=True)
class ScalingSlope:
    """Estimator: mean log-slope in n of ``quantities`` over ``n`` independent draws along the claim's ladder.

    Reads ``ladder`` (sizes n), ``d_over_n``, ``m_over_n``, ``nu``, ``alpha`` and
    ``target_mean`` from the claim's values.
    """

    route = "simulation"

    setup: Setup
    quantities: tuple[str, ...]
    maps_draws: ClassVar[bool] = True  # its draws go through numerics.map_draws

    def __post_init__(self) -> None:
        bad = [q for q in self.quantities if q not in SCALING_QUANTITIES]
        if bad or not self.quantities:
            raise InvalidArgument("quantities", self.quantities, f"names among {', '.join(SCALING_QUANTITIES)}")

    def slopes(self, values: Mapping[str, object], seed: int) -> np.ndarray:
        """Per quantity, the least-squares slope of its log against log n along the ladder, for one seed."""
        ladder = np.asarray(values["ladder"], dtype=float)
        if ladder.ndim != 1 or ladder.size < 2 or len(set(ladder.tolist())) < 2:
            raise InvalidArgument("ladder", values["ladder"], "at least two distinct sizes n")
        logs = []
        for n in ladder.astype(int):
            d, m = round(float(values["d_over_n"]) * n), round(float(values["m_over_n"]) * n)
            problem = self.setup.problem({**values, "n": n, "d": d, "m": m, "seed": seed})
            dec = problem.vectors()  # the quantities read only the decomposition's vectors
            logs.append([np.log(SCALING_QUANTITIES[q](dec, n, m)) for q in self.quantities])
        x = np.log(ladder) - np.log(ladder).mean()
        return x @ np.asarray(logs) / (x @ x)

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        if isinstance(n, (int, np.integer)) and n == 1:
            raise InvalidArgument("n", n, "at least 2 independent draws (a standard error needs two)")
        seeds = draw_seeds(rng, n)
        slopes = np.array(map_draws(partial(self.slopes, values), seeds))
        return Estimate(tuple(slopes.mean(0).tolist()), std_error=tuple((slopes.std(0, ddof=1) / np.sqrt(n)).tolist()),
                        n_samples=int(n), dof=int(n) - 1, seed=seed_of(rng),
                        method=f"mean log-slope over {n} draws of {self.setup.describe()} along n = "
                               f"{tuple(int(v) for v in values['ladder'])}")
