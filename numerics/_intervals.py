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

Numbers at the edges: no function here overflows, underflows to a wrong value or
raises for finite inputs (errors and targets anywhere from 1e-300 to 1e+300, rates
down to the smallest double). A radius, bound or detectable discrepancy whose true
value lies beyond float64's range is ``inf`` (the interval covers everything, nothing
is resolvable: the conservative end), never an exception; an error held as an
``mpmath.mpf`` below float64's range gives an ``mpf`` result instead of 0.
:func:`samples_needed` works in mpmath (unbounded exponent) and returns an ``int``
capped at :data:`SAMPLES_NEEDED_CAP`.
"""

from __future__ import annotations

import math
import numbers

import mpmath
from scipy import optimize, special, stats

from theory import InvalidArgument

from ._estimate import Estimate

__all__ = ["upper_quantile", "confidence_radius", "confidence_bounds", "detectable_discrepancy", "samples_needed",
           "SAMPLES_NEEDED_CAP"]

#: The largest sample size :func:`samples_needed` returns (2^62, within int64; verify's ``_check`` suggests none
#: beyond it either): a larger need, up to n (1e300 / 1e-300)^2, is returned as this cap and means "at least
#: this many", i.e. out of reach.
SAMPLES_NEEDED_CAP = 2**62

_LOG_MAX = math.log(1.7976931348623157e308)
_DPS = 30  # digits for the mpmath side of this module (all of it scoped, see workdps)


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


def _t_upper_quantile(p: float, log_p: float, dof: int) -> float:
    """Student's t with ``dof`` degrees of freedom: t with P(T > t) = p = exp(log_p) (``inf`` beyond float64).

    scipy's ``t.isf`` serves wherever it is finite with the right sign. In the far tail, where it returns -inf
    (p = 1e-290 at 5 degrees of freedom, say) or p underflows to 0, log P(T > e^u) = log p is solved for u
    (Brent), bracketed by the normal quantile below and the Cauchy one above (the t quantile lies between).
    """
    if p > 0:
        t = float(stats.t.isf(p, dof))
        if math.isfinite(t) and (t > 0) == (p < 0.5):
            return t
    z = _normal_upper(p, log_p)
    lo, hi = math.log(max(z, 1.0)), -math.log(math.pi) - log_p + 1.0
    gap = lambda u: _log_t_tail(u, dof) - log_p  # noqa: E731
    if gap(lo) <= 0:
        return z
    if gap(hi) >= 0:
        return math.inf
    u = optimize.brentq(gap, lo, hi, xtol=1e-14, rtol=1e-15)
    return math.exp(u) if u < _LOG_MAX else math.inf


def _log_t_tail(u: float, dof: int) -> float:
    """log P(T > e^u) = log I_x(dof/2, 1/2) - log 2, x = dof / (dof + e^(2u)), all in log space.

    I_x(a, b) = x^a (1 - x)^b / (a B(a, b)) * cf, with cf Lentz's continued fraction (Numerical Recipes'
    ``betacf``; it converges for x < (a + 1)/(a + b + 2), i.e. t^2 > about 1.5, the tail this serves).
    """
    a, b, log_dof = dof / 2, 0.5, math.log(dof)
    log_sum = max(log_dof, 2 * u) + math.log1p(math.exp(-abs(2 * u - log_dof)))     # log(dof + t^2)
    log_x = log_dof - log_sum
    x = math.exp(log_x)
    front = a * log_x + b * (2 * u - log_sum) - math.log(a) - (math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b))
    c, d = 1.0, _nonzero(1.0 - (a + b) * x / (a + 1))
    h = d = 1.0 / d
    for m in range(1, 100_000):
        step = 1.0
        for aa in (m * (b - m) * x / ((a - 1 + 2 * m) * (a + 2 * m)),
                   -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 1 + 2 * m))):
            d, c = 1.0 / _nonzero(1.0 + aa * d), _nonzero(1.0 + aa / c)
            step *= d * c
        h *= step
        if abs(step - 1.0) < 1e-16:
            break
    return front + math.log(h) - math.log(2)


def _nonzero(v: float) -> float:
    return v if abs(v) > 1e-300 else 1e-300


def _normal_upper(p: float, log_p: float) -> float:
    """z with P(Z > z) = p = exp(log_p); from log_p where p underflows to 0 (alpha = 5e-324 halved)."""
    return upper_quantile(p) if p > 0 else -float(special.ndtri_exp(log_p))


def _quantile(estimate: Estimate, rate: float, *, halved: bool = False) -> float:
    """z (or Student's t with the estimate's ``dof``) with upper-tail probability ``rate`` (``rate / 2``)."""
    p = rate / 2 if halved else rate
    log_p = math.log(rate) - (math.log(2) if halved else 0.0)
    if estimate.dof is None:
        return _normal_upper(p, log_p)
    return _t_upper_quantile(p, log_p, estimate.dof)


def _times(z: float, error):
    """z * error without inf * 0 = nan, overflow (gives inf) or underflow of an mpf error below 1e-308."""
    if error == 0:
        return 0.0
    e = float(error)
    if e == 0:                                     # an mpf below float64's range: stay in mpmath
        with mpmath.workdps(_DPS):
            return mpmath.mpf(z) * error
    return z * e


def _shift(value, offset):
    """float(value) + offset (overflow gives +-inf, never an exception); an mpf value below float64's range
    stays an mpf."""
    v = float(value)
    if v != 0 or value == 0:
        return v + offset
    with mpmath.workdps(_DPS):
        return mpmath.mpf(value) + offset


def confidence_radius(estimate: Estimate, alpha: float) -> tuple[float, ...]:
    """Per-component half-width of the two-sided level-``alpha`` interval (``inf`` beyond float64's range)."""
    _check_rate("alpha", alpha)
    if not estimate.statistical:
        return tuple(estimate.bound)
    z = _quantile(estimate, alpha, halved=True)
    return tuple(_times(z, se) for se in estimate.std_error)


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
    return (tuple(_shift(v, -r) for v, r in zip(estimate.value, radius)),
            tuple(_shift(v, r) for v, r in zip(estimate.value, radius)))


def detectable_discrepancy(estimate: Estimate, alpha: float, beta: float) -> tuple[float, ...]:
    """Per-component minimum detectable discrepancy at false-fail ``alpha`` and false-pass ``beta``.

    ``inf`` where it lies beyond float64's range (nothing at that scale is resolvable).
    """
    _check_rate("alpha", alpha)
    _check_rate("beta", beta)
    if not estimate.statistical:
        return tuple(2 * b for b in estimate.bound)
    z = _quantile(estimate, alpha, halved=True) + _quantile(estimate, beta)
    return tuple(_times(z, se) for se in estimate.std_error)


def _check_magnitude(name: str, x, *, zero: bool, infinite: bool) -> None:
    if isinstance(x, bool) or not isinstance(x, (numbers.Real, mpmath.mpf)):
        raise InvalidArgument(name, x, "a real number")
    if mpmath.isnan(x) or x < 0 or (x == 0 and not zero) or (mpmath.isinf(x) and not infinite):
        what = "non-negative" if zero else "positive"
        raise InvalidArgument(name, x, f"a {what} {'number or inf' if infinite else 'finite number'}")


def samples_needed(n: int, detectable: float, target: float) -> int:
    """Sample size at which a detectable discrepancy ``detectable`` at ``n`` samples shrinks to ``target``.

    max(n, ceil(n (detectable / target)^2)), computed in mpmath (no overflow or
    underflow whatever the two scales) and capped at :data:`SAMPLES_NEEDED_CAP`: a
    result equal to the cap means "at least that many", out of any budget's reach.
    ``detectable`` may be ``inf`` (as :func:`detectable_discrepancy` returns beyond
    float64's range); the result is then the cap.

    >>> samples_needed(1000, 0.2, 0.1)
    4000
    >>> samples_needed(1000, 1e300, 1e-300) == SAMPLES_NEEDED_CAP
    True
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise InvalidArgument("n", n, "a positive integer")
    _check_magnitude("detectable", detectable, zero=True, infinite=True)
    _check_magnitude("target", target, zero=False, infinite=False)
    if mpmath.isinf(detectable):
        return max(int(n), SAMPLES_NEEDED_CAP)
    with mpmath.workdps(_DPS):
        needed = mpmath.mpf(int(n)) * (mpmath.mpf(detectable) / mpmath.mpf(target)) ** 2
        if needed >= SAMPLES_NEEDED_CAP:
            return max(int(n), SAMPLES_NEEDED_CAP)
        return max(int(n), int(mpmath.ceil(needed)))
