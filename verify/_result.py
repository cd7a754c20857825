"""The record of a run: its verdicts and settings, and the Bonferroni split of its false-fail rate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ._claim import Claim
from ._verdict import FAIL, OUTCOMES, Verdict

__all__ = ["RunResult", "per_claim_rate"]


@dataclass(frozen=True)
class RunResult:
    """The verdicts of one run (in the order the claims were selected), with its settings.

    ``interrupted`` if stopped early; ``executor`` says where the work ran (``in-process``, ``processes x2``,
    ``dask ...``); ``resumed`` counts the verdicts taken over from the interrupted run this one resumed, and
    ``reused`` those taken from a cache (each such verdict carries :attr:`Verdict.reused`).
    """

    verdicts: tuple[Verdict, ...]
    seed: int
    budget: str
    false_fail_rate: float
    false_pass_rate: float
    started: str
    seconds: float
    selected: int
    interrupted: bool = False
    executor: str = "in-process"
    resumed: int = 0
    reused: int = 0

    def counts(self) -> dict[str, int]:
        return {o: sum(v.outcome == o for v in self.verdicts) for o in OUTCOMES}

    @property
    def failed(self) -> bool:
        return any(v.outcome == FAIL for v in self.verdicts)


def per_claim_rate(claims: Sequence[Claim], false_fail_rate: float) -> float:
    """The run's false-fail rate divided evenly over the claims that spend it (Bonferroni): statistical claims and
    interval claims with a sampled estimate (:attr:`Claim.spends_rate`)."""
    statistical = sum(c.spends_rate for c in claims)
    return false_fail_rate / max(statistical, 1)
