"""Prediction callables built from Gaussian moments: several quantities at once, and zeros by parity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import sympy as sp

from .._activations import activation
from .._errors import InvalidArgument
from .._activations import split_parameters
from .._gaussian import GaussianMoment

__all__ = ["GaussianMoments", "VanishingByParity"]


@dataclass(frozen=True)
class GaussianMoments:
    """Prediction callable: several :class:`GaussianMoment` quantities, concatenated quantity by quantity.

    >>> pred = GaussianMoments("relu", ("mean_derivative", "variance_derivative"))
    >>> [str(v) for v in pred({"s": (0.01, 100.0)}, dps=10)]
    ['0.5', '0.5', '0.25', '0.25']
    """

    activation: str
    quantities: tuple[str, ...]

    def _parts(self) -> tuple[GaussianMoment, ...]:
        return tuple(GaussianMoment(self.activation, q) for q in self.quantities)

    def expression(self, params: Mapping[str, object] | None = None):
        exprs = [p.expression(params) for p in self._parts()]
        return None if any(e is None for e in exprs) else sp.Tuple(*exprs)

    def __call__(self, params: Mapping[str, object], *, dps: int) -> tuple:
        return tuple(v for p in self._parts() for v in p(params, dps=dps))

    def errors(self, params: Mapping[str, object], *, dps: int) -> tuple:
        return tuple(e for p in self._parts() for e in p.errors(params, dps=dps))


#: Which Gaussian moment vanishes for which parity of sigma: E[sigma(sZ)] for odd sigma,
#: E[sigma''(sZ)] for odd sigma (sigma'' is odd), E[sigma'(sZ)] for even sigma.
_VANISHING = {("odd", "mean"), ("odd", "mean_second_derivative"), ("even", "mean_derivative")}


@dataclass(frozen=True)
class VanishingByParity:
    """Prediction callable: ``quantity`` is exactly 0 at every scale, because of the activation's parity.

    The parity is the library's declared ``Activation.parity``; a quantity that parity
    does not force to zero is refused.

    >>> VanishingByParity("tanh", "mean_second_derivative")({"s": (0.5, 2.0)}, dps=30)
    (0, 0)
    """

    activation: str
    quantity: str

    def __post_init__(self) -> None:
        parity = activation(self.activation).parity
        if (parity, self.quantity) not in _VANISHING:
            raise InvalidArgument("quantity", self.quantity,
                                  f"a moment that parity forces to 0 ({self.activation} has parity {parity})")

    def expression(self, params=None):
        return sp.Integer(0)

    def __call__(self, params: Mapping[str, object], *, dps: int) -> tuple:
        return (0,) * len(split_parameters(self.activation, params)[0])
