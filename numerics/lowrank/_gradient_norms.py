"""A claims-file estimator of the low-rank pack: a statistic of the gradient decomposition's spectral norms.

:class:`GradientNorms` is the mean over independent draws of a parsed formula (:func:`theory.parse_formula`) of
||G|| = sigma_1, sigma_2, ||S1||, ||S12||, ||S2||, ||E||, e.g. ``S2/S1``, with a Student-t standard error. Each
claim component (one position of its swept parameters, see :func:`theory.components`) is estimated from the same
draws (common random numbers).

Resources: a call's work and each draw's memory are estimated from n, d, m, the
number of draws and of components before anything runs (:func:`gradient_norms_cost`),
and a call beyond :data:`GRADIENT_MAX_WORK` or :data:`GRADIENT_MAX_BYTES` raises
:class:`theory.ResourceLimit` at once. The claims-file limits (n d and d m at most
10^7) bound neither the work (n d m, times draws and components) nor n m, so the
bound lives here, where the cost is known, and holds for every caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import ClassVar, Mapping

import numpy as np

from theory import Formula, InvalidArgument, NoConvergence, ResourceLimit, activation, components

from .._arrays import draw_seeds
from .._draws import map_draws
from ._decomposition import MU_MODES
from .._estimate import Estimate, seed_of
from ._setup import Setup
from ._network import LOSSES, SCALINGS
from ._targets import TARGETS
from ._weights import WEIGHTS

__all__ = ["GradientNorms", "GRADIENT_NORMS", "GRADIENT_PARAMETERS", "GRADIENT_MAX_WORK", "GRADIENT_MAX_BYTES",
           "gradient_norms_cost"]


#: The spectral norms a :class:`GradientNorms` statistic may use.
GRADIENT_NORMS = ("G", "sigma2", "S1", "S12", "S2", "E")

#: Parameters a :class:`GradientNorms` claim must declare (``alpha`` and ``target_mean`` are optional).
GRADIENT_PARAMETERS = ("n", "d", "m", "nu")


#: The most work one :class:`GradientNorms` call (one look) may do, in flop-equivalents of
#: :func:`gradient_norms_cost`: 2e11, about 30 s on one core at the 6e9 flop-equivalents a second measured for
#: that model (numpy with single-threaded OpenBLAS, 2026). n = d = m = 1000 then allows about 30 draws of one
#: component; n = d = m = 3162 (within the claims-file limits) not one look of 8 draws.
GRADIENT_MAX_WORK = 2 * 10**11

#: The most memory one draw of a :class:`GradientNorms` call may hold, by :func:`gradient_norms_cost`'s model:
#: 1 GiB. Draws run one at a time in a process (a mapper spreads them over processes, one draw each).
GRADIENT_MAX_BYTES = 1 << 30

#: Flop-equivalents per entry of the n x d, n x m and d x m arrays of a draw (drawing, activations, the outer
#: products and the Lanczos SVD of G), fitted to timings of one draw; the two products count 4 n d m flops.
_PER_ENTRY = 1000

#: Flop-equivalents and float64s per entry of the draw's vectors (of length n, d or m: some twenty of them).
_PER_VECTOR, _VECTORS = 6000, 24

#: Flop-equivalents a second of one core, measured for :func:`gradient_norms_cost`'s model (to say how long).
_REFERENCE_RATE = 6e9

#: Flop-equivalents per d m min(d, m) of the full SVD behind the statistic ``E`` (the spectral norm of E).
_PER_SVD = 16


def gradient_norms_cost(n: int, d: int, m: int, *, spectral_e: bool = False) -> tuple[int, int]:
    """(work in flop-equivalents, peak bytes) of one draw of the gradient problem at sizes n, d, m.

    work = 4 n d m (the two n x d x m products) + 1000 (n d + n m + d m) + 6000 (n +
    d + m) (everything elementwise, fitted to timings), plus 16 d m min(d, m) for the
    full SVD of E when the statistic uses ``E`` (``spectral_e``); bytes = 8 (2 n d +
    3 n m + 8 d m + 24 (n + d + m)), an upper envelope of tracemalloc peaks of one
    draw (X_B; H, sigma(H), D; G, its four terms and the outer products'
    temporaries; the vectors).

    >>> work, size = gradient_norms_cost(1000, 1000, 1000)
    >>> f"{work:.2g} flop-equivalents, {size / 2**20:.0f} MiB"
    '7e+09 flop-equivalents, 100 MiB'
    """
    work = 4 * n * d * m + _PER_ENTRY * (n * d + n * m + d * m) + _PER_VECTOR * (n + d + m)
    if spectral_e:
        work += _PER_SVD * d * m * min(d, m)
    return work, 8 * (2 * n * d + 3 * n * m + 8 * d * m + _VECTORS * (n + d + m))


def _norms(setup: Setup, values: Mapping[str, object], seed: int, used: tuple[str, ...]) -> dict[str, float]:
    dec = setup.problem({**values, "seed": seed}).decomposition(k=2)
    sv = dec.singular_values        # one value only when min(d, m) = 1: sigma_2 = 0 (beyond the rank)
    norms = {"G": float(sv[0]), "sigma2": float(sv[1]) if len(sv) > 1 else 0.0,
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

    route = "simulation"  # how its estimate is independent of a prediction (verify.ROUTES)
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
        self._check_resources(comps, int(n))
        rows = np.array(map_draws(partial(self.column, comps), draw_seeds(rng, n)), dtype=float).T
        if not np.all(np.isfinite(rows)):
            raise NoConvergence(f"statistic {self.statistic.text!r} is not finite on some draw")
        se = rows.std(axis=1, ddof=1) / np.sqrt(n)
        return Estimate(tuple(rows.mean(axis=1).tolist()), std_error=tuple(se.tolist()), n_samples=int(n),
                        method=f"mean of {self.statistic.text} over {n} independent draws ({self.setup.describe()})",
                        seed=seed_of(rng), dof=int(n) - 1)

    def _check_resources(self, comps: list, draws: int) -> None:
        """Raise :class:`theory.ResourceLimit` before a call whose work or per-draw memory is beyond the bounds."""
        uses_e = "E" in self.statistic.used
        work, peak = 0, 0
        for c in comps:
            n, d, m = (int(c[k]) for k in ("n", "d", "m"))
            w, b = gradient_norms_cost(n, d, m, spectral_e=uses_e)
            if b > GRADIENT_MAX_BYTES:
                raise ResourceLimit(f"one draw of the gradient problem at n = {n}, d = {d}, m = {m}",
                                    f"needs about {b / 2**20:.0f} MiB",
                                    f"{GRADIENT_MAX_BYTES >> 20} MiB per draw (numerics.lowrank.GRADIENT_MAX_BYTES)")
            work, peak = work + w * draws, max(peak, b)
        if work > GRADIENT_MAX_WORK:
            largest = max(int(c["n"]) * int(c["d"]) * int(c["m"]) for c in comps)
            raise ResourceLimit(f"{draws} draws of {self.statistic.text} at {len(comps)} component(s) "
                                f"(n d m up to {largest:.3g})",
                                f"needs about {work:.2g} flop-equivalents (~{work / _REFERENCE_RATE:.0f} s on one "
                                "core)",
                                f"{GRADIENT_MAX_WORK:.2g} per call (numerics.lowrank.GRADIENT_MAX_WORK)")
