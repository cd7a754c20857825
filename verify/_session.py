"""A command-line run's result stores: the report directory's own, for ``--resume``, and a ``--cache``.

Every verdict is recorded in the report directory's store the moment it is decided (and in the cache, when
one is given); a verdict taken from the cache is not recorded again. A new run into a directory starts its
store afresh, after reading how long each claim took last time (the long ones are started first).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from ._check import DEFAULT_FALSE_PASS_RATE
from ._claim import Claim
from ._result import per_claim_rate
from ._store import Store
from ._verdict import Verdict

__all__ = ["Session", "preload_modules"]


class Session:
    """The stores of one ``verify run`` (a context manager that closes them)."""

    def __init__(self, report: str | Path, *, resume: bool = False, cache: str | Path | None = None,
                 false_pass_rate: float = DEFAULT_FALSE_PASS_RATE):
        from .report._environment import environment

        self.beta, self.resume = false_pass_rate, resume
        self.store = Store(report, option="--resume" if resume else "--report", create=not resume)
        self.timings = self.store.timings()
        if not resume:
            self.store.clear()
        self.cache = Store(cache, option="--cache") if cache else None
        if self.cache is not None:
            self.timings = {**self.cache.timings(), **self.timings}
        self.commit = environment()["git"]["commit"]

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc) -> None:
        self.store.close()
        if self.cache is not None:
            self.cache.close()

    def decided(self, claims: Sequence[Claim], *, seed: int, budget: str,
                false_fail_rate: float) -> dict[str, Verdict]:
        """The verdicts already decided for ``claims`` at these settings: by the interrupted run being resumed,
        then from the cache (marked as reused)."""
        settings = dict(seed=seed, budget=budget, rate=per_claim_rate(claims, false_fail_rate), beta=self.beta)
        found: dict[str, Verdict] = {}
        for claim in claims:
            verdict = self.store.get(claim, reused=False, **settings) if self.resume else None
            if verdict is None and self.cache is not None:
                verdict = self.cache.get(claim, reused=True, **settings)
            if verdict is not None:
                found[claim.id] = verdict
        return found

    def recorder(self, then: Callable[[Verdict], None]) -> Callable[[Verdict], None]:
        """An ``on_verdict`` that records each newly decided verdict, then calls ``then``."""
        def record(verdict: Verdict) -> None:
            if verdict.reused is None:
                self.store.put(verdict, beta=self.beta, commit=self.commit)
                if self.cache is not None:
                    self.cache.put(verdict, beta=self.beta, commit=self.commit)
            then(verdict)
        return record

    def order(self, claim: Claim) -> float:
        """Seconds the claim took when last recorded (0 if never): the long ones start first."""
        return self.timings.get(claim.id, 0.0)


def preload_modules(claims: Sequence[Claim]) -> list[str]:
    """The importable modules that define the claims' code, for worker processes to import before any work."""
    found = set()
    for claim in claims:
        for obj in (claim.prediction, claim.estimator):
            obj = getattr(obj, "func", obj)
            name = getattr(obj, "__module__", None) or type(obj).__module__
            if name and name != "__main__":
                found.add(name)
    return sorted(found)
