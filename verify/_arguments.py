"""The arguments of the public calls (:func:`verify.check`, :func:`verify.run`), checked at the door.

A wrong type or value is an :class:`InvalidArgument` naming the argument, raised before any claim is checked: a
bad argument is the caller's mistake, never a verdict of the claims.
"""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Mapping, Sequence

import numpy as np

from theory import InvalidArgument

from ._budget import BUDGETS, Budget
from ._budget import budget as lookup_budget
from ._claim import Claim
from ._verdict import Verdict

__all__ = ["claim_argument", "seed_argument", "real", "probability", "budget_argument", "callable_argument",
           "calls_argument", "claims_argument", "run_arguments"]


def claim_argument(claim: object, name: str = "claim") -> Claim:
    """``claim`` itself, when it is a :class:`verify.Claim`."""
    if not isinstance(claim, Claim):
        raise InvalidArgument(name, claim, "a verify.Claim",
                              "look one up by id with verify.get(id)" if isinstance(claim, str) else "")
    return claim


def seed_argument(seed: object) -> int:
    """The seed as an int: a non-negative integer (a NumPy integer too, never a bool)."""
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InvalidArgument("seed", seed, "a non-negative integer")
    return int(seed)


def real(value: object) -> float | None:
    """``value`` as a float when it is a real number (not a bool; an int beyond float's range is +-inf), else None."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        return None
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def probability(name: str, value: object) -> float:
    """``value`` as a float in (0, 1): a real number (not a bool), not NaN."""
    number = real(value)
    if number is None or not 0 < number < 1:
        raise InvalidArgument(name, value, "a probability in (0, 1)")
    return number


def budget_argument(budget: object) -> Budget:
    """The :class:`Budget` named by ``budget`` (a name, or a Budget); an unknown name is an UnknownName."""
    if not isinstance(budget, (str, Budget)):
        raise InvalidArgument("budget", budget, f"one of {', '.join(BUDGETS)} (or a verify.Budget)")
    return lookup_budget(budget)


#: what each callback is called with
CALLBACKS = {"progress": "progress(claim, look, looks, n)", "on_verdict": "on_verdict(verdict)",
             "order": "order(claim) -> number"}


def callable_argument(name: str, value: object) -> None:
    """None, or a callable that takes the arguments the callback ``name`` is given (:data:`CALLBACKS`)."""
    if value is None:
        return
    shape = CALLBACKS[name]
    if not callable(value):
        raise InvalidArgument(name, value, f"None or a callable {shape}")
    try:
        signature = inspect.signature(value)
    except (TypeError, ValueError):  # a builtin without a signature: taken on trust
        return
    try:
        signature.bind(*range(shape.count(",") + 1))
    except TypeError:
        raise InvalidArgument(name, value, f"None or a callable {shape}") from None


def calls_argument(calls: object) -> None:
    """None, or an object with callable ``predict`` and ``estimate`` (:class:`verify._check.Calls`)."""
    if calls is not None and not all(callable(getattr(calls, m, None)) for m in ("predict", "estimate")):
        raise InvalidArgument("calls", calls, "None or an object with predict and estimate methods")


def claims_argument(claims: object) -> tuple[Claim, ...]:
    """``claims`` as a tuple: a sequence (list, tuple) of :class:`verify.Claim` with distinct ids."""
    if isinstance(claims, (str, bytes, bytearray, Mapping)) or not isinstance(claims, Sequence):
        raise InvalidArgument("claims", claims, "a sequence (list or tuple) of verify.Claim")
    chosen = tuple(claims)
    for i, claim in enumerate(chosen):
        claim_argument(claim, f"claims[{i}]")
    ids = [c.id for c in chosen]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise InvalidArgument("claims", twice[0], "claims with distinct ids (this id is given more than once)")
    return chosen


def _executor(executor: object) -> None:
    if executor is None:
        return
    workers = getattr(executor, "workers", None)
    if (not callable(getattr(executor, "call_many", None)) or not callable(getattr(executor, "close", None))
            or not isinstance(getattr(executor, "name", None), str)
            or isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise InvalidArgument("executor", executor, "None or an executor made by verify.make_executor")


def _claim_timeout(value: object, executor: object) -> None:
    if value is None:
        return
    number = real(value)
    if number is None or not 0 < number < math.inf:
        raise InvalidArgument("claim_timeout", value, "a positive number of seconds")
    if executor is None:
        raise InvalidArgument("claim_timeout", value,
                              "given with an executor (a claim checked in this thread cannot be stopped)")


def _decided(decided: object) -> None:
    if decided is None:
        return
    if not isinstance(decided, Mapping) or not all(isinstance(k, str) and isinstance(v, Verdict)
                                                   for k, v in decided.items()):
        raise InvalidArgument("decided", decided, "None or a mapping of claim id -> verify.Verdict")


def run_arguments(claims, *, seed, budget, false_fail_rate, false_pass_rate, progress, on_verdict, executor,
                  claim_timeout, decided, pictures, order) -> tuple[tuple[Claim, ...], Budget]:
    """Every argument of :func:`verify.run` checked (the selection as a tuple, and the budget), before any claim
    is; the split of the false-fail rate over the selection is checked by :func:`verify.per_claim_rate`."""
    chosen = claims_argument(claims)
    seed_argument(seed)
    plan = budget_argument(budget)
    probability("false_fail_rate", false_fail_rate)
    probability("false_pass_rate", false_pass_rate)
    for name, value in (("progress", progress), ("on_verdict", on_verdict), ("order", order)):
        callable_argument(name, value)
    _executor(executor)
    _claim_timeout(claim_timeout, executor)
    _decided(decided)
    if not isinstance(pictures, (bool, np.bool_)):
        raise InvalidArgument("pictures", pictures, "True or False")
    return chosen, plan
