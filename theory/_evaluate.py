"""Evaluation of SymPy closed forms at a scoped mpmath precision."""

from __future__ import annotations

from typing import Mapping

import mpmath
import sympy as sp

from ._errors import InvalidArgument

__all__ = ["evaluate", "evaluate_with_error", "GUARD_DIGITS"]

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
        raise InvalidArgument("values", sorted(map(str, values)),
                              f"a value for every free symbol {sorted(map(str, free))}")
    symbols = list(values)
    func = sp.lambdify(symbols, expr, modules="mpmath")
    with mpmath.workdps(dps + GUARD_DIGITS):
        result = func(*(mpmath.mpf(float(values[k])) for k in symbols))
        if isinstance(result, mpmath.mpc) and result.imag == 0:
            result = result.real
        result = mpmath.mpf(result)
    with mpmath.workdps(dps):
        return +result


def evaluate_with_error(expr: sp.Expr, values: Mapping[sp.Symbol, float], *, dps: int) -> tuple[mpmath.mpf, mpmath.mpf]:
    """``expr`` at ``values`` to ``dps`` digits with an error bound that survives cancellation.

    The expression is evaluated at ``dps + 20`` and ``dps + 40`` digits; the bound is
    their difference plus one unit in the ``dps``-th digit, so a closed form whose
    terms cancel (an arc-cosine kernel near its zero, a variance at tiny scale)
    reports the digits it lost instead of claiming full precision.

    >>> s = sp.Symbol("s", positive=True)
    >>> value, error = evaluate_with_error(1 - sp.cos(s), {s: 1e-12}, dps=20)
    >>> mpmath.nstr(value, 5), error < 1e-40
    ('5.0e-25', True)
    """
    coarse = evaluate(expr, values, dps=dps + 20)
    fine = evaluate(expr, values, dps=dps + 40)
    with mpmath.workdps(dps + 40):
        error = abs(coarse - fine) + abs(fine) * mpmath.mpf(10) ** (1 - dps)
    with mpmath.workdps(dps):
        return +fine, +error
