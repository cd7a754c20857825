"""How a verdict moves with a threshold we chose: the decision re-taken on the same evidence across its range.

A claim declares its chosen thresholds (:attr:`verify.Claim.thresholds`: parameter name -> rationale). Where
the threshold enters the prediction (a range's end), the interval comparison of the last look is re-decided
at other values of it: no new sampling, the same confidence intervals. Where it enters the estimate (a cut
inside a frequency), the sweep is not available from one run and the report says so.

>>> from theory import Interval
>>> from verify import Claim, Kind, Parameter, Provenance, Ranges
>>> c = Claim(id="demo.t", title="t", provenance=Provenance("derived"), kind=Kind.INTERVAL, resolution=0.1,
...           parameters={"cut": Parameter(0.5, Interval(0, 1))}, thresholds={"cut": "ours"},
...           prediction=Ranges((("cut", 1.0),), "a frequency"), estimator=lambda v, **k: None)
>>> [o for _, o in sweep(c, "cut", (0.7,), (0.9,), points=5)]
['PASS', 'PASS', 'PASS', 'INCONCLUSIVE', 'FAIL']
"""

from __future__ import annotations

import math

import numpy as np

from theory import InvalidArgument

from ._claim import Claim
from ._interval import check_ranges, inside, misses
from ._verdict import FAIL, INCONCLUSIVE, PASS

__all__ = ["sweep", "threshold_records", "SWEEP_POINTS"]

#: Values of a threshold at which the verdict is re-decided for the report.
SWEEP_POINTS = 41


def _grid(claim: Claim, name: str, points: int) -> np.ndarray:
    """The threshold's whole domain where it is bounded, with a decade either side of its value too when the value
    sits in the domain's first tenth (so that where the verdict turns near it is seen); else a decade either side of
    its value. The value itself is always a point."""
    p = claim.parameters[name]
    value, lo, hi = float(p.value), p.domain.low, p.domain.high
    if not (math.isinf(lo) or math.isinf(hi)):
        grid = np.linspace(lo, hi, points)
        if lo >= 0 and 0 < value and value - lo < (hi - lo) / 10:
            grid = np.concatenate([grid, np.clip(value * np.logspace(-1, 1, points // 2), lo, hi)])
        return np.unique(np.append(grid, value))
    if value > 0 and lo >= 0:
        return value * np.logspace(-1, 1, points)
    span = max(abs(value), 1.0)
    return np.clip(np.linspace(value - 2 * span, value + 2 * span, points), lo, hi)


def _decide(ranges, lower, upper) -> str:
    """The engine's rule for one look (:class:`IntervalComparison`): FAIL when an interval misses its range, PASS when
    all lie inside, else undecided (INCONCLUSIVE at the last look, which the recorded one is)."""
    return FAIL if misses(ranges, lower, upper) else PASS if inside(ranges, lower, upper) else INCONCLUSIVE


def sweep(claim: Claim, name: str, lower, upper, *, points: int = SWEEP_POINTS) -> list[tuple[float, str]]:
    """(threshold value, verdict) across the threshold's range, re-deciding the intervals [lower, upper]; values at
    which the ranges are no longer ranges (an end swept past the other) are left out."""
    out = []
    for x in _grid(claim, name, points):
        x = round(float(x)) if claim.parameters[name].domain.integer else float(x)
        try:
            ranges = check_ranges(claim.prediction({**claim.values, name: x}, dps=claim.dps))
        except InvalidArgument:  # e.g. a lower end swept past the upper one: no statement there, so no verdict
            continue
        out.append((x, _decide(ranges, lower, upper)))
    return out


def _enters_prediction(claim: Claim, name: str) -> bool:
    value = claim.parameters[name].value
    moved = [x for x in _grid(claim, name, 5) if x != value]
    here = claim.prediction(claim.values, dps=claim.dps)
    return any(claim.prediction({**claim.values, name: float(x)}, dps=claim.dps) != here for x in moved)


def threshold_records(claim: Claim, lower=None, upper=None) -> list[dict[str, object]]:
    """For the report: each chosen threshold with its value, rationale and, where the last look's intervals
    (``lower``, ``upper``) allow, the verdict across its range."""
    records = []
    for name, why in claim.thresholds.items():
        record: dict[str, object] = {"name": name, "value": claim.parameters[name].value, "rationale": why,
                                     "sweep": None, "note": ""}
        if lower is None:
            record["note"] = "no interval to re-decide (not an interval claim, or no look)"
        elif _enters_prediction(claim, name):
            record["sweep"] = [[x, o] for x, o in sweep(claim, name, lower, upper)]
        else:
            record["note"] = "it enters the estimate, not the ranges: vary it with --set and run again"
        records.append(record)
    return records


def threshold_text(record: dict) -> str:
    """One line: the threshold, its rationale, and where the verdict turns."""
    head = f"threshold {record['name']} = {record['value']:g} (ours: {record['rationale']})"
    if not record["sweep"]:
        return f"{head}; {record['note']}"
    runs, last = [], None
    for x, outcome in record["sweep"]:
        if outcome != last:
            runs.append([outcome, x, x])
            last = outcome
        runs[-1][2] = x
    return head + "; verdict across it: " + ", ".join(f"{o} for {a:.3g}..{b:.3g}" for o, a, b in runs)
