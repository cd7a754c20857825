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
    dof : degrees of freedom of a standard error estimated from few independent
        replicates (intervals then use Student's t instead of the normal), or None.
    successes : for a frequency (each value a proportion of ``n_samples``
        independent trials), the success counts; intervals are then exact
        binomial (Clopper-Pearson) instead of normal.
    """

    value: tuple
    std_error: tuple | None = None
    bound: tuple | None = None
    n_samples: int | None = None
    method: str = ""
    seed: tuple[int, ...] | None = None
    dps: int | None = None
    dof: int | None = None
    successes: tuple[int, ...] | None = None

    def __post_init__(self) -> None:
        for name in ("value", "std_error", "bound"):
            v = getattr(self, name)
            if v is not None and not isinstance(v, tuple):
                object.__setattr__(self, name, tuple(np.atleast_1d(v).tolist()) if _is_float_like(v) else tuple(v))
        if (self.std_error is None) == (self.bound is None):
            raise InvalidArgument("Estimate", "std_error and bound", "exactly one of std_error or bound set")
        err = self.std_error if self.std_error is not None else self.bound
        if len(err) != len(self.value) or not self.value:
            raise InvalidArgument("Estimate.value", len(self.value),
                                  f"a non-empty tuple of length len(error) = {len(err)}")
        for name, values in (("value", self.value), ("error", err)):
            if not all(math.isfinite(float(v)) for v in values):
                raise NoConvergence(f"estimate by {self.method!r} produced a non-finite {name}: {values}")
        if any(float(e) < 0 for e in err):
            raise InvalidArgument("Estimate error", err, "non-negative entries")
        if self.n_samples is not None and self.n_samples < 1:
            raise InvalidArgument("n_samples", self.n_samples, "a positive integer")
        if self.dof is not None and (isinstance(self.dof, bool) or not isinstance(self.dof, int) or self.dof < 1
                                     or self.std_error is None):
            raise InvalidArgument("dof", self.dof, "a positive integer, with std_error set")
        if self.successes is not None:
            self._check_successes()

    def _check_successes(self) -> None:
        k, n = tuple(self.successes), self.n_samples
        object.__setattr__(self, "successes", k)
        if (n is None or self.std_error is None or len(k) != len(self.value)
                or not all(isinstance(c, (int, np.integer)) and 0 <= c <= n for c in k)):
            raise InvalidArgument("successes", k,
                                  f"{len(self.value)} counts in [0, n_samples = {n}], with std_error set")
        if any(abs(float(v) - c / n) > 1e-12 for v, c in zip(self.value, k)):
            raise InvalidArgument("value", self.value, "the proportions successes / n_samples")

    @classmethod
    def frequency(cls, successes, n: int, *, method: str, seed: tuple[int, ...] | None = None) -> "Estimate":
        """The proportions ``successes / n`` of ``n`` independent trials (one count per component).

        >>> Estimate.frequency((18,), 20, method="coin").value
        (0.9,)
        """
        k = tuple(int(c) for c in successes)
        p = tuple(c / n for c in k)
        return cls(p, std_error=tuple(math.sqrt(x * (1 - x) / n) for x in p), n_samples=n, method=method,
                   seed=seed, successes=k)

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
