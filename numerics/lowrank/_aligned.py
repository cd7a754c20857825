r"""Spectral criteria of G over a range of nu, on the same draws (arXiv 2510.01303, Figure 1; our note, sections 3.3,
3.4, 5.1 and 6 items 18-19).

A caption's "for nu < 1/4" is a statement over a range of the spike exponent. On one draw of the data, the weights
and the targets, only zeta = n^nu depends on nu (the weights' n^(-1/4) q-component depends on n, the targets on the
bulk X_B), so a draw is re-used along nu by changing zeta alone (:func:`at_nu`), and each nu of a grid is judged on
the same draws.

Criteria (ours, like those of :mod:`numerics.lowrank._figures`, whose names are also accepted), with u_k, sigma_k
the left singular vectors and values of G, q the spike direction, and "aligned" meaning |cos| > 1/sqrt 2:

* ``s2_over_s1``: ||S2|| > ||S1||, the event whose exponent changes sign at the derived boundary (nu = 1/8 for
  spike-aligned weights, 1/4 for isotropic ReLU; :mod:`theory.lowrank`);
* ``q_rank_one``: u_1 is q-aligned and sigma_2 < sigma_1 / 10 (one spike, along q; "effectively rank one" as in
  the note, section 6 item 18);
* ``second_q_outlier``: sigma_2 >= 2 sigma_3 (a second outlier above the bulk) and span(u_1, u_2) holds q
  (||P q|| > 1/sqrt 2);
* ``quiet_data_spike``: ||S2|| < ||S1|| / 2 and sigma_1 >= 2 sigma_2 (one outlier; the data spike well below the
  residue spike, as when S2 has no drift: odd activations, E sigma'' = 0; note, section 3.4).

Estimator :class:`FrequencyAcrossNu` (one frequency per nu of the claim's grid) and picture data
:class:`CriterionCurves` (:func:`criterion_curves`: frequencies against nu at several sizes). Nothing here decides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import partial
from numbers import Integral
from typing import ClassVar, Mapping, Sequence

import numpy as np

from theory import InvalidArgument, UnknownName

from .._arrays import check_count, draw_seeds, frozen
from .._draws import map_draws
from .._estimate import Estimate, seed_of
from ._figures import CRITERIA, USES, cuts_of
from ._setup import Problem, Setup

__all__ = ["ALIGNED_CRITERIA", "ALIGNED_USES", "FrequencyAcrossNu", "CriterionCurves", "criterion_curves", "at_nu"]



def _norm(rank_one: np.ndarray) -> float:
    return float(np.linalg.norm(rank_one))


def _s2_over_s1(dec, q, c) -> bool:
    return _norm(dec.S2) > _norm(dec.S1)


def _q_rank_one(dec, q, c) -> bool:
    sv = dec.singular_values
    return bool(dec.spike_alignment[0] > c["aligned"] and sv[1] < c["rank_one"] * sv[0])


def _second_q_outlier(dec, q, c) -> bool:
    sv = dec.singular_values  # a second outlier: sigma_2 >= the outlier factor times sigma_3
    return bool(sv[1] >= c["outlier"] * sv[2] and np.linalg.norm(dec.U[:, :2].T @ q) > c["aligned"])


def _quiet_data_spike(dec, q, c) -> bool:
    sv = dec.singular_values
    return bool(_norm(dec.S2) < _norm(dec.S1) / 2 and sv[0] >= c["outlier"] * sv[1])


ALIGNED_CRITERIA = {
    "s2_over_s1": (_s2_over_s1, "||S2|| > ||S1|| (the data spike's line above the residue spike's)"),
    "q_rank_one": (_q_rank_one, "u1 q-aligned (|u1.q| > 1/sqrt 2) and sigma2 < sigma1/10 (effectively rank one)"),
    "second_q_outlier": (_second_q_outlier, "sigma2 >= 2 sigma3 (a second outlier) and span(u1, u2) holds q "
                                            "(||P q|| > 1/sqrt 2)"),
    "quiet_data_spike": (_quiet_data_spike, "||S2|| < ||S1||/2 (the data spike well below the residue spike) and "
                                            "sigma1 >= 2 sigma2 (one outlier)"),
}
_ALL = {**CRITERIA, **ALIGNED_CRITERIA}
#: The cuts each criterion reads.
ALIGNED_USES = {**USES, "s2_over_s1": (), "q_rank_one": ("aligned", "rank_one"),
                "second_q_outlier": ("aligned", "outlier"), "quiet_data_spike": ("outlier",)}


def _criterion(name: object):
    if name not in _ALL:
        raise UnknownName("criterion", str(name), list(_ALL))
    return _ALL[name]


def at_nu(problem: Problem, nu: float) -> Problem:
    """``problem``'s draw at spike exponent ``nu``: the same data, weights and targets, zeta = n^nu (0 stays 0 for a
    setup without spike). Equal to ``setup.problem(values)`` drawn at ``nu`` with the same seed.

    >>> p = Setup("relu").problem({"n": 16, "d": 8, "m": 8, "nu": 0.0, "seed": 0})
    >>> at_nu(p, 0.5).data.zeta
    4.0
    """
    nu = float(nu)
    if not (math.isfinite(nu) and nu >= 0):
        raise InvalidArgument("nu", nu, "a finite number >= 0")
    try:
        zeta = float(problem.data.n) ** nu if problem.setup.spike else 0.0
    except OverflowError:
        zeta = math.inf
    if not math.isfinite(zeta):
        raise InvalidArgument("nu", nu, f"small enough that n^nu is a finite float (n = {problem.data.n})")
    return replace(problem, data=replace(problem.data, zeta=zeta, nu=nu))


def _grid(name: str, values: object) -> tuple[float, ...]:
    """A non-empty, strictly increasing tuple of finite numbers >= 0 (one number is a grid of one)."""
    raw = values if isinstance(values, (tuple, list, np.ndarray)) else (values,)
    try:
        grid = tuple(float(v) for v in raw)
    except (TypeError, ValueError):
        raise InvalidArgument(name, values, "a number or a non-empty sequence of numbers") from None
    if not grid or not all(math.isfinite(v) and v >= 0 for v in grid) or any(b <= a for a, b in zip(grid, grid[1:])):
        raise InvalidArgument(name, values, "a non-empty, strictly increasing sequence of finite numbers >= 0")
    return grid


def _judge(problem: Problem, nus: Sequence[float], criteria: Sequence[str], cuts=None) -> np.ndarray:
    """holds[j, k]: criterion k on ``problem``'s draw at nus[j] (one decomposition per nu)."""
    out = np.zeros((len(nus), len(criteria)), dtype=bool)
    for j, nu in enumerate(nus):
        drawn = at_nu(problem, nu)
        dec, q = drawn.decomposition(k=3), drawn.data.q
        out[j] = [_ALL[c][0](dec, q, cuts_of(cuts or {})) for c in criteria]
    return out


@dataclass(frozen=True)
class FrequencyAcrossNu:
    """Estimator: for each nu of the claim's grid (``values["nu"]``, a number or an increasing tuple), the frequency
    over ``n`` independent draws with which ``criterion`` holds; every nu is judged on the same draws.

    >>> est = FrequencyAcrossNu(Setup("relu", "aligned_ones"), "residue_outlier")
    >>> values = {"n": 40, "d": 50, "m": 60, "nu": (0.0, 0.125), "alpha": 0.0}
    >>> len(est(values, rng=np.random.default_rng(0), n=2).value)
    2
    """

    route = "simulation"

    setup: Setup
    criterion: str

    def __post_init__(self) -> None:
        _criterion(self.criterion)

    def describe(self) -> str:
        return _ALL[self.criterion][1]

    maps_draws: ClassVar[bool] = True  # its draws go through numerics.map_draws

    def holds(self, values: Mapping[str, object], seed: int) -> tuple[bool, ...]:
        """Whether the criterion holds at each nu of the grid on the draw of ``seed``."""
        nus = _grid("nu", values["nu"])
        problem = self.setup.problem({**values, "nu": nus[0], "seed": seed})
        return tuple(bool(h) for h in _judge(problem, nus, (self.criterion,), values)[:, 0])

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        nus = _grid("nu", values["nu"])
        hits = np.sum(map_draws(partial(self.holds, values), draw_seeds(rng, n)), axis=0)
        at = ", ".join(f"{v:g}" for v in nus)
        return Estimate.frequency(tuple(int(h) for h in hits), int(n), seed=seed_of(rng),
                                  method=f"{n} independent draws of {self.setup.describe()}, each judged at nu = {at}; "
                                         f"criterion: {self.describe()}")


@dataclass(frozen=True)
class CriterionCurves:
    """Frequencies of criteria against nu at several sizes, the data of a picture (nothing decided).

    Attributes
    ----------
    nus : the grid of nu (increasing). sizes : (n, d, m) per curve family.
    criteria, descriptions : the criteria's names and their descriptions in words.
    frequency : array (len(sizes), len(nus), len(criteria)), the fraction of ``draws`` draws on which criterion k
        holds at sizes[i], nus[j]; every nu of a size is judged on the same draws.
    draws, seed : draws per size; the seed whose SeedSequence spawns one stream per size.
    boundary, boundary_label : a derived boundary in nu to mark, and its words.
    stated, claimed : (lo, hi) ranges of nu to show: the source's stated range and the range a claim checks.
    label : the setup's description.
    """

    nus: np.ndarray
    sizes: tuple[tuple[int, int, int], ...]
    criteria: tuple[str, ...]
    descriptions: tuple[str, ...]
    frequency: np.ndarray
    draws: int
    seed: int
    boundary: float
    boundary_label: str
    stated: tuple[float, float] | None
    claimed: tuple[float, float] | None
    label: str


def _sizes(sizes: object) -> tuple[tuple[int, int, int], ...]:
    try:
        out = tuple((check_count("n", n), check_count("d", d), check_count("m", m)) for n, d, m in sizes)
    except (TypeError, ValueError):
        raise InvalidArgument("sizes", sizes, "a sequence of (n, d, m) triples") from None
    if not out or any(min(d, m) < 3 for _, d, m in out):
        raise InvalidArgument("sizes", sizes, "a non-empty sequence of (n, d, m) with min(d, m) >= 3")
    return out


def criterion_curves(setup: Setup, criteria: Sequence[str], *, sizes: Sequence[tuple[int, int, int]],
                     nus: Sequence[float], draws: int, seed: int, boundary: float, boundary_label: str = "",
                     stated: tuple[float, float] | None = None, claimed: tuple[float, float] | None = None,
                     alpha: float = 0.0, descriptions: Sequence[str] | None = None) -> CriterionCurves:
    """:class:`CriterionCurves`: how often each criterion holds, at each nu of ``nus`` and each of ``sizes``.

    One SeedSequence(``seed``) spawns a stream per size; each stream gives ``draws`` draw seeds, and each draw is
    judged at every nu (one decomposition per draw and nu, shared by the criteria). ``descriptions`` (one per
    criterion) replace the criteria's own words in the picture, e.g. to say whose criterion each is.
    """
    if not isinstance(setup, Setup):
        raise InvalidArgument("setup", type(setup).__name__, "a numerics.lowrank.Setup")
    criteria = tuple(criteria)
    if not criteria:
        raise InvalidArgument("criteria", criteria, "at least one criterion name")
    for c in criteria:
        _criterion(c)
    words = tuple(_ALL[c][1] for c in criteria) if descriptions is None else tuple(str(w) for w in descriptions)
    if len(words) != len(criteria):
        raise InvalidArgument("descriptions", descriptions, f"one per criterion ({len(criteria)})")
    sizes, grid, draws = _sizes(sizes), _grid("nus", nus), check_count("draws", draws)
    if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
        raise InvalidArgument("seed", seed, "an integer >= 0")
    if not math.isfinite(float(boundary)):
        raise InvalidArgument("boundary", boundary, "a finite number")
    freq = np.zeros((len(sizes), len(grid), len(criteria)))
    for i, (stream, (n, d, m)) in enumerate(zip(np.random.SeedSequence(int(seed)).spawn(len(sizes)), sizes)):
        for s in draw_seeds(np.random.default_rng(stream), draws):
            values = {"n": n, "d": d, "m": m, "nu": grid[0], "alpha": float(alpha), "seed": s}
            freq[i] += _judge(setup.problem(values), grid, criteria)
    return CriterionCurves(frozen(np.array(grid)), sizes, criteria, words,
                           frozen(freq / draws), draws, int(seed), float(boundary), str(boundary_label),
                           stated, claimed, setup.describe())
