"""The value that travels from ``numerics`` to ``verify``: an estimate with its error."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from theory import InvalidArgument, NoConvergence

__all__ = ["Estimate", "seed_of"]


@dataclass(frozen=True)
class Estimate:
    """Value(s) estimated numerically, with a standard error or a bound.

    Exactly one of ``std_error`` (statistical: an asymptotically normal
    estimator) or ``bound`` (deterministic: |value - truth| <= bound) is set.
    Values are tuples (one entry per component), floats for statistical
    estimates and ``mpmath.mpf`` for high-precision ones.

    Attributes
    ----------
    value, std_error, bound : per-component tuples.
    n_samples : sample count (None for deterministic estimates).
    method : how the estimate was made, in words.
    seed : (entropy, *spawn_key) of the generator used, or None.
    dps : decimal digits of working precision, or None for float64.
    """

    value: tuple
    std_error: tuple | None = None
    bound: tuple | None = None
    n_samples: int | None = None
    method: str = ""
    seed: tuple[int, ...] | None = None
    dps: int | None = None

    def __post_init__(self) -> None:
        for name in ("value", "std_error", "bound"):
            v = getattr(self, name)
            if v is not None and not isinstance(v, tuple):
                object.__setattr__(self, name, tuple(np.atleast_1d(v).tolist()) if _is_float_like(v) else tuple(v))
        if (self.std_error is None) == (self.bound is None):
            raise InvalidArgument("Estimate", "std_error and bound", "exactly one of std_error or bound set")
        err = self.std_error if self.std_error is not None else self.bound
        if len(err) != len(self.value) or not self.value:
            raise InvalidArgument("Estimate.value", len(self.value), f"a non-empty tuple of length len(error) = {len(err)}")
        for name, values in (("value", self.value), ("error", err)):
            if not all(math.isfinite(float(v)) for v in values):
                raise NoConvergence(f"estimate by {self.method!r} produced a non-finite {name}: {values}")
        if any(float(e) < 0 for e in err):
            raise InvalidArgument("Estimate error", err, "non-negative entries")
        if self.n_samples is not None and self.n_samples < 1:
            raise InvalidArgument("n_samples", self.n_samples, "a positive integer")

    @property
    def statistical(self) -> bool:
        """True when the error is a standard error, False when it is a bound."""
        return self.std_error is not None

    @property
    def error(self) -> tuple:
        """The standard error or the bound, whichever is set."""
        return self.std_error if self.std_error is not None else self.bound


def _is_float_like(v: object) -> bool:
    return isinstance(v, (int, float, np.ndarray, np.floating))


def seed_of(rng: np.random.Generator) -> tuple[int, ...] | None:
    """(entropy, *spawn_key) of ``rng``'s SeedSequence, so an estimate can say where it came from."""
    seq = getattr(rng.bit_generator, "seed_seq", None)
    if seq is None or not isinstance(getattr(seq, "entropy", None), int):
        return None
    return (seq.entropy, *seq.spawn_key)
