"""The record of a run: its verdicts and settings, and the Bonferroni split of its false-fail rate."""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from typing import Iterable, Sequence

from theory import InvalidArgument

from ._arguments import budget_argument, claim_argument, probability
from ._budget import BUDGETS, Budget
from ._claim import Claim
from ._verdict import FAIL, OUTCOMES, Verdict

__all__ = ["RunResult", "per_claim_rate", "split_rate", "smallest_rate", "COMPONENTS"]

#: The most components a prediction is assumed to have when a rate's split is checked before the predictions are
#: known; a claim with more, whose share would underflow, is INCONCLUSIVE and says so (:func:`verify.check`).
COMPONENTS = 1024
_TINY = sys.float_info.min  # the smallest normal float


@dataclass(frozen=True)
class RunResult:
    """The verdicts of one run (in the order the claims were selected), with its settings.

    ``interrupted`` if stopped early; ``executor`` says where the work ran (``in-process``, ``processes x2``,
    ``dask ...``); ``resumed`` counts the verdicts taken over from the interrupted run this one resumed, and
    ``reused`` those taken from a cache (each such verdict carries :attr:`Verdict.reused`).
    ``false_fail_rate_per_claim`` is the rate each claim that spends it was allotted: the run's rate over all the
    selected claims that spend it, decided or not (an interrupted run allotted it to claims it never reached).
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
    false_fail_rate_per_claim: float | None = None

    def counts(self) -> dict[str, int]:
        return {o: sum(v.outcome == o for v in self.verdicts) for o in OUTCOMES}

    @property
    def failed(self) -> bool:
        return any(v.outcome == FAIL for v in self.verdicts)


def per_claim_rate(claims: Sequence[Claim], false_fail_rate: float, *, budget: str | Budget | None = None) -> float:
    """The run's false-fail rate divided evenly over the claims that spend it (Bonferroni): statistical claims and
    interval claims with a sampled estimate (:attr:`Claim.spends_rate`).

    A rate too small to split is refused (:func:`split_rate`); ``budget`` gives the number of looks (None: the
    most any budget takes, which is safe for every budget).

    >>> try:
    ...     per_claim_rate([], 5e-324)
    ... except InvalidArgument as exc:
    ...     print(exc.allowed)
    at least 6e-304 for 1 claim at 13 looks
    """
    looks = budget_argument(budget).looks if budget is not None else max(b.looks for b in BUDGETS.values())
    if isinstance(claims, (str, bytes)) or not isinstance(claims, Iterable):
        raise InvalidArgument("claims", claims, "a sequence of verify.Claim")
    spending = sum(claim_argument(c, "claims[...]").spends_rate for c in claims)
    return split_rate(false_fail_rate, spending, looks)


def split_rate(rate: float, spending: int, looks: int) -> float:
    """``rate`` split evenly over ``spending`` claims (at least one): each claim's share.

    The share is then split over ``looks`` looks, up to :data:`COMPONENTS` components and the two tails of an
    interval (see :mod:`verify._check`); a rate whose smallest piece would not be a normal float (it would
    underflow to 0 or lose its digits, and a claim would FAIL on a rate of 0) is an InvalidArgument naming
    ``false_fail_rate``, with the smallest rate allowed for this selection (:func:`smallest_rate`).
    """
    rate = probability("false_fail_rate", rate)  # a float, whatever number type it came as
    share = rate / max(spending, 1)
    if not share / looks / COMPONENTS / 2 >= _TINY:
        claims = f"{max(spending, 1)} claim{'s' if spending > 1 else ''}"
        raise InvalidArgument("false_fail_rate", rate, f"at least {smallest_rate(spending, looks):.2g} for {claims} "
                              f"at {looks} looks", f"each look's share, split over up to {COMPONENTS} components "
                              "and two tails, must stay a normal float")
    return share


def smallest_rate(spending: int, looks: int) -> float:
    """The smallest false-fail rate, at two significant digits (rounded up), that :func:`split_rate` accepts."""
    exact = 2 * COMPONENTS * looks * max(spending, 1) * _TINY
    exponent = math.floor(math.log10(exact)) - 1
    digits = math.ceil(exact / 10.0 ** exponent)
    while not float(f"{digits}e{exponent}") / max(spending, 1) / looks / COMPONENTS / 2 >= _TINY:
        digits += 1
    return float(f"{digits}e{exponent}")
