r"""How often a spectral picture of G holds over independent draws (the paper's Figure 1 and 2 statements).

A figure shows one draw; its caption states what is typically seen. We read a
caption as a statement about the probability, over the data, weights and
targets, that an explicit criterion on G's top singular triplets holds, and
estimate that probability by the frequency over independent draws (each from
its own seed, spawned from the look's generator). The criteria are **ours**
(our note, sections 5.1, 5.2 and 6 items 10-13): with u_k the left singular
vectors and sigma_k the singular values of G, res = X_B^T r / ||X_B^T r||, q the
spike direction, and "aligned" meaning |cos| > 1/sqrt 2 (the vector's part along
the direction exceeds its part orthogonal to it):

* ``single_residue_spike``: u_1 is residue-aligned, sigma_1 >= 2 sigma_2 (one
  outlier), and ||S2|| < sigma_2 (the data spike's line lies inside G's bulk,
  as the blue line of the paper's Figure 1 would);
* ``two_spikes``: ||S1|| and ||S2|| both exceed sigma_3 (both lines lie above
  G's bulk, whose top is sigma_3 once two spikes stand out), and the span of u_1,
  u_2 holds q: ||P q|| > 1/sqrt 2 (the second outlier is the data spike);
* ``residue_outlier``: u_1 is residue-aligned and sigma_1 >= 2 sigma_2, without
  the condition on S2's line (for spike-aligned all-ones weights S2's right
  vector is nearly parallel to S1's, so the two merge into the one outlier;
  note, section 3.3);
* ``spike_on_top``: u_1 is q-aligned and sigma_1 >= 2 sigma_2;
* ``relu_suppressed``: on one draw of data, weights and targets, sigma_1/sigma_2
  of G for ReLU is smaller than for every comparison activation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import partial
from typing import ClassVar, Mapping

import numpy as np

from theory import InvalidArgument

from .._arrays import draw_seeds
from .._draws import map_draws
from .._estimate import Estimate, seed_of
from ._setup import Setup

__all__ = ["CRITERIA", "CUTS", "USES", "FigureFrequency", "ActivationComparison", "criterion_holds", "cuts_of"]

#: The criteria's chosen cuts (pre-registered; a claim may set them through its values, see :func:`cuts_of`):
#: |cos| above ALIGNED is "aligned", a singular value at least OUTLIER_ONE times the next is "an outlier".
ALIGNED = 1 / math.sqrt(2)
OUTLIER_ONE = 2.0
#: sigma_2 < RANK_ONE * sigma_1: "effectively rank one" (our note, section 6 item 18).
RANK_ONE = 0.1
CUTS = {"aligned": ALIGNED, "outlier": OUTLIER_ONE, "rank_one": RANK_ONE}


def cuts_of(values: Mapping[str, object]) -> dict[str, float]:
    """The criteria's cuts: the claim's values where it sets them, else the defaults in :data:`CUTS`."""
    return {k: float(values.get(k, v)) for k, v in CUTS.items()}


def _norm(rank_one: np.ndarray) -> float:
    """Spectral norm of a rank-one matrix (= its Frobenius norm)."""
    return float(np.linalg.norm(rank_one))


def _single_residue_spike(dec, q, c) -> bool:
    sv = dec.singular_values
    return bool(dec.res_alignment[0] > c["aligned"] and sv[0] >= c["outlier"] * sv[1] and _norm(dec.S2) < sv[1])


def _two_spikes(dec, q, c) -> bool:
    sv, U = dec.singular_values, dec.U[:, :2]
    above = _norm(dec.S1) > sv[2] and _norm(dec.S2) > sv[2]
    return bool(above and np.linalg.norm(U.T @ q) > c["aligned"])


def _residue_outlier(dec, q, c) -> bool:
    sv = dec.singular_values
    return bool(dec.res_alignment[0] > c["aligned"] and sv[0] >= c["outlier"] * sv[1])


def _spike_on_top(dec, q, c) -> bool:
    sv = dec.singular_values
    return bool(dec.spike_alignment[0] > c["aligned"] and sv[0] >= c["outlier"] * sv[1])


CRITERIA = {
    "single_residue_spike": (_single_residue_spike, "u1 residue-aligned (|u1.res| > 1/sqrt 2), sigma1 >= 2 sigma2, "
                                                    "and ||S2|| < sigma2 (S2 inside the bulk)"),
    "two_spikes": (_two_spikes, "||S1|| > sigma3 and ||S2|| > sigma3 (both above the bulk), and span(u1, u2) "
                                "holds q (||P q|| > 1/sqrt 2)"),
    "residue_outlier": (_residue_outlier, "u1 residue-aligned (|u1.res| > 1/sqrt 2) and sigma1 >= 2 sigma2"),
    "spike_on_top": (_spike_on_top, "u1 q-aligned (|u1.q| > 1/sqrt 2) and sigma1 >= 2 sigma2"),
}


#: The cuts each criterion reads (a claim declares exactly these as its thresholds).
USES = {"single_residue_spike": ("aligned", "outlier"), "two_spikes": ("aligned",),
        "residue_outlier": ("aligned", "outlier"), "spike_on_top": ("aligned", "outlier")}


def criterion_holds(name: str, problem, cuts: Mapping[str, float] | None = None) -> bool:
    """Whether criterion ``name`` holds for one drawn :class:`Problem` (``cuts``: see :func:`cuts_of`)."""
    if name not in CRITERIA:
        raise InvalidArgument("criterion", name, f"one of {', '.join(CRITERIA)}")
    return CRITERIA[name][0](problem.decomposition(k=3), problem.data.q, cuts_of(cuts or {}))


@dataclass(frozen=True)
class FigureFrequency:
    """Estimator: the frequency, over ``n`` independent draws, with which ``criterion`` holds for ``setup``."""

    route = "simulation"

    setup: Setup
    criterion: str

    def __post_init__(self) -> None:
        if self.criterion not in CRITERIA:
            raise InvalidArgument("criterion", self.criterion, f"one of {', '.join(CRITERIA)}")

    def describe(self) -> str:
        return CRITERIA[self.criterion][1]

    maps_draws: ClassVar[bool] = True  # its draws go through numerics.map_draws

    def holds(self, values: Mapping[str, object], seed: int) -> bool:
        """Whether the criterion holds on the draw of ``seed``."""
        return criterion_holds(self.criterion, self.setup.problem({**values, "seed": seed}), cuts_of(values))

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        hits = sum(map_draws(partial(self.holds, values), draw_seeds(rng, n)))
        return Estimate.frequency((hits,), int(n), method=f"{n} independent draws of {self.setup.describe()}; "
                                  f"criterion: {self.describe()}", seed=seed_of(rng))


@dataclass(frozen=True)
class ActivationComparison:
    """Estimator: how often sigma1/sigma2 of G is smaller for ``setup``'s activation than for each of ``others``,
    all on the same draw of data, weights and targets."""

    route = "simulation"

    setup: Setup
    others: tuple[str, ...]

    @staticmethod
    def ratio(problem, activation: str, preactivations=None) -> float:
        """sigma1/sigma2 of G on ``problem``'s draw, with the network's activation set to ``activation``
        (``preactivations``: ``problem.preactivations()``, to share them between activations)."""
        own = problem.setup
        setup = own if activation == own.activation else replace(own, activation=activation, activation_params=())
        dec = replace(problem, setup=setup).decomposition(k=2, preactivations=preactivations)
        return float(dec.singular_values[0] / dec.singular_values[1])

    maps_draws: ClassVar[bool] = True

    def holds(self, values: Mapping[str, object], seed: int) -> bool:
        """Whether the setup's activation has the smallest ratio on the draw of ``seed`` (data, weights, targets);
        the activations share the draw's pre-activations H = X W^T."""
        problem = self.setup.problem({**values, "seed": seed})
        shared = problem.preactivations()
        mine = self.ratio(problem, self.setup.activation, shared)
        return all(mine < self.ratio(problem, other, shared) for other in self.others)

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        hits = sum(map_draws(partial(self.holds, values), draw_seeds(rng, n)))
        return Estimate.frequency((hits,), int(n), method=f"{n} independent draws; sigma1/sigma2 of "
                                  f"{self.setup.activation} below {', '.join(self.others)}", seed=seed_of(rng))
