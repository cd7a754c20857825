"""Confidence radii and detectable discrepancies of an estimate (normal theory).

For a statistical estimate with standard error se, at two-sided level alpha:

* confidence radius: z(alpha/2) * se, with z(p) the upper-p standard normal quantile;
* minimum detectable discrepancy at false-pass rate beta:
  (z(alpha/2) + z(beta)) * se, the smallest |truth - prediction| that a level-alpha
  test rejects with probability at least 1 - beta (TFP's statistical-testing helpers
  use the same definition);
* samples needed for a target discrepancy: n * (mdd / target)^2, since se ~ n^(-1/2).

For a deterministic estimate with bound b (|value - truth| <= b) the radius is b
and the detectable discrepancy is 2 b: any larger discrepancy is always detected.
"""

from __future__ import annotations

import math

from scipy import stats

from theory import InvalidArgument

from ._estimate import Estimate

__all__ = ["upper_quantile", "confidence_radius", "detectable_discrepancy", "samples_needed"]


def _check_rate(name: str, p: float) -> None:
    if not (isinstance(p, (int, float)) and 0 < p < 1):
        raise InvalidArgument(name, p, "a probability in (0, 1)")


def upper_quantile(p: float) -> float:
    """z with P(Z > z) = p for Z standard normal.

    >>> round(upper_quantile(0.025), 4)
    1.96
    """
    _check_rate("p", p)
    return float(stats.norm.isf(p))


def confidence_radius(estimate: Estimate, alpha: float) -> tuple[float, ...]:
    """Per-component half-width of the two-sided level-``alpha`` interval."""
    _check_rate("alpha", alpha)
    if not estimate.statistical:
        return tuple(estimate.bound)
    z = upper_quantile(alpha / 2)
    return tuple(z * float(se) for se in estimate.std_error)


def detectable_discrepancy(estimate: Estimate, alpha: float, beta: float) -> tuple[float, ...]:
    """Per-component minimum detectable discrepancy at false-fail ``alpha`` and false-pass ``beta``."""
    _check_rate("alpha", alpha)
    _check_rate("beta", beta)
    if not estimate.statistical:
        return tuple(2 * b for b in estimate.bound)
    z = upper_quantile(alpha / 2) + upper_quantile(beta)
    return tuple(z * float(se) for se in estimate.std_error)


def samples_needed(n: int, detectable: float, target: float) -> int:
    """Sample size at which a detectable discrepancy ``detectable`` at ``n`` samples shrinks to ``target``."""
    if target <= 0:
        raise InvalidArgument("target", target, "a positive discrepancy")
    return max(n, math.ceil(n * (detectable / target) ** 2))
