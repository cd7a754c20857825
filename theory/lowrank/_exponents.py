r"""Exponents of n and the extremes of exponents over the scaling exponent g in [1/2, 1].

Every size of the low-rank regimes is built as a product of powers of n (times constants, logarithms, and sums of
positive terms), so its exponent e (size = Theta(n^e), logarithms ignored) is read structurally: the exponents of
the factors add, a power multiplies, a sum of positive terms takes the larger one. The fallback is the limit of
log(size) / log(n).

With a symbolic g (gamma_m = m^(-g), 1/2 <= g <= 1) a max or min of exponents is resolved on that range: the
range is cut where two candidates cross and the winner of each piece is kept, giving a ``Piecewise`` in g where
the winner changes (never a bare ``Max`` that hides which term dominates).
"""

from __future__ import annotations

import math
from fractions import Fraction
from numbers import Rational as _RationalNumber

import sympy as sp

from .._errors import InvalidArgument

__all__ = ["n", "nu", "G", "G_RANGE", "exponent", "extreme", "rational"]

n = sp.Symbol("n", positive=True)
nu = sp.Symbol("nu", nonnegative=True)
#: The symbolic scaling exponent (gamma_m = m^(-g)), valid on G_RANGE.
G = sp.Symbol("g", positive=True)
G_RANGE = (sp.Rational(1, 2), sp.Integer(1))


def rational(name: str, value: object, allowed: str, low, high=None) -> sp.Rational:
    """``value`` as an exact SymPy Rational in [low, high] (high None: no upper end), else :class:`InvalidArgument`.

    Accepts an int, a ``fractions.Fraction``, a SymPy Rational, a string such as ``"3/4"`` or ``"0.75"`` (read by
    ``Fraction``, never evaluated), or a float that is exactly the double nearest to a rational of denominator at
    most 1000 (``0.75``, ``0.6``; not ``math.pi / 4``, not NaN).

    >>> rational("alpha", "5/9", "a rational >= 0", 0)
    5/9
    """
    exact = None
    if isinstance(value, bool):
        exact = None
    elif isinstance(value, sp.Rational):
        exact = Fraction(int(value.p), int(value.q))
    elif isinstance(value, (int, Fraction)) or (isinstance(value, _RationalNumber) and not isinstance(value, float)):
        exact = Fraction(value)
    elif isinstance(value, (float, sp.Float)):
        v = float(value)
        if math.isfinite(v):
            guess = Fraction(v).limit_denominator(1000)
            exact = guess if float(guess) == v else None
    elif isinstance(value, str) and len(value) <= 64:
        try:
            exact = Fraction(value.strip())
        except (ValueError, ZeroDivisionError):
            exact = None
    if exact is None:
        raise InvalidArgument(name, value, allowed)
    out = sp.Rational(exact.numerator, exact.denominator)
    if out < low or (high is not None and out > high):
        raise InvalidArgument(name, value, allowed)
    return out


def exponent(expr: sp.Expr) -> sp.Expr:
    """The exponent e with expr = Theta(n^e) as n -> oo (logarithmic factors count 0; -oo for expr = 0).

    >>> exponent(3 * n ** (2 * nu) / sp.sqrt(n))
    2*nu - 1/2
    >>> exponent((2 * n) ** -G * (1 + n ** (1 - 2 * G)))
    -g
    """
    out = _exponent(sp.S(expr))
    return sp.piecewise_fold(out) if out.has(sp.Piecewise) else out


def _exponent(expr: sp.Expr) -> sp.Expr:
    if expr == 0:
        return sp.S.NegativeInfinity
    if not expr.has(n):
        return sp.Integer(0)
    if expr == n:
        return sp.Integer(1)
    if isinstance(expr, sp.Abs):
        return _exponent(expr.args[0])
    if expr.is_Mul:
        parts = [_exponent(f) for f in expr.args]
        return sp.S.NegativeInfinity if sp.S.NegativeInfinity in parts else sp.Add(*parts)
    if expr.is_Pow and not expr.exp.has(n):
        inner = _exponent(expr.base)
        if inner.is_infinite:
            return _limit(expr)
        return sp.expand(expr.exp * inner)
    if expr.is_Add and all(_nonnegative(t) for t in expr.args):
        return extreme([_exponent(t) for t in expr.args], "max")
    return _limit(expr)


def _nonnegative(term: sp.Expr) -> bool:
    """Whether ``term`` is >= 0 for large n (logarithms of sizes and zeta values count as positive)."""
    slow = {a: sp.Dummy(positive=True) for a in term.atoms(sp.log, sp.zeta)}
    return bool(term.xreplace(slow).is_nonnegative)


def _limit(expr: sp.Expr) -> sp.Expr:
    return sp.simplify(sp.limit(sp.expand_log(sp.log(expr), force=True) / sp.log(n), n, sp.oo))


def _pieces(expr: sp.Expr) -> list[tuple[sp.Expr, object]]:
    return list(expr.args) if isinstance(expr, sp.Piecewise) else [(expr, sp.true)]


def _active(expr: sp.Expr, at: sp.Rational) -> sp.Expr:
    """The branch of ``expr`` (a Piecewise in g, or not) in force at g = ``at``."""
    for value, cond in _pieces(expr):
        if cond is sp.true or bool(cond.subs(G, at)):
            return value
    raise InvalidArgument("piecewise exponent", expr, f"defined at g = {at}")


def _crossings(a: sp.Expr, b: sp.Expr, low, high) -> set:
    diff = sp.expand(a - b)
    if not diff.has(G):
        return set()
    roots = sp.solve(diff, G)
    return {r for r in roots if r.is_real and low < r < high}


def extreme(values, kind: str = "max") -> sp.Expr:
    """max (or min) of exponents; with the symbolic g alone, resolved on 1/2 <= g <= 1 (a Piecewise where the
    winner changes). Other free symbols (nu) leave a SymPy Max/Min.

    >>> extreme([sp.Rational(1, 2) - G, sp.Integer(0), -sp.Rational(1, 2)])
    0
    >>> extreme([sp.Rational(1, 2) - G, -sp.Rational(1, 2)])
    1/2 - g
    >>> extreme([sp.Rational(3, 4) - 2 * G, -sp.Rational(1, 2)])
    Piecewise((3/4 - 2*g, g <= 5/8), (-1/2, True))
    """
    big = sp.oo if kind == "max" else -sp.oo
    vals = []
    for v in values:
        v = sp.S(v)
        if v == big:
            return big
        if v != -big and v not in vals:
            vals.append(v)
    if not vals:
        return -big
    if len(vals) == 1:
        return vals[0]
    free = set().union(*(v.free_symbols for v in vals))
    if not free or free - {G}:
        return sp.Max(*vals) if kind == "max" else sp.Min(*vals)
    return _resolve(vals, kind)


def _resolve(vals: list[sp.Expr], kind: str) -> sp.Expr:
    low, high = G_RANGE
    points = {low, high}
    leaves = []
    for v in vals:
        for value, cond in _pieces(v):
            leaves.append(value)
            if isinstance(cond, sp.core.relational.Relational):
                points |= {p for p in (cond.lhs, cond.rhs) if p.is_number and low < p < high}
    for i, a in enumerate(leaves):
        for b in leaves[i + 1:]:
            points |= _crossings(a, b, low, high)
    cuts = sorted(points)
    chosen: list[tuple[sp.Expr, sp.Expr]] = []  # (branch, upper end of its piece)
    for lo, hi in zip(cuts, cuts[1:]):
        mid = (lo + hi) / 2
        branches = [_active(v, mid) for v in vals]
        at_mid = [b.subs(G, mid) for b in branches]
        best = max(range(len(vals)), key=lambda k: at_mid[k]) if kind == "max" else \
            min(range(len(vals)), key=lambda k: at_mid[k])
        branch = branches[best]
        if chosen and sp.expand(chosen[-1][0] - branch) == 0:
            chosen[-1] = (chosen[-1][0], hi)
        else:
            chosen.append((branch, hi))
    if len(chosen) == 1:
        return chosen[0][0]
    return sp.Piecewise(*[(b, G <= hi) for b, hi in chosen[:-1]], (chosen[-1][0], True))
