"""Float64 rounding bounds and the prediction of an exact identity, shared by every pack.

The bound is the standard a-priori model (Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed.,
section 3.5): a computed product or sum of depth k has relative error at most gamma_k = k u / (1 - k u),
u = 2^-53. An identity checked against such a bound predicts residuals of exactly 0 (:class:`ExactIdentity`).

>>> print(gamma_k(1) == U / (1 - U))
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

__all__ = ["U", "gamma_k", "rounding_bound", "ExactIdentity"]

U = np.finfo(float).eps / 2


def gamma_k(k: int) -> float:
    """gamma_k = k u / (1 - k u): the relative error bound of k dependent float64 operations."""
    return k * U / (1 - k * U)


def rounding_bound(depth: int, magnitude: float) -> float:
    """gamma_depth * magnitude."""
    return gamma_k(depth) * magnitude


@dataclass(frozen=True)
class ExactIdentity:
    """Prediction callable: an identity's residuals are 0; ``statement`` is the identity in words.

    ``components`` is their number, or a callable ``components(values)`` when it depends on the claim's values
    (a depth, a list of step sizes), so a ``--set`` changes both sides alike.
    """

    components: int | Callable
    statement: str

    def __call__(self, values, *, dps: int) -> tuple:
        count = self.components(values) if callable(self.components) else self.components
        return (0,) * int(count)

    def expression(self, values=None) -> str:
        return self.statement
