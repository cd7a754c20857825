"""Prediction of a boundary claim: the derived spike strength nu* at which a term overtakes S1, with an allowance.

The allowance is stated in units of the exponent (the same finite-size band as the scaling claims) and turned
into one in nu by the exponent's rate of change at the boundary: a log-slope off by ``band`` moves the root by
``band / (d e / d nu)``. ``boundary_shift`` moves the boundary (for mutation tests: the prediction of a theory
whose boundary sits ``shift`` higher).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .._errors import InvalidArgument, UnknownName
from ._regimes import Regime, nu

__all__ = ["BoundaryBand"]

_STEP = sp.Rational(1, 100)


@dataclass(frozen=True)
class BoundaryBand:
    """The derived boundary of ``term`` (``"S2/S1"`` or ``"S12/S1"``) in nu, give or take ``band`` / its slope.

    >>> BoundaryBand(Regime("ntk"), "S2/S1", 0.08)({}, dps=15)
    ((0.21, 0.29),)
    """

    regime: Regime
    term: str
    band: float
    boundary_shift: float = 0.0

    def __post_init__(self) -> None:
        if self.term not in self.regime.boundaries:
            raise UnknownName("boundary", self.term, list(self.regime.boundaries))
        if not (0 < self.band < 1):
            raise InvalidArgument("band", self.band, "an allowance in (0, 1)")
        b = self.boundary
        if not (b.is_number and b.is_finite):
            raise InvalidArgument("boundary", b, f"a finite derived boundary ({self.term} of {self.regime.describe()} "
                                                 "has none)")

    @property
    def boundary(self) -> sp.Expr:
        return self.regime.boundaries[self.term]

    @property
    def slope(self) -> sp.Expr:
        """d e / d nu of the term's ratio exponent just above the boundary (exact: exponents are piecewise linear)."""
        e = self.regime.exponents[self.term]
        b = self.boundary
        return sp.simplify((e.subs(nu, b + _STEP) - e.subs(nu, b)) / _STEP)

    @property
    def width(self) -> sp.Expr:
        """The allowance in nu: band / (d e / d nu)."""
        return sp.nsimplify(self.band) / self.slope

    def expression(self, values=None) -> str:
        return (f"boundary of {self.term}: nu* = {sp.sstr(self.boundary)}, where its exponent "
                f"{sp.sstr(self.regime.exponents[self.term])} crosses 0 (+- {self.band} / {sp.sstr(self.slope)} "
                f"= {float(self.width):.3g})")

    def allowance(self, values=None) -> tuple[str, float, tuple[float, ...]]:
        """(name, value, centres): the claimed range is the centre -+ this allowance in nu."""
        return "allowance in nu", float(self.width), (float(self.boundary + sp.nsimplify(self.boundary_shift)),)

    def __call__(self, values, *, dps: int) -> tuple[tuple[float, float], ...]:
        _, width, (at,) = self.allowance(values)
        return ((at - width, at + width),)
