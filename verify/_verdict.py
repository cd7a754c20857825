"""Verdicts: PASS, FAIL or INCONCLUSIVE, with the evidence that decided them."""

from __future__ import annotations

from dataclasses import dataclass, field

from ._claim import Claim
from ._compare import Comparison

__all__ = ["PASS", "FAIL", "INCONCLUSIVE", "OUTCOMES", "Reused", "Verdict", "decide", "explain"]

PASS, FAIL, INCONCLUSIVE = "PASS", "FAIL", "INCONCLUSIVE"
OUTCOMES = (PASS, FAIL, INCONCLUSIVE)


def decide(c: Comparison) -> str | None:
    """FAIL if the discrepancy is significant; PASS if not and the look resolves the claim; else None (undecided).

    A significant discrepancy fails even when it is below the claim's
    resolution: the claim is an equality, and the false-fail rate is controlled.
    """
    if c.significant:
        return FAIL
    if c.resolved:
        return PASS
    return None


def explain(outcome: str, c: Comparison) -> str:
    """One sentence saying why ``outcome`` was reached from ``c``."""
    disc, mdd = c.relative_discrepancy, c.relative_detectable
    interval = (f"the confidence radius at false-fail rate {c.alpha:.3g}" if c.estimate.statistical
                else "the error bound plus the prediction's rounding")
    if outcome == FAIL:
        return f"relative discrepancy {disc:.3g} exceeds {interval}"
    if outcome == PASS:
        return (f"relative discrepancy {disc:.3g} is within {interval}, and the minimum detectable "
                f"discrepancy {mdd:.3g} is <= the resolution {c.resolution:.3g}")
    if c.degenerate:
        return f"inconclusive: {c.degenerate}"
    return (f"no significant discrepancy ({disc:.3g}), but the minimum detectable discrepancy "
            f"{mdd:.3g} exceeds the resolution {c.resolution:.3g}")


@dataclass(frozen=True)
class Reused:
    """Where a reused verdict was decided: the git ``commit`` (or None), the time (ISO 8601) and the store."""

    commit: str | None
    decided: str
    store: str

    def describe(self) -> str:
        at = f" at commit {self.commit[:12]}" if self.commit else ""
        return f"reused from {self.store}: decided{at} on {self.decided}"


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking one claim, with its evidence.

    ``looks`` holds every sequential look (the last one decided); ``false_fail_rate``
    is the rate allotted to this claim and ``alpha_spent`` what its looks used.
    ``samples_needed`` estimates the sample size at which an INCONCLUSIVE claim
    would be resolved. ``pictures`` holds the claim's illustrations drawn as PNG
    (name, bytes) by the worker that decided it (None: not drawn yet), and ``plot`` the report's plot of its
    looks as PNG bytes (None: drawn when the report is written); ``reused`` is set when the verdict
    was not decided by this run but taken from a result cache.
    """

    claim: Claim
    outcome: str
    reason: str
    looks: tuple[Comparison, ...]
    seed: int
    budget: str
    false_fail_rate: float
    alpha_spent: float
    seconds: float
    samples_needed: int | None = None
    pictures: tuple[tuple[str, bytes], ...] | None = field(default=None, repr=False)
    plot: bytes | None = field(default=None, repr=False)
    reused: Reused | None = None

    @property
    def comparison(self) -> Comparison | None:
        """The final look (None if the estimator failed before the first look completed)."""
        return self.looks[-1] if self.looks else None

    @property
    def min_detectable(self) -> float | None:
        """Minimum detectable relative discrepancy at the final sample size."""
        return self.comparison.relative_detectable if self.looks else None
