"""Evaluation of SymPy closed forms at a scoped mpmath precision."""

from __future__ import annotations

from typing import Mapping

import mpmath
import sympy as sp

from ._errors import InvalidArgument

__all__ = ["evaluate", "GUARD_DIGITS"]

#: Extra decimal digits carried inside ``workdps`` so the returned value is
#: correct to the requested ``dps`` after the rounding of intermediate steps.
GUARD_DIGITS = 10


def evaluate(expr: sp.Expr, values: Mapping[sp.Symbol, float], *, dps: int) -> mpmath.mpf:
    """Evaluate ``expr`` at ``values`` with ``dps`` correct decimal digits.

    The symbols are bound to the exact binary value of each float; the
    arithmetic runs inside ``mpmath.workdps(dps + GUARD_DIGITS)`` and the
    result is rounded to ``dps`` digits. Nothing global is changed.

    >>> s = sp.Symbol("s", positive=True)
    >>> mpmath.nstr(evaluate(sp.sqrt(s), {s: 2.0}, dps=20), 20)
    '1.4142135623730950488'
    """
    if not isinstance(dps, int) or dps < 5:
        raise InvalidArgument("dps", dps, "an integer >= 5")
    free = expr.free_symbols - set(values)
    if free:
        raise InvalidArgument("values", sorted(map(str, values)), f"a value for every free symbol {sorted(map(str, free))}")
    symbols = list(values)
    func = sp.lambdify(symbols, expr, modules="mpmath")
    with mpmath.workdps(dps + GUARD_DIGITS):
        result = func(*(mpmath.mpf(float(values[k])) for k in symbols))
        if isinstance(result, mpmath.mpc) and result.imag == 0:
            result = result.real
        result = mpmath.mpf(result)
    with mpmath.workdps(dps):
        return +result
