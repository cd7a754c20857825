"""Interval claims: the estimand lies in a stated range [lo, hi] (either end may be infinite).

Many statements are inequalities, not equalities: "the top singular vector is
residue-aligned in most draws" (a frequency above 1/2), "the exponent of n lies
within b of the derived one" (a band). Such a claim is decided by where the
estimate's confidence interval at the look's false-fail rate lies (the bounds
come from ``numerics``: normal, Student's t or exact binomial):

* FAIL when the interval and the range are disjoint (a true claim does this
  with probability at most alpha/2 per component and look);
* PASS when the interval lies inside the range (a false claim does this with
  probability at most alpha/2: both errors are controlled at the look's rate);
* otherwise undecided: the next look takes more samples, and a claim still
  undecided after the last look is INCONCLUSIVE.

``discrepancy`` is the estimate's distance outside the range (0 inside) and
``radius`` the interval's half-width, both in absolute units (the claim's
``resolution`` is then an absolute margin, used for display).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from numerics import Estimate, confidence_bounds
from theory import InvalidArgument

from ._verdict import FAIL, PASS

__all__ = ["IntervalComparison", "Range", "Ranges", "RangesOf", "allowance_sensitivity", "compare_interval",
           "check_ranges"]


def check_ranges(predicted: object) -> tuple[tuple[float, float], ...]:
    """The claimed ranges as float pairs, each lo <= hi and not NaN; a typed error otherwise."""
    try:
        ranges = tuple((float(lo), float(hi)) for lo, hi in predicted)
    except (TypeError, ValueError):
        raise InvalidArgument("prediction", predicted, "a tuple of (lo, hi) ranges for an interval claim") from None
    if not ranges or any(math.isnan(lo) or math.isnan(hi) or lo > hi or lo == math.inf or hi == -math.inf
                         for lo, hi in ranges):
        raise InvalidArgument("prediction", predicted, "non-empty (lo, hi) ranges with lo <= hi, not NaN")
    return ranges


def misses(ranges, lower, upper) -> bool:
    """Some interval [lower, upper] misses its range entirely."""
    return any(u < lo or low > hi for (lo, hi), low, u in zip(ranges, lower, upper))


def inside(ranges, lower, upper) -> bool:
    """Every interval [lower, upper] lies inside its range."""
    return all(lo <= low and u <= hi for (lo, hi), low, u in zip(ranges, lower, upper))


@dataclass(frozen=True)
class IntervalComparison:
    """One look at an interval claim: per component, the confidence interval [lower, upper] against the range."""

    predicted: tuple[tuple[float, float], ...]
    estimate: Estimate
    alpha: float
    beta: float
    resolution: float
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    degenerate: str = ""

    @property
    def significant(self) -> bool:
        """Some component's interval misses its range entirely."""
        return not self.degenerate and misses(self.predicted, self.lower, self.upper)

    @property
    def resolved(self) -> bool:
        """Every component's interval lies inside its range."""
        return not self.degenerate and inside(self.predicted, self.lower, self.upper)

    @property
    def discrepancy(self) -> tuple[float, ...]:
        """Signed distance of each estimate outside its range (0 inside)."""
        out = []
        for (lo, hi), v in zip(self.predicted, self.estimate.value):
            v = float(v)
            out.append(v - hi if v > hi else (v - lo if v < lo else 0.0))
        return tuple(out)

    @property
    def radius(self) -> tuple[float, ...]:
        return tuple((u - l_) / 2 for l_, u in zip(self.lower, self.upper))

    @property
    def relative_discrepancy(self) -> float:
        return max(abs(d) for d in self.discrepancy)

    @property
    def relative_detectable(self) -> float:
        """The widest interval's half-width: the margin from a range's end this look could resolve."""
        return max(self.radius)


def compare_interval(ranges: tuple[tuple[float, float], ...], estimate: Estimate, *, alpha: float, beta: float,
                     resolution: float) -> IntervalComparison:
    """Confidence intervals of ``estimate`` at level ``alpha`` (split evenly over components) against ``ranges``."""
    if len(ranges) != len(estimate.value):
        raise InvalidArgument("prediction", len(ranges),
                              f"as many ranges as the estimate has values ({len(estimate.value)})")
    lower, upper = confidence_bounds(estimate, alpha / len(ranges))
    degenerate = ""
    if estimate.statistical and estimate.successes is None and any(float(se) == 0 for se in estimate.std_error):
        degenerate = "a standard error is zero (the sample has no spread), so the interval cannot be calibrated"
    return IntervalComparison(ranges, estimate, alpha, beta, float(resolution), lower, upper, degenerate)


def allowance_sensitivity(centres, lower, upper) -> tuple[float, float]:
    """For ranges centre -+ a: the allowance below which the intervals [lower, upper] FAIL (one misses its range)
    and the one from which they PASS (all inside); INCONCLUSIVE in between.

    >>> allowance_sensitivity((0.3,), (0.31,), (0.35,))
    (0.01, 0.05)
    """
    fail = max(max(lo - c, c - hi, 0.0) for c, lo, hi in zip(centres, lower, upper))
    passes = max(max(hi - c, c - lo) for c, lo, hi in zip(centres, lower, upper))
    return round(fail, 12), round(passes, 12)


def explain_interval(outcome: str, c: IntervalComparison) -> str:
    """One sentence saying where the confidence intervals lie relative to the claimed ranges."""
    parts = ", ".join(f"[{l_:.4g}, {u:.4g}] vs [{lo:.4g}, {hi:.4g}]"
                      for (lo, hi), l_, u in zip(c.predicted, c.lower, c.upper))
    level = f"confidence intervals at false-fail rate {c.alpha:.3g}"
    if outcome == FAIL:
        return f"a {level.rstrip('s')} lies outside the claimed range: {parts}"
    if outcome == PASS:
        return f"the {level} lie inside the claimed ranges: {parts}"
    if c.degenerate:
        return f"inconclusive: {c.degenerate}"
    return f"undecided: the {level} straddle a range's end: {parts}"


@dataclass(frozen=True)
class Range:
    """Prediction of an interval claim whose range is a stated constant, e.g. "in most draws": (1/2, 1]."""

    lo: float
    hi: float
    statement: str

    def expression(self, values=None) -> str:
        return f"{self.statement}: in [{self.lo:g}, {self.hi:g}]"

    def __call__(self, values, *, dps: int) -> tuple[tuple[float, float], ...]:
        return ((self.lo, self.hi),)


def _end(end: float | str, values) -> float:
    return float(values[end]) if isinstance(end, str) else end


def _shown(end: float | str, values) -> str:
    if isinstance(end, str):
        return f"{end} = {values[end]:g}" if values and end in values else end
    return f"{end:g}"


@dataclass(frozen=True)
class Ranges:
    """Prediction of an interval claim with one stated range per component.

    An end given as a string names one of the claim's parameters (a threshold we chose, declared in
    :attr:`verify.Claim.thresholds`): it is read from the claim's values, so the report can show how the
    verdict moves with it.

    >>> Ranges(((0.5, "top"),), "a frequency")({"top": 0.9}, dps=15)
    ((0.5, 0.9),)
    """

    ranges: tuple[tuple[float | str, float | str], ...]
    statement: str

    def expression(self, values=None) -> str:
        return f"{self.statement}: " + ", ".join(f"[{_shown(lo, values)}, {_shown(hi, values)}]"
                                                 for lo, hi in self.ranges)

    def __call__(self, values, *, dps: int) -> tuple[tuple[float, float], ...]:
        return tuple((_end(lo, values), _end(hi, values)) for lo, hi in self.ranges)


@dataclass(frozen=True)
class RangesOf:
    """Prediction of an interval claim with stated constant ranges, arranged per component by ``arrange(values)``
    (their number depends on the claim's values: layers, step sizes, seeds)."""

    arrange: Callable
    statement: str

    def expression(self, values=None) -> str:
        shown = sorted({f"[{lo:g}, {hi:g}]" for lo, hi in self.arrange(values)}) if values else []
        return f"{self.statement}: " + ", ".join(shown)

    def __call__(self, values, *, dps: int) -> tuple[tuple[float, float], ...]:
        return tuple(self.arrange(values))
