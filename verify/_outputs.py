"""What a claim's own code (its prediction and its estimator) raises or returns, turned into the claim's verdict.

A claim's code is checked, not trusted: whatever it raises or returns, :func:`verify.check` gives the claim a
verdict instead of raising, and only a bad argument of the caller is an error. The rules:

* FAIL (the claim's code is broken): it raises (any exception but those below), or it returns something that
  cannot be compared: a prediction that is not a tuple of finite real numbers (a string, None, a scalar, no
  values, NaN), or (lo, hi) ranges for an interval claim; error bounds that are not one finite non-negative
  number per component; an estimate that is not a :class:`numerics.Estimate`, or has another number of
  components than the prediction. The reason says "the claim's prediction returned ..." or "the claim's
  estimator returned ...", or "the claim raised X: message".
* INCONCLUSIVE (the evidence was not gathered; nothing disagreed): a :class:`theory.NoConvergence` ("... did
  not converge: ..."), and a ``MemoryError``, :class:`theory.ResourceLimit` included ("resources: ...").

The exceptions with which a run's executor stops a claim (its timeout, a lost worker, the run stopping) are not
the claim's: they pass through to the run, which gives the claim its verdict.
"""

from __future__ import annotations

import reprlib
from collections.abc import Iterable, Mapping, Set
from concurrent.futures import CancelledError
from typing import Callable

import mpmath
import numpy as np

from numerics import Estimate
from theory import InvalidArgument, NoConvergence

from ._executors import ClaimTimedOut, WorkerLost
from ._interval import check_ranges
from ._verdict import FAIL, INCONCLUSIVE

__all__ = ["Undecidable", "resources", "claims_code", "as_returned", "predicted_values", "predicted_ranges",
           "prediction_errors", "estimate_of"]

#: raised by a run's executor about the work, not by the claim's code: they go on to the run
_THE_RUNS = (ClaimTimedOut, WorkerLost, CancelledError)
_SHORT = reprlib.Repr()
_SHORT.maxstring, _SHORT.maxother, _SHORT.maxtuple, _SHORT.maxlist = 60, 60, 6, 6


class Undecidable(Exception):
    """The claim's code went wrong: its verdict is ``outcome`` with ``reason``, and no more looks are taken.

    ``keeps_looks``: the verdict keeps the looks already taken (a method that did not converge: a verdict like
    any other); otherwise it has none, so it is never stored for a resumed run or a cache (a crash, garbage, or a
    machine out of memory is worth checking again).
    """

    def __init__(self, outcome: str, reason: str, keeps_looks: bool = False):
        super().__init__(reason)
        self.outcome, self.reason, self.keeps_looks = outcome, reason, keeps_looks


def _text(value: object, show=str) -> str:
    """``show(value)``, or the type's name when the claim's object cannot even say what it is."""
    try:
        return show(value)
    except Exception:  # noqa: BLE001  (a __str__ or __repr__ of the claim's that raises)
        return f"<{type(value).__name__}>"


def resources(exc: BaseException) -> str:
    """The reason of a claim stopped by a ``MemoryError`` (or :class:`theory.ResourceLimit`)."""
    text = _text(exc)
    return f"resources: {text}" if text else f"resources: out of memory ({type(exc).__name__})"


def claims_code(part: str, call: Callable, *args):
    """``call(*args)``, a call into the claim's ``part`` ("prediction" or "estimator"); what it raises becomes an
    :class:`Undecidable` with the claim's verdict."""
    try:
        return call(*args)
    except _THE_RUNS:
        raise
    except NoConvergence as exc:
        raise Undecidable(INCONCLUSIVE, f"{part} did not converge: {exc}", keeps_looks=True) from None
    except MemoryError as exc:
        raise Undecidable(INCONCLUSIVE, resources(exc)) from None
    except Exception as exc:  # noqa: BLE001  (the claim's code is checked, not trusted)
        raise Undecidable(FAIL, f"the claim raised {type(exc).__name__}: {_text(exc)}") from None


def shown(value: object) -> str:
    """A short description of a returned value: its type and a bounded repr."""
    return "None" if value is None else f"a {type(value).__name__} ({_text(value, _SHORT.repr)})"


def as_returned(value: object) -> object:
    """A prediction's return value as a tuple when it is a sequence of values; anything else as it is."""
    if isinstance(value, (str, bytes, bytearray, Mapping, Set)) or not isinstance(value, Iterable):
        return value
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value
    return tuple(value)


def _real(value: object) -> bool:
    if isinstance(value, (bool, np.bool_, str, bytes, bytearray)):
        return False
    try:
        mpmath.mpf(value)
    except Exception:  # noqa: BLE001  (whatever the claim's object raises, it is not a real number)
        return False
    return True


def _sequence(returned: object, what: str) -> tuple:
    if not isinstance(returned, tuple):
        raise Undecidable(FAIL, f"the claim's prediction returned {shown(returned)}, not a tuple of {what}")
    if not returned:
        raise Undecidable(FAIL, f"the claim's prediction returned no values (an empty tuple), not a tuple of {what}")
    return returned


def predicted_values(returned: object) -> tuple:
    """The predicted values, when they are a non-empty tuple of finite real numbers."""
    values = _sequence(returned, "real numbers")
    for v in values:
        if not _real(v):
            raise Undecidable(FAIL, f"the claim's prediction returned {shown(v)} among its values, "
                              "not a real number")
    if not all(mpmath.isfinite(mpmath.mpf(v)) for v in values):
        raise Undecidable(FAIL, f"the claim's prediction returned values that are not finite: "
                          f"{tuple(_text(v) for v in values)}")
    return values


def predicted_ranges(returned: object) -> tuple[tuple[float, float], ...]:
    """An interval claim's ranges, when they are non-empty (lo, hi) pairs of numbers with lo <= hi."""
    values = _sequence(returned, "(lo, hi) ranges")
    if any(isinstance(v, (str, bytes)) or any(isinstance(e, (str, bytes, bool)) for e in _items(v)) for v in values):
        raise Undecidable(FAIL, f"the claim's prediction returned {shown(values)}, not (lo, hi) ranges of numbers")
    try:
        return check_ranges(values)
    except (InvalidArgument, OverflowError) as exc:
        allowed = getattr(exc, "allowed", "(lo, hi) ranges of floats")
        raise Undecidable(FAIL, f"the claim's prediction returned {shown(values)}, not {allowed}") from None


def _items(value: object) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else ()


def prediction_errors(errors: tuple | None, count: int) -> tuple | None:
    """The prediction's own error bounds (None: it declares none), when they are one finite number >= 0 per value."""
    if errors is None:
        return None
    if (len(errors) != count or not all(_real(e) for e in errors)
            or not all(mpmath.isfinite(mpmath.mpf(e)) and mpmath.mpf(e) >= 0 for e in errors)):
        raise Undecidable(FAIL, f"the claim's prediction returned error bounds {shown(errors)}, not {count} "
                          "finite numbers >= 0 (one per value)")
    return errors


def estimate_of(returned: object, count: int) -> Estimate:
    """The estimator's return value, when it is a :class:`numerics.Estimate` with ``count`` components."""
    if not isinstance(returned, Estimate):
        raise Undecidable(FAIL, f"the claim's estimator returned {shown(returned)}, not a numerics.Estimate")
    if len(returned.value) != count:
        raise Undecidable(FAIL, f"the claim's estimator returned an Estimate of {len(returned.value)} component(s), "
                          f"where the claim's prediction returned {count}")
    return returned
