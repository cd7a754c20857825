"""Running many claims: the run-wide false-fail rate split over the statistical claims."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Sequence

from ._check import DEFAULT_FALSE_FAIL_RATE, DEFAULT_FALSE_PASS_RATE, Progress, check
from ._budget import budget as lookup_budget
from ._claim import Claim
from ._verdict import FAIL, OUTCOMES, Verdict

__all__ = ["RunResult", "run", "per_claim_rate"]


@dataclass(frozen=True)
class RunResult:
    """The verdicts of one run, with its settings; ``interrupted`` if stopped early."""

    verdicts: tuple[Verdict, ...]
    seed: int
    budget: str
    false_fail_rate: float
    false_pass_rate: float
    started: str
    seconds: float
    selected: int
    interrupted: bool = False

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


def run(claims: Sequence[Claim], *, seed: int = 0, budget: str = "standard",
        false_fail_rate: float = DEFAULT_FALSE_FAIL_RATE,
        false_pass_rate: float = DEFAULT_FALSE_PASS_RATE,
        progress: Progress | None = None,
        on_verdict: Callable[[Verdict], None] | None = None) -> RunResult:
    """Check every claim; a KeyboardInterrupt ends the run early but keeps what was decided."""
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    rate = per_claim_rate(claims, false_fail_rate)
    verdicts: list[Verdict] = []
    interrupted = False
    try:
        for claim in claims:
            try:
                verdict = check(claim, seed=seed, budget=budget, false_fail_rate=rate,
                                false_pass_rate=false_pass_rate, progress=progress)
            except Exception as exc:  # noqa: BLE001  (one broken claim must not lose the run)
                verdict = Verdict(claim, FAIL, f"the claim raised {type(exc).__name__}: {exc}", (), seed,
                                  lookup_budget(budget).name, rate, 0.0, 0.0)
            verdicts.append(verdict)
            if on_verdict:
                on_verdict(verdict)
    except KeyboardInterrupt:
        interrupted = True
    return RunResult(tuple(verdicts), seed, budget, false_fail_rate, false_pass_rate, started,
                     time.perf_counter() - t0, len(claims), interrupted)
