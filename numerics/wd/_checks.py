r"""Estimators of the ``wd`` claims (weight decay's stationary points and model merging; arXiv 2502.17340's setting,
our note ``lowrank_bias_merging.md``). Deterministic: every network is trained from ``data_seed``, and every
estimate carries a *bound*.

Two kinds of bound appear (each derived by us; the proofs are in the docstrings):

* **rounding**: first-order float64 error (Higham's ``gamma_k``) of the computed quantity, from the componentwise
  magnitudes of :func:`numerics.wd._nets.gradient_magnitude`;
* **a-posteriori stationarity**: GD never reaches a stationary point exactly, so an identity that holds at one is
  checked at the trained point with the violation the measured regularised gradient ``g = G + c_reg lambda W``
  permits. For ReLU nets the gradient at a single iterate does not vanish (GD hovers at kinks, note 3.2); there the
  identities are taken over the window means of :class:`numerics.wd._nets.WindowStats`, whose exact GD bookkeeping
  (``<W^t, g^t> = (||W^t||^2 - ||W^(t+1)||^2 + eta^2 ||g^t||^2) / (2 eta)``) makes the bound vanish as the window
  grows and eta shrinks.

A claim PASSes when its residual lies within the bound and the bound is below half its resolution: the identity is
then resolved at that level at the trained point.

This module holds the estimator class :class:`WdCheck` and the table :data:`WD_CHECKS` it looks names up in,
assembled from the checks of each concept: stationary points (``_stationarity``, C1-C8), GD dynamics
(``_dynamics``, C9-C11), low rank (``_low_rank``, C12-C15), merging (``_merging``, C16-C20) and the squared
loss with K outputs (``_squared``: N1, its bound and rank <= K); the set-ups they train are in ``_setups``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from theory import InvalidArgument

from .._estimate import Estimate
from ._dynamics import DYNAMICS_CHECKS
from ._low_rank import LOW_RANK_CHECKS
from ._merging import MAPPED_CHECKS, MERGING_CHECKS
from ._squared import SQUARED_CHECKS
from ._stationarity import STATIONARITY_CHECKS

__all__ = ["WD_CHECKS", "WdCheck", "ROUTES"]

#: How an estimate can be independent of its prediction (the tuple of ``verify._protocols.ROUTES``, repeated here:
#: numerics does not import verify): a simulation of the system (GD training, Monte Carlo), a quadrature, a second
#: code path computing the same quantity another way, or an identity that holds by the definition of our own code.
ROUTES = ("simulation", "quadrature", "second_path", "identity")

WD_CHECKS = {**STATIONARITY_CHECKS, **DYNAMICS_CHECKS, **LOW_RANK_CHECKS, **MERGING_CHECKS, **SQUARED_CHECKS}


@dataclass(frozen=True)
class WdCheck:
    """Estimator of a ``wd`` claim: ``WD_CHECKS[name](values, setups)``, an :class:`Estimate` with a bound.
    ``setups`` pairs each value prefix with its architecture (shallow, shallow_trained_output, linear, relu).

    ``route`` (one of :data:`ROUTES`, required) says how this instance's estimate is independent of the claim's
    prediction; the checks differ in kind (trained networks, a symbolic derivation, two computations of one
    matrix), so each claim declares it for its own check."""

    name: str
    setups: tuple = ()
    route: str = ""
    deterministic = True   # bounds only: an interval claim decided by it spends no false-fail rate

    def __post_init__(self) -> None:
        if self.name not in WD_CHECKS:
            raise InvalidArgument("name", self.name, f"one of {', '.join(sorted(WD_CHECKS))}")
        if self.route not in ROUTES:
            raise InvalidArgument("route", self.route, f"one of {', '.join(ROUTES)} (how the check is independent "
                                                       "of the prediction)")

    @property
    def maps_draws(self) -> bool:
        """Whether the check's independent trainings go through :func:`numerics.map_draws` (C19's seeds), so the
        engine runs its body where it can spread them over the workers."""
        return self.name in MAPPED_CHECKS

    def __call__(self, values: Mapping[str, object], *, rng=None, n=None, dps: int = 30) -> Estimate:
        return WD_CHECKS[self.name](values, self.setups)
