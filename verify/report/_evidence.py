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

__all__ = ["Evidence", "evidence", "evidence_text", "in_brief"]


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


def _where(e: Evidence) -> str:
    lo, hi = e.predicted
    if lo <= e.lower and e.upper <= hi:
        return "inside"
    return "outside" if e.upper < lo or e.lower > hi else "straddles"


def in_brief(verdict: Verdict) -> str:
    """The evidence in one short phrase, in the same words for every kind of claim: what was measured against
    what was claimed. A statistical or exact claim: its relative discrepancy, and the smallest it could detect
    against its resolution (PASS needs detectable <= resolution and no significant discrepancy); an interval
    claim: where its confidence interval lies against the claimed range."""
    c = verdict.comparison
    if c is None:
        return "no look"
    if isinstance(c, IntervalComparison):
        rows = evidence(verdict)
        if len(rows) == 1:
            e = rows[0]
            return (f"CI [{e.lower:.3g}, {e.upper:.3g}] {_where(e)} range "
                    f"[{_g(e.predicted[0])}, {_g(e.predicted[1])}]")
        places = [_where(e) for e in rows]
        return f"{len(rows)} CIs: " + ", ".join(f"{places.count(w)} {w}" for w in ("inside", "straddles", "outside")
                                                 if places.count(w)) + " their ranges"
    detectable, resolution = verdict.min_detectable, verdict.claim.resolution
    shown = "-" if detectable is None else f"{detectable:.2g}"
    relation = " vs " if detectable is None else (" within " if detectable <= resolution else " above ")
    return f"discrepancy {c.relative_discrepancy:.2g}, detectable {shown}{relation}resolution {resolution:g}"
