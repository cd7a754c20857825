"""Checking one claim: closed form -> estimate -> comparison -> verdict.

Error control (documented in the README, "How verdicts are calibrated"):

* A run declares its false-fail rate (default 1e-3). It is split evenly over
  the statistical claims of the run (Bonferroni); a single :func:`check` uses
  the whole rate for its one claim.
* Within a claim, the sample size doubles over a fixed schedule of K looks
  (K from the budget) and each look spends alpha/K: Bonferroni alpha spending,
  valid whatever the dependence between looks, so the probability that a true
  claim FAILs at any look is at most its allotted rate. Each look draws fresh,
  independent samples from its own SeedSequence child.
* Within a look, the rate is split evenly over the prediction's components.
* PASS needs the minimum detectable discrepancy (at false-pass rate beta,
  default 0.05) to be at most the claim's resolution: a PASS means a discrepancy
  of that size would have been caught with probability >= 1 - beta.

Exact claims are decided once, against the estimator's bound; they spend no
false-fail rate. Interval claims (:mod:`verify._interval`) take the same looks
and rates as statistical ones but are decided by where the confidence interval
lies relative to the claimed range; one whose estimate is a deterministic bound is
decided at its first look (more looks would repeat it), and spends no rate when its
estimator declares ``deterministic = True``.
"""

from __future__ import annotations

import hashlib
import threading
import time
from typing import Callable, Protocol

import mpmath
import numpy as np
from threadpoolctl import threadpool_limits

from numerics import Estimate, samples_needed
from theory import InvalidArgument, NoConvergence

from ._budget import budget as lookup_budget
from ._claim import Claim, Kind
from ._compare import Comparison, compare
from ._interval import check_ranges, compare_interval, explain_interval
from ._protocols import errors_of
from ._verdict import FAIL, INCONCLUSIVE, Verdict, decide, explain

__all__ = ["check", "claim_key", "stream_key", "Calls", "InProcess", "DEFAULT_FALSE_FAIL_RATE",
           "DEFAULT_FALSE_PASS_RATE"]

DEFAULT_FALSE_FAIL_RATE = 1e-3
DEFAULT_FALSE_PASS_RATE = 0.05

Progress = Callable[[Claim, int, int, int], None]

#: mpmath's working precision is one per process: comparisons in a run's driver threads take turns
_MPMATH = threading.Lock()


def claim_key(claim_id: str) -> int:
    """A stable 32-bit key of a claim id: its stream does not depend on which other claims run."""
    return int.from_bytes(hashlib.sha256(claim_id.encode()).digest()[:4], "little")


def stream_key(claim: Claim, look: int) -> tuple[int, int, int]:
    """The ``SeedSequence`` spawn key of a claim's look: its id, its parameter values and the look's index.

    With the run seed, this is all a claim's numbers depend on: not the executor, the workers, their order or
    the other claims selected. A claim re-run with other parameter values (``--set``) draws a fresh stream; its
    declared thresholds (:attr:`Claim.thresholds`) are left out, since they decide on the draws and do not make
    them: a claim re-run at another threshold is judged on the same evidence.
    """
    values = ";".join(f"{k}={v!r}" for k, v in sorted(claim.values.items()) if k not in claim.thresholds)
    return claim_key(claim.id), claim_key(values), look


class Calls(Protocol):
    """Where a claim's expensive calls run: here (:class:`InProcess`) or on the workers of a run's executor."""

    def predict(self, claim: Claim) -> tuple[tuple, tuple | None]:
        """The prediction at the claim's values, and its own error bound (None when it declares none)."""

    def estimate(self, claim: Claim, seed: int, look: int, n: int | None) -> Estimate:
        """The estimate of look ``look`` with ``n`` samples (None: the exact estimator's one call)."""


class InProcess:
    """Every call in this process and thread, one after another (``--jobs 1``; debuggers and profilers)."""

    def predict(self, claim: Claim) -> tuple[tuple, tuple | None]:
        return predict(claim)

    def estimate(self, claim: Claim, seed: int, look: int, n: int | None) -> Estimate:
        return estimate(claim, seed, look, n)


def one_blas_thread():
    """A context in which BLAS and OpenMP use one thread: a multi-threaded BLAS sums in an order that depends on
    its thread count, which would make the last bits of an estimate depend on the machine and the executor."""
    return threadpool_limits(limits=1)


def predict(claim: Claim) -> tuple[tuple, tuple | None]:
    """The claim's prediction and its own error bound, evaluated here."""
    with one_blas_thread():
        predicted = tuple(claim.prediction(claim.values, dps=claim.dps))
        return predicted, errors_of(claim.prediction, claim.values, dps=claim.dps)


def estimate(claim: Claim, seed: int, look: int, n: int | None) -> Estimate:
    """The estimate of one look, evaluated here from the look's own stream (BLAS on one thread)."""
    with one_blas_thread():
        if n is None:
            return claim.estimator(claim.values, rng=None, n=None, dps=claim.dps)
        sequence = np.random.SeedSequence(int(seed), spawn_key=stream_key(claim, look))
        return claim.estimator(claim.values, rng=np.random.default_rng(sequence), n=n, dps=claim.dps)


def _validate(seed: object, rate: float, name: str) -> None:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InvalidArgument("seed", seed, "a non-negative integer")
    if not (isinstance(rate, (int, float)) and 0 < rate < 1):
        raise InvalidArgument(name, rate, "a probability in (0, 1)")


def check(claim: Claim, *, seed: int = 0, budget: str = "standard",
          false_fail_rate: float = DEFAULT_FALSE_FAIL_RATE,
          false_pass_rate: float = DEFAULT_FALSE_PASS_RATE,
          progress: Progress | None = None, calls: Calls | None = None) -> Verdict:
    """Check ``claim`` and return its :class:`Verdict`.

    ``false_fail_rate`` is the probability, allotted to this claim, that it FAILs
    although true; ``false_pass_rate`` the chance that a discrepancy of the
    claim's resolution goes unnoticed when the verdict is PASS. Same seed, same
    result. ``progress(claim, look, looks, n)`` is called before each look. ``calls`` says where the
    prediction and the estimates are computed (default: here); the verdict does not depend on it.
    """
    _validate(seed, false_fail_rate, "false_fail_rate")
    _validate(0, false_pass_rate, "false_pass_rate")
    plan = lookup_budget(budget)
    start = time.perf_counter()
    calls = calls or InProcess()
    if claim.kind is Kind.INTERVAL:
        return _check_interval(claim, seed, plan, false_fail_rate, false_pass_rate, progress, start, calls)
    predicted, prediction_error = calls.predict(claim)
    if not all(mpmath.isfinite(mpmath.mpf(p)) for p in predicted):
        return _verdict(claim, FAIL, f"the prediction is not finite: {tuple(map(str, predicted))}", [], seed,
                        plan.name, false_fail_rate, start, needed=None)
    if claim.kind is Kind.EXACT:
        sizes, alpha_look = (None,), false_fail_rate
    else:
        sizes, alpha_look = plan.sample_sizes(claim.n_start), false_fail_rate / plan.looks
    looks: list[Comparison] = []
    outcome = None
    for k, n in enumerate(sizes):
        if progress:
            progress(claim, k, len(sizes), n or 0)
        try:
            estimate = calls.estimate(claim, seed, k, n)
        except NoConvergence as exc:
            return _verdict(claim, INCONCLUSIVE, f"estimator did not converge: {exc}", looks, seed, plan.name,
                            false_fail_rate, start, needed=None)
        with _MPMATH:
            looks.append(compare(predicted, estimate, resolution=claim.resolution, alpha=alpha_look,
                                 beta=false_pass_rate, dps=claim.dps, scale_floor=claim.scale_floor,
                                 prediction_error=prediction_error))
        outcome = decide(looks[-1])
        if outcome is not None:
            break
    outcome = outcome or INCONCLUSIVE
    last = looks[-1]
    needed = None
    if outcome == INCONCLUSIVE and last.estimate.n_samples and not last.degenerate:
        needed = samples_needed(last.estimate.n_samples, last.relative_detectable, claim.resolution)
    return _verdict(claim, outcome, explain(outcome, last), looks, seed, plan.name, false_fail_rate, start, needed)


def _check_interval(claim, seed, plan, rate, beta, progress, start, calls: Calls) -> Verdict:
    ranges = check_ranges(calls.predict(claim)[0])
    sizes = plan.sample_sizes(claim.n_start)
    looks, outcome = [], None
    for k, n in enumerate(sizes):
        if progress:
            progress(claim, k, len(sizes), n)
        try:
            estimate = calls.estimate(claim, seed, k, n)
        except NoConvergence as exc:
            return _verdict(claim, INCONCLUSIVE, f"estimator did not converge: {exc}", looks, seed, plan.name,
                            rate, start, needed=None)
        if not claim.spends_rate and estimate.statistical:
            raise InvalidArgument(f"estimator of {claim.id}", estimate.method,
                                  "a bound estimate (the estimator is declared deterministic, so no rate was allotted)")
        with _MPMATH:
            looks.append(compare_interval(ranges, estimate, alpha=rate / plan.looks, beta=beta,
                                          resolution=claim.resolution))
        outcome = decide(looks[-1])
        if outcome is not None or not estimate.statistical:   # a bound does not shrink with more looks
            break
    outcome = outcome or INCONCLUSIVE
    return _verdict(claim, outcome, explain_interval(outcome, looks[-1]), looks, seed, plan.name, rate, start,
                    needed=None)


def _verdict(claim, outcome, reason, looks, seed, budget_name, rate, start, needed) -> Verdict:
    spent = sum(c.alpha for c in looks if c.estimate.statistical)
    return Verdict(claim, outcome, reason, tuple(looks), int(seed), budget_name, rate, spent,
                   time.perf_counter() - start, needed)

