"""Comparison of a prediction with an estimate at a declared false-fail rate."""

from __future__ import annotations

from dataclasses import dataclass

import mpmath

from numerics import Estimate, confidence_radius, detectable_discrepancy
from theory import GUARD_DIGITS, InvalidArgument

__all__ = ["Comparison", "compare"]


@dataclass(frozen=True)
class Comparison:
    """One look: prediction against estimate, per component.

    ``alpha`` is the false-fail rate spent on this look (split evenly over the
    components); ``radius`` the half-width of the confidence interval (or the
    bound); ``detectable`` the minimum detectable discrepancy at false-pass rate
    ``beta``; ``scale`` the size a relative discrepancy is measured against
    (|prediction|, or 1 where the prediction is 0), so the discrepancy the claim
    must detect is ``resolution * scale``.
    """

    predicted: tuple
    estimate: Estimate
    alpha: float
    beta: float
    resolution: float
    discrepancy: tuple[float, ...]
    radius: tuple[float, ...]
    detectable: tuple[float, ...]
    scale: tuple[float, ...]

    @property
    def significant(self) -> bool:
        """Some component lies outside its confidence interval (or bound)."""
        return any(abs(d) > r for d, r in zip(self.discrepancy, self.radius))

    @property
    def resolved(self) -> bool:
        """Every component could have detected a discrepancy of the claim's resolution."""
        return self.relative_detectable <= self.resolution

    @property
    def relative_detectable(self) -> float:
        """Largest minimum detectable discrepancy, relative to ``scale``."""
        return max(m / s for m, s in zip(self.detectable, self.scale))

    @property
    def relative_discrepancy(self) -> float:
        """Largest |estimate - prediction|, relative to ``scale``."""
        return max(abs(d) / s for d, s in zip(self.discrepancy, self.scale))


def compare(predicted: tuple, estimate: Estimate, *, resolution: float, alpha: float,
            beta: float, dps: int) -> Comparison:
    """Compare ``predicted`` with ``estimate``; ``alpha`` is split evenly (Bonferroni) over components.

    For deterministic estimates the prediction's own rounding, one unit in its
    ``dps``-th digit, is added to the bound.
    """
    if len(predicted) != len(estimate.value):
        raise InvalidArgument("prediction", len(predicted), f"as many values as the estimate ({len(estimate.value)})")
    per_component = alpha / len(predicted)
    radius = confidence_radius(estimate, per_component)
    detectable = detectable_discrepancy(estimate, per_component, beta)
    with mpmath.workdps(dps + GUARD_DIGITS):
        diff = [float(mpmath.mpf(e) - mpmath.mpf(p)) for e, p in zip(estimate.value, predicted)]
        scale = [float(abs(mpmath.mpf(p))) or 1.0 for p in predicted]
    if not estimate.statistical:
        rounding = [v * 10.0 ** (1 - dps) for v in scale]
        radius = tuple(float(r) + u for r, u in zip(radius, rounding))
        detectable = tuple(float(m) + 2 * u for m, u in zip(detectable, rounding))
    return Comparison(tuple(predicted), estimate, alpha, beta, float(resolution), tuple(diff),
                      tuple(float(r) for r in radius), tuple(float(m) for m in detectable), tuple(scale))
