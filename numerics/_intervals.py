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

An estimate with ``dof`` (a standard error from few replicates) uses Student's t
quantile with that many degrees of freedom in place of z. A frequency (an
estimate with ``successes``) gets exact binomial bounds in
:func:`confidence_bounds` (Clopper and Pearson 1934): each side holds with
probability at least 1 - alpha/2 whatever the true proportion.
"""

from __future__ import annotations

import math

from scipy import stats

from theory import InvalidArgument

from ._estimate import Estimate

__all__ = ["upper_quantile", "confidence_radius", "confidence_bounds", "detectable_discrepancy", "samples_needed"]


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


def _quantile(estimate: Estimate, p: float) -> float:
    """z (or Student's t with the estimate's ``dof``) with upper-tail probability ``p``."""
    if estimate.dof is None:
        return upper_quantile(p)
    return float(stats.t.isf(p, estimate.dof))


def confidence_radius(estimate: Estimate, alpha: float) -> tuple[float, ...]:
    """Per-component half-width of the two-sided level-``alpha`` interval."""
    _check_rate("alpha", alpha)
    if not estimate.statistical:
        return tuple(estimate.bound)
    z = _quantile(estimate, alpha / 2)
    return tuple(z * float(se) for se in estimate.std_error)


def confidence_bounds(estimate: Estimate, alpha: float) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Per-component (lower, upper) ends of the two-sided level-``alpha`` interval.

    Each end fails with probability at most alpha/2. Frequencies get exact
    Clopper-Pearson ends (0 and 1 where all or none of the trials succeed are
    the ends themselves):

    >>> lo, hi = confidence_bounds(Estimate.frequency((20,), 20, method="coin"), 0.01)
    >>> round(lo[0], 4), hi[0]        # (alpha/2)^(1/20): 20 of 20 successes
    (0.7673, 1.0)
    """
    _check_rate("alpha", alpha)
    if estimate.successes is not None:
        n = estimate.n_samples
        lower = tuple(0.0 if k == 0 else float(stats.beta.ppf(alpha / 2, k, n - k + 1)) for k in estimate.successes)
        upper = tuple(1.0 if k == n else float(stats.beta.isf(alpha / 2, k + 1, n - k)) for k in estimate.successes)
        return lower, upper
    radius = confidence_radius(estimate, alpha)
    return (tuple(float(v) - r for v, r in zip(estimate.value, radius)),
            tuple(float(v) + r for v, r in zip(estimate.value, radius)))


def detectable_discrepancy(estimate: Estimate, alpha: float, beta: float) -> tuple[float, ...]:
    """Per-component minimum detectable discrepancy at false-fail ``alpha`` and false-pass ``beta``."""
    _check_rate("alpha", alpha)
    _check_rate("beta", beta)
    if not estimate.statistical:
        return tuple(2 * b for b in estimate.bound)
    z = _quantile(estimate, alpha / 2) + _quantile(estimate, beta)
    return tuple(z * float(se) for se in estimate.std_error)


def samples_needed(n: int, detectable: float, target: float) -> int:
    """Sample size at which a detectable discrepancy ``detectable`` at ``n`` samples shrinks to ``target``."""
    if target <= 0:
        raise InvalidArgument("target", target, "a positive discrepancy")
    return max(n, math.ceil(n * (detectable / target) ** 2))
