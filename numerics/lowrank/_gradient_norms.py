"""A claims-file estimator of the low-rank pack: a statistic of the gradient decomposition's spectral norms.

:class:`GradientNorms` is the mean over independent draws of a parsed formula (:func:`theory.parse_formula`) of
||G|| = sigma_1, sigma_2, ||S1||, ||S12||, ||S2||, ||E||, e.g. ``S2/S1``, with a Student-t standard error. Each
claim component (one position of its swept parameters, see :func:`theory.components`) is estimated from the same
draws (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import ClassVar, Mapping

import numpy as np

from theory import Formula, InvalidArgument, NoConvergence, activation, components

from .._arrays import draw_seeds
from .._draws import map_draws
from ._decomposition import MU_MODES
from .._estimate import Estimate, seed_of
from ._setup import Setup
from ._network import LOSSES, SCALINGS
from ._targets import TARGETS
from ._weights import WEIGHTS

__all__ = ["GradientNorms", "GRADIENT_NORMS", "GRADIENT_PARAMETERS"]


#: The spectral norms a :class:`GradientNorms` statistic may use.
GRADIENT_NORMS = ("G", "sigma2", "S1", "S12", "S2", "E")

#: Parameters a :class:`GradientNorms` claim must declare (``alpha`` and ``target_mean`` are optional).
GRADIENT_PARAMETERS = ("n", "d", "m", "nu")


def _norms(setup: Setup, values: Mapping[str, object], seed: int, used: tuple[str, ...]) -> dict[str, float]:
    dec = setup.problem({**values, "seed": seed}).decomposition(k=2)
    norms = {"G": float(dec.singular_values[0]), "sigma2": float(dec.singular_values[1]),
             "S1": float(np.linalg.norm(dec.S1)), "S12": float(np.linalg.norm(dec.S12)),
             "S2": float(np.linalg.norm(dec.S2))}  # rank one: Frobenius norm = spectral norm
    if "E" in used:
        norms["E"] = float(np.linalg.norm(dec.E, 2))
    return norms


@dataclass(frozen=True)
class GradientNorms:
    """Estimator callable: mean over ``n`` independent draws of ``statistic`` of the gradient's spectral norms.

    ``statistic`` is a Formula over :data:`GRADIENT_NORMS` (and the claim's
    parameters); the problem is :class:`Setup`'s, built from the claim's
    ``n, d, m, nu`` (and ``alpha``, ``target_mean`` if declared) and one seed per draw.
    """

    statistic: Formula
    maps_draws: ClassVar[bool] = True  # its draws go through numerics.map_draws
    setup: Setup

    def __post_init__(self) -> None:
        s = self.setup
        for name, value, allowed in (("weights", s.weights, WEIGHTS), ("target", s.target, TARGETS),
                                     ("loss", s.loss, tuple(LOSSES)), ("mu", s.mu, MU_MODES)):
            if value not in allowed:
                raise InvalidArgument(name, value, f"one of {', '.join(allowed)}")
        if s.scaling not in SCALINGS:
            raise InvalidArgument("scaling", s.scaling, f"one of {', '.join(SCALINGS)}")
        activation(s.activation, **dict(s.activation_params))
        if not set(self.statistic.used) & set(GRADIENT_NORMS):
            raise InvalidArgument("statistic", self.statistic.text,
                                  f"a formula using some of {', '.join(GRADIENT_NORMS)}")

    def column(self, comps: list, seed: int) -> list[float]:
        """The statistic at each component of the claim, on the draw of ``seed``."""
        used = self.statistic.used
        return [float(self.statistic.numpy({**c, **_norms(self.setup, c, seed, used)})) for c in comps]

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
            raise InvalidArgument("n", n, "at least 2 independent draws (a standard error needs two)")
        comps = components(values)
        rows = np.array(map_draws(partial(self.column, comps), draw_seeds(rng, n)), dtype=float).T
        if not np.all(np.isfinite(rows)):
            raise NoConvergence(f"statistic {self.statistic.text!r} is not finite on some draw")
        se = rows.std(axis=1, ddof=1) / np.sqrt(n)
        return Estimate(tuple(rows.mean(axis=1).tolist()), std_error=tuple(se.tolist()), n_samples=int(n),
                        method=f"mean of {self.statistic.text} over {n} independent draws ({self.setup.describe()})",
                        seed=seed_of(rng), dof=int(n) - 1)
