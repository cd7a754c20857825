"""Comparison of a prediction with an estimate at a declared false-fail rate.

All arithmetic runs in mpmath at the claim's precision; only relative
quantities (discrepancy, radius and detectable discrepancy divided by the
scale |prediction|) leave as floats, so values far below float64's range
(s = 1e-200, say) are compared correctly instead of underflowing to 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath

from numerics import Estimate, confidence_radius, detectable_discrepancy
from theory import GUARD_DIGITS, InvalidArgument

__all__ = ["Comparison", "compare"]


@dataclass(frozen=True)
class Comparison:
    """One look: prediction against estimate, per component, relative to ``scale``.

    ``alpha`` is the false-fail rate spent on this look (split evenly over the
    components). ``discrepancy`` is (estimate - prediction) / scale, ``radius``
    the half-width of the confidence interval (or the bound) / scale, and
    ``detectable`` the minimum detectable discrepancy at false-pass rate ``beta``
    / scale; ``scale`` is |prediction| (or 1 where the prediction is exactly 0, so
    the resolution is then absolute). ``degenerate`` names a reason the look
    cannot be calibrated (a statistical estimate with zero standard error).
    """

    predicted: tuple
    estimate: Estimate
    alpha: float
    beta: float
    resolution: float
    discrepancy: tuple[float, ...]
    radius: tuple[float, ...]
    detectable: tuple[float, ...]
    scale: tuple
    degenerate: str = ""

    @property
    def significant(self) -> bool:
        """Some component lies outside its confidence interval (or bound)."""
        return not self.degenerate and any(abs(d) > r for d, r in zip(self.discrepancy, self.radius))

    @property
    def resolved(self) -> bool:
        """Every component could have detected a discrepancy of the claim's resolution."""
        return not self.degenerate and self.relative_detectable <= self.resolution

    @property
    def relative_detectable(self) -> float:
        """Largest minimum detectable discrepancy, relative to ``scale``."""
        return max(self.detectable)

    @property
    def relative_discrepancy(self) -> float:
        """Largest |estimate - prediction|, relative to ``scale``."""
        return max(abs(d) for d in self.discrepancy)


_HUGE = 1e300


def _bounded(x) -> float:
    """A relative quantity as a float, clipped to +-1e300 so a report never holds inf."""
    return max(min(float(x), _HUGE), -_HUGE)


def _finite(values) -> bool:
    return all(mpmath.isfinite(mpmath.mpf(v)) for v in values)


def compare(predicted: tuple, estimate: Estimate, *, resolution: float, alpha: float,
            beta: float, dps: int, scale_floor: float = 0.0, prediction_error: tuple | None = None) -> Comparison:
    """Compare ``predicted`` with ``estimate``; ``alpha`` is split evenly (Bonferroni) over components.

    The prediction's own error (``prediction_error``, when the prediction was
    itself computed numerically, else one unit in its ``dps``-th digit) widens
    the interval and the detectable discrepancy: a claim cannot be resolved more
    finely than its prediction is known.
    """
    if len(predicted) != len(estimate.value):
        raise InvalidArgument("prediction", len(predicted), f"as many values as the estimate ({len(estimate.value)})")
    if not _finite(predicted):
        raise InvalidArgument("prediction", tuple(map(str, predicted)), "finite numbers")
    per_component = alpha / len(predicted)
    radius = confidence_radius(estimate, per_component)
    detectable = detectable_discrepancy(estimate, per_component, beta)
    with mpmath.workdps(dps + GUARD_DIGITS):
        pred = [mpmath.mpf(p) for p in predicted]
        if scale_floor > 0:
            scale = [max(abs(p), mpmath.mpf(scale_floor)) for p in pred]
        else:
            scale = [abs(p) if p != 0 else mpmath.mpf(1) for p in pred]
        diff = [mpmath.mpf(e) - p for e, p in zip(estimate.value, pred)]
        rad = [mpmath.mpf(r) for r in radius]
        mdd = [mpmath.mpf(m) for m in detectable]
        own = [abs(p) * mpmath.mpf(10) ** (1 - dps) for p in pred]
        if prediction_error is not None:
            own = [max(u, mpmath.mpf(e)) for u, e in zip(own, prediction_error)]
        rad = [r + u for r, u in zip(rad, own)]
        mdd = [m + 2 * u for m, u in zip(mdd, own)]
        rel = lambda xs: tuple(_bounded(x / v) for x, v in zip(xs, scale))  # noqa: E731
        discrepancy, rel_radius, rel_mdd = rel(diff), rel(rad), rel(mdd)
    degenerate = ""
    if estimate.statistical and any(float(se) == 0 for se in estimate.std_error):
        degenerate = "a standard error is zero (the sample has no spread), so the interval cannot be calibrated"
    return Comparison(tuple(predicted), estimate, alpha, beta, float(resolution), discrepancy, rel_radius,
                      rel_mdd, tuple(scale), degenerate)
