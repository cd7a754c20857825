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
* A rate is refused when a piece of it (a look's share, split over up to 1024 components and an interval's two
  tails) would not be a normal float: see :func:`verify.per_claim_rate` for the smallest rate allowed.
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
import math
import sys
import threading
import time
from typing import Callable, Protocol

import numpy as np
from threadpoolctl import threadpool_limits

from numerics import Estimate, samples_needed

from ._arguments import budget_argument, callable_argument, calls_argument, claim_argument, probability, seed_argument
from ._budget import Budget
from ._claim import Claim, Kind
from ._compare import Comparison, compare
from ._interval import compare_interval, explain_interval
from ._outputs import (Undecidable, as_returned, claims_code, estimate_of, predicted_ranges, predicted_values,
                       prediction_errors)
from ._protocols import errors_of
from ._result import split_rate
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


def predict(claim: Claim) -> tuple[object, tuple | None]:
    """The claim's prediction (a tuple when it returned a sequence, else what it returned: :func:`check` judges
    it) and its own error bound, evaluated here (a non-finite value is the verdict's to report, not a warning's)."""
    with one_blas_thread(), np.errstate(all="ignore"):
        predicted = as_returned(claim.prediction(claim.values, dps=claim.dps))
        return predicted, errors_of(claim.prediction, claim.values, dps=claim.dps)


def estimate(claim: Claim, seed: int, look: int, n: int | None) -> Estimate:
    """The estimate of one look, evaluated here from the look's own stream (BLAS on one thread). numpy's floating
    point warnings are silenced: an overflow shows as a non-finite estimate, which the verdict reports."""
    with one_blas_thread(), np.errstate(all="ignore"):
        if n is None:
            return claim.estimator(claim.values, rng=None, n=None, dps=claim.dps)
        sequence = np.random.SeedSequence(int(seed), spawn_key=stream_key(claim, look))
        return claim.estimator(claim.values, rng=np.random.default_rng(sequence), n=n, dps=claim.dps)


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

    Raises only :class:`VerifierError` subclasses, and only for a bad argument (before the claim is checked):
    :class:`InvalidArgument` naming it (``claim`` not a :class:`Claim`, a negative ``seed``, a rate outside
    (0, 1) or too small to split over the budget's looks and the components, see :func:`verify.per_claim_rate`),
    :class:`UnknownName` for an unknown budget. Whatever the claim's own prediction or estimator raises or
    returns becomes its verdict (:mod:`verify._outputs`): FAIL for broken code (it raised, or returned something
    that is not a tuple of finite numbers or not a :class:`numerics.Estimate` of as many components),
    INCONCLUSIVE for :class:`NoConvergence` and for ``MemoryError`` / :class:`ResourceLimit` ("resources: ...").
    What the caller's own ``progress`` raises goes on to the caller.
    """
    plan = _arguments(claim, seed, budget, false_fail_rate, false_pass_rate, progress, calls)
    seed, false_fail_rate, false_pass_rate = int(seed), float(false_fail_rate), float(false_pass_rate)
    start = time.perf_counter()
    calls = calls or InProcess()
    looks: list = []
    take = _interval_looks if claim.kind is Kind.INTERVAL else _looks
    try:
        outcome, reason, needed = take(claim, seed, plan, false_fail_rate, false_pass_rate, progress, calls, looks)
    except Undecidable as stop:
        outcome, reason, needed = stop.outcome, stop.reason, None
        looks = looks if stop.keeps_looks else []
    return _verdict(claim, outcome, reason, looks, seed, plan.name, false_fail_rate, start, needed)


def _arguments(claim, seed, budget, false_fail_rate, false_pass_rate, progress, calls) -> Budget:
    claim_argument(claim)
    seed_argument(seed)
    plan = budget_argument(budget)
    split_rate(false_fail_rate, 1, plan.looks)
    probability("false_pass_rate", false_pass_rate)
    callable_argument("progress", progress)
    calls_argument(calls)
    return plan


def _shared(alpha_look: float, components: int, looks: int) -> None:
    """INCONCLUSIVE when a look's rate split over this many components and two tails is not a normal float (a
    claim with more than :data:`verify._result.COMPONENTS` components at a rate near the smallest allowed)."""
    if not alpha_look / components / 2 >= sys.float_info.min:
        raise Undecidable(INCONCLUSIVE, f"the false-fail rate {alpha_look * looks:.3g} allotted to this claim, split "
                          f"over {looks} looks, {components} components and two tails, is below the smallest "
                          "normal float; a larger false-fail rate resolves it")


def _looks(claim, seed, plan, rate, beta, progress, calls: Calls, looks: list) -> tuple[str, str, int | None]:
    returned, errors = claims_code("prediction", calls.predict, claim)
    predicted = predicted_values(returned)
    prediction_error = prediction_errors(errors, len(predicted))
    if claim.kind is Kind.EXACT:
        sizes, alpha_look = (None,), rate
    else:
        sizes, alpha_look = plan.sample_sizes(claim.n_start), rate / plan.looks
    _shared(alpha_look, len(predicted), len(sizes))
    outcome = None
    for k, n in enumerate(sizes):
        if progress:
            progress(claim, k, len(sizes), n or 0)
        estimate = estimate_of(claims_code("estimator", calls.estimate, claim, seed, k, n), len(predicted))
        with _MPMATH:
            looks.append(compare(predicted, estimate, resolution=claim.resolution, alpha=alpha_look,
                                 beta=beta, dps=claim.dps, scale_floor=claim.scale_floor,
                                 prediction_error=prediction_error))
        outcome = decide(looks[-1])
        if outcome is not None:
            break
    outcome = outcome or INCONCLUSIVE
    needed = _needed(looks[-1], claim.resolution) if outcome == INCONCLUSIVE else None
    reason = explain(outcome, looks[-1])
    if outcome == INCONCLUSIVE and not looks[-1].degenerate:
        reason += "; " + remedy(claim, plan, needed)
    return outcome, reason, needed


def remedy(claim: Claim, plan: Budget, needed: int | None) -> str:
    """What would resolve an INCONCLUSIVE claim: the samples (and the budget whose last look reaches them), or,
    for an interval claim (``needed`` None), a larger budget's narrower intervals."""
    from ._budget import BUDGETS

    if claim.kind is Kind.INTERVAL or needed is None:
        if claim.kind is not Kind.INTERVAL:
            return "more samples would not resolve it within 2**62 (a coarser resolution might)"
        larger = [b.name for b in BUDGETS.values() if b.looks > plan.looks]
        return (f"more draws narrow the intervals: --budget {larger[-1]}" if larger
                else f"more draws than the {plan.name} budget takes would narrow the intervals (a larger n_start)")
    reach = next((b.name for b in BUDGETS.values() if claim.n_start << (b.looks - 1) >= needed), None)
    return (f"about {needed} samples would resolve it"
            + (f" (--budget {reach} reaches them)" if reach and reach != plan.name else
               " (beyond every budget: a larger n_start or a coarser resolution)" if reach is None else ""))


#: log of the largest sample size worth suggesting (2**62): beyond it a claim is not resolved by sampling more
_MOST_SAMPLES_LOG = 62 * math.log(2)


def _needed(last: Comparison, resolution: float) -> int | None:
    """The sample size that would resolve an INCONCLUSIVE look, computed in log space (a detectable discrepancy of
    1e300 over a resolution of 1e-2 must not overflow); None when it cannot be said or is beyond 2**62."""
    n, mdd = last.estimate.n_samples, last.relative_detectable
    if not n or last.degenerate or not 0 < mdd < math.inf or not mdd > resolution:
        return None
    if math.log(n) + 2 * (math.log(mdd) - math.log(resolution)) > _MOST_SAMPLES_LOG:
        return None
    return samples_needed(n, mdd, resolution)


def _interval_looks(claim, seed, plan, rate, beta, progress, calls: Calls, looks: list) -> tuple[str, str, None]:
    ranges = predicted_ranges(claims_code("prediction", calls.predict, claim)[0])
    sizes = plan.sample_sizes(claim.n_start)
    _shared(rate / plan.looks, len(ranges), plan.looks)
    outcome = None
    for k, n in enumerate(sizes):
        if progress:
            progress(claim, k, len(sizes), n)
        estimate = estimate_of(claims_code("estimator", calls.estimate, claim, seed, k, n), len(ranges))
        if not claim.spends_rate and estimate.statistical:
            raise Undecidable(FAIL, f"the claim's estimator returned a statistical estimate ({estimate.method!r}), "
                              "but declares deterministic = True (so no rate was allotted to it)")
        with _MPMATH:
            looks.append(compare_interval(ranges, estimate, alpha=rate / plan.looks, beta=beta,
                                          resolution=claim.resolution))
        outcome = decide(looks[-1])
        if outcome is not None or not estimate.statistical:   # a bound does not shrink with more looks
            break
    outcome = outcome or INCONCLUSIVE
    reason = explain_interval(outcome, looks[-1])
    if outcome == INCONCLUSIVE and not looks[-1].degenerate and looks[-1].estimate.statistical:
        reason += "; " + remedy(claim, plan, None)
    return outcome, reason, None


def _verdict(claim, outcome, reason, looks, seed, budget_name, rate, start, needed) -> Verdict:
    spent = sum(c.alpha for c in looks if c.estimate.statistical)
    return Verdict(claim, outcome, reason, tuple(looks), int(seed), budget_name, rate, spent,
                   time.perf_counter() - start, needed)
