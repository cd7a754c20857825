"""Parameter domains: where a parameter of a closed form or a claim is valid."""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real

from ._errors import InvalidArgument

__all__ = ["Interval", "POSITIVE", "NONNEGATIVE", "UNIT", "REAL", "COUNT", "INDEX"]


@dataclass(frozen=True)
class Interval:
    """A real interval, open or closed at each end; ``contains`` checks a value.

    Examples
    --------
    >>> Interval(0, math.inf, low_open=True).describe()
    '(0, inf)'
    >>> Interval(0, 1).contains(1.0)
    True
    >>> COUNT.describe(), COUNT.contains(2.5)
    ('integers in [1, inf)', False)
    """

    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False
    integer: bool = False

    def contains(self, value: object) -> bool:
        if isinstance(value, bool) or not isinstance(value, Real):
            return False
        v = float(value)
        if math.isnan(v) or (self.integer and not v.is_integer()):
            return False
        above = v > self.low if self.low_open or math.isinf(self.low) else v >= self.low
        below = v < self.high if self.high_open or math.isinf(self.high) else v <= self.high
        return above and below

    def describe(self) -> str:
        return ("integers in " if self.integer else "") + self._interval()

    def _interval(self) -> str:
        left = "(" if self.low_open or math.isinf(self.low) else "["
        right = ")" if self.high_open or math.isinf(self.high) else "]"
        return f"{left}{_fmt(self.low)}, {_fmt(self.high)}{right}"

    def validate(self, name: str, value: object) -> None:
        """Raise :class:`InvalidArgument` unless ``value`` (or each entry of a tuple) lies inside."""
        values = value if isinstance(value, tuple) else (value,)
        if not values:
            kind = "an integer" if self.integer else "a number"
            raise InvalidArgument(name, value, f"{kind} in {self._interval()} or a non-empty tuple of them")
        for v in values:
            if not self.contains(v):
                where = self._interval()
                raise InvalidArgument(name, value, f"an integer in {where}" if self.integer else f"in {where}")


def _fmt(x: float) -> str:
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return f"{x:g}"


POSITIVE = Interval(0.0, math.inf, low_open=True)
NONNEGATIVE = Interval(0.0, math.inf)
UNIT = Interval(0.0, 1.0)
REAL = Interval()
#: Sizes (n, d, m, ...): integers >= 1.
COUNT = Interval(1.0, math.inf, integer=True)
#: Seeds and indices: integers >= 0.
INDEX = Interval(0.0, math.inf, integer=True)
