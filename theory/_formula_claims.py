"""Predictions from parsed formulas: the closed forms of user-declared claims (see :mod:`theory._formula`).

A claim's parameters are numbers or equal-length tuples of numbers; a tuple
sweeps that parameter, and the claim has one component per sweep position
(:func:`components`). The prediction is the formula evaluated at each, to the
claim's precision; an interval claim's range has a formula (or a number, or an
infinite end) on each side.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real
from typing import Mapping

import mpmath

from ._errors import InvalidArgument
from ._formula import Formula

__all__ = ["components", "FormulaPrediction", "FormulaRange"]


def components(values: Mapping[str, object]) -> tuple[dict[str, float], ...]:
    """One dict of scalar values per component: tuples are zipped, numbers broadcast.

    >>> components({"s": (1.0, 2.0), "k": 3})
    ({'s': 1.0, 'k': 3}, {'s': 2.0, 'k': 3})
    """
    lengths = {k: len(v) for k, v in values.items() if isinstance(v, tuple)}
    if len(set(lengths.values())) > 1:
        raise InvalidArgument("parameters", lengths, "swept (tuple) parameters of one common length")
    count = next(iter(lengths.values()), 1)
    if count == 0:
        raise InvalidArgument("parameters", lengths, "non-empty tuples")
    return tuple({k: (v[i] if isinstance(v, tuple) else v) for k, v in values.items()} for i in range(count))


@dataclass(frozen=True)
class FormulaPrediction:
    """Prediction callable: ``formula`` at every component of the claim's values, to ``dps`` digits.

    >>> from theory import parse_formula
    >>> pred = FormulaPrediction(parse_formula("s^2/2", ["s"]))
    >>> [str(v) for v in pred({"s": (1.0, 3.0)}, dps=10)]
    ['0.5', '4.5']
    """

    formula: Formula

    def __call__(self, values: Mapping[str, object], *, dps: int) -> tuple[mpmath.mpf, ...]:
        return tuple(self.formula.value(c, dps=dps) for c in components(values))

    def expression(self, values: Mapping[str, object] | None = None):
        """The formula as a SymPy expression in the declared symbols."""
        return self.formula.expr


End = Formula | float


def _end(end: End, values: Mapping[str, float], dps: int) -> float:
    if isinstance(end, Formula):
        return float(end.value(values, dps=dps))
    return float(end)


def _text(end: End) -> str:
    if isinstance(end, Formula):
        return end.text
    return "inf" if end == math.inf else ("-inf" if end == -math.inf else f"{end:g}")


@dataclass(frozen=True)
class FormulaRange:
    """Prediction callable of an interval claim: the range [lo, hi] at every component.

    Each end is a :class:`Formula` or a number (``-inf``/``inf`` for an open side).

    >>> from theory import parse_formula
    >>> FormulaRange(parse_formula("1/s", ["s"]), math.inf)({"s": 4.0}, dps=10)
    ((0.25, inf),)
    """

    lo: End
    hi: End

    def __post_init__(self) -> None:
        for name, end in (("lo", self.lo), ("hi", self.hi)):
            if not isinstance(end, Formula) and (isinstance(end, bool) or not isinstance(end, Real)
                                                 or math.isnan(end)):
                raise InvalidArgument(f"range.{name}", end, "a Formula or a number (inf allowed)")

    def __call__(self, values: Mapping[str, object], *, dps: int) -> tuple[tuple[float, float], ...]:
        return tuple((_end(self.lo, c, dps), _end(self.hi, c, dps)) for c in components(values))

    def expression(self, values: Mapping[str, object] | None = None) -> str:
        return f"in [{_text(self.lo)}, {_text(self.hi)}]"
