"""The evidence of a verdict, per component: prediction, estimate and confidence interval.

One source for every place that shows why a claim got its outcome (the HTML
report, JUnit failure messages, pytest failures), so they never disagree.
Nothing here is mathematics: the interval of a statistical or exact look is
the estimate plus or minus the comparison's radius, which ``compare`` already
computed relative to the prediction's scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import mpmath

from .._interval import IntervalComparison
from .._verdict import Verdict

__all__ = ["Evidence", "evidence", "evidence_text"]


@dataclass(frozen=True)
class Evidence:
    """One component of a verdict's last look.

    ``predicted`` is a number, or a ``(lo, hi)`` range for an interval claim
    (an infinite end is ``inf``). ``lower`` and ``upper`` bound the estimate's
    confidence interval at the look's false-fail rate (for an exact claim: the
    estimator's bound plus the prediction's rounding).
    """

    component: int
    predicted: float | tuple[float, float]
    estimate: float
    lower: float
    upper: float


def _float(x: object) -> float:
    return float(mpmath.mpf(x)) if isinstance(x, mpmath.mpf) else float(x)


def evidence(verdict: Verdict) -> tuple[Evidence, ...]:
    """The last look's components, or () if no look completed."""
    c = verdict.comparison
    if c is None:
        return ()
    values = [_float(v) for v in c.estimate.value]
    if isinstance(c, IntervalComparison):
        return tuple(Evidence(k, (lo, hi), v, low, up)
                     for k, ((lo, hi), v, low, up) in enumerate(zip(c.predicted, values, c.lower, c.upper)))
    rows = []
    for k, (p, v, r, s) in enumerate(zip(c.predicted, values, c.radius, c.scale)):
        half = r * _float(s)
        rows.append(Evidence(k, _float(p), v, v - half, v + half))
    return tuple(rows)


def _g(x: float) -> str:
    return "inf" if x == math.inf else ("-inf" if x == -math.inf else f"{x:.6g}")


def _predicted(p: float | tuple[float, float]) -> str:
    return f"in [{_g(p[0])}, {_g(p[1])}]" if isinstance(p, tuple) else _g(p)


def evidence_text(verdict: Verdict) -> str:
    """A few lines a person reads in a failed test: outcome and why, then prediction, estimate and interval."""
    claim, c = verdict.claim, verdict.comparison
    lines = [f"{claim.id}: {verdict.outcome}: {verdict.reason}", f"  claim: {claim.title}",
             f"  provenance: {claim.provenance.describe()}"]
    formula = claim.formula()
    if formula:
        lines.append(f"  formula: {formula}")
    for e in evidence(verdict):
        what = "bound" if c is not None and not c.estimate.statistical else "confidence interval"
        lines.append(f"  [{e.component}] predicted {_predicted(e.predicted)}; estimate {_g(e.estimate)}, "
                     f"{what} [{_g(e.lower)}, {_g(e.upper)}]")
    if c is not None:
        n = c.estimate.n_samples
        lines.append(f"  {n or 'no'} samples by {c.estimate.method}; seed {verdict.seed}, budget {verdict.budget}, "
                     f"false-fail rate {verdict.false_fail_rate:.3g} allotted, {verdict.alpha_spent:.3g} spent")
    return "\n".join(lines)
