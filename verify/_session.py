"""A command-line run's result stores: the report directory's own, for ``--resume``, and a ``--cache``.

Every verdict is recorded in the report directory's store the moment it is decided (and in the cache, when
one is given); a verdict taken from the cache is not recorded again, nor is one without a look (a timeout, a
dead worker, an exception: the machinery's failure, not the evidence's). A new run into a directory starts its
store afresh, after reading how long each claim took last time (the long ones are started first).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, Sequence

from theory import InvalidArgument

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

        self.beta, self.resume, self.warned = false_pass_rate, resume, False
        self.cache = Store(cache, option="--cache") if cache else None
        self.store = Store(report, option="--resume" if resume else "--report", create=not resume)
        if self.cache is not None and self.cache.path.resolve() == self.store.path.resolve():
            raise InvalidArgument("--cache", str(cache), "a directory other than --report (a new run clears the "
                                  "report's own store)")
        self.timings = {**(self.cache.timings() if self.cache else {}), **self.store.timings()}
        self.commit = environment()["git"]["commit"]

    def begin(self) -> None:
        """Start the run's record: a new run (not ``--resume``) forgets what the directory's store held. Called
        once everything else has been checked, so a refused command changes nothing."""
        if not self.resume:
            self.store.clear()

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
        rate = per_claim_rate(claims, false_fail_rate, budget=budget)
        settings = dict(seed=seed, budget=budget, rate=rate, beta=self.beta)
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
            if verdict.reused is None and verdict.looks:  # no look: a timeout, a dead worker, an exception
                for store in (self.store, self.cache):
                    if store is None:
                        continue
                    try:
                        store.put(verdict, beta=self.beta, commit=self.commit)
                    except Exception as exc:  # noqa: BLE001  (a store that fails must not stop the run)
                        if not self.warned:
                            sys.stderr.write(f"verify: warning: verdicts are not being stored: {exc}\n")
                        self.warned = True
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
