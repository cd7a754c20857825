r"""Formulas from untrusted text (claims files), parsed by a whitelist into SymPy and evaluated by tree walks.

Grammar (nothing else is accepted)::

    expr    := term (("+" | "-") term)*
    term    := unary (("*" | "/") unary)*
    unary   := ("+" | "-") unary | power
    power   := primary ("^" unary)?        # right-associative: 2^3^2 = 2^9; -x^2 = -(x^2); 2^-1 allowed
    primary := NUMBER | SYMBOL | "pi" | FUNCTION "(" expr ("," expr)* ")" | "(" expr ")"

Numbers are decimal literals (``2``, ``0.5``, ``.5``, ``1e-3``) and become exact
rationals (``0.1`` is 1/10). Symbols are the names the caller declares; they are
real SymPy symbols. Functions are the fixed list :data:`FUNCTIONS` (``log`` is
natural; ``max`` and ``min`` take 2 to 8 arguments). ``**``, implicit
multiplication (``2s``, ``s(1+s)``, ``)(``) and any other character are errors
naming the offending token and its column (:class:`FormulaError`).

Security rule: the text is never handed to anything that parses or executes a
string (``eval``, ``exec``, ``compile``, ``sympify``, ``parse_expr``,
``lambdify``). It is tokenised by one regular expression and parsed by recursive
descent into SymPy objects built in code (:mod:`theory._formula_parse`, which
also bounds the work: length, nesting, powers, sizes of exact numbers). The
evaluations walk the SymPy tree with a fixed table of numpy or mpmath functions;
any other node is refused. In the mpmath walk, arguments beyond ``2^1000`` that
would make ``exp``, ``gamma``, the trigonometric functions or a power run for
ever saturate to ``inf``, ``0`` or ``nan`` as float64 would.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from functools import reduce
from numbers import Real
from typing import Callable, Mapping, NamedTuple, Sequence

import mpmath
import numpy as np
import scipy.special
import sympy as sp

from ._errors import InvalidArgument, NoConvergence
from ._evaluate import GUARD_DIGITS
from ._formula_parse import CONSTANTS, FUNCTIONS, FormulaError, check_symbols, parse

__all__ = ["Formula", "FormulaError", "parse_formula", "FUNCTIONS", "CONSTANTS"]


def parse_formula(text: str, symbols: Sequence[str]) -> Formula:
    """Parse untrusted ``text`` into a :class:`Formula` over the declared ``symbols``.

    Parameters
    ----------
    text : str
        A formula of the whitelist grammar (module docstring), at most 2000 characters.
    symbols : sequence of str
        The names the formula may use, each a letter then letters, digits or ``_``.

    Raises
    ------
    FormulaError
        The text is not in the grammar; the message names the token and its column.
    InvalidArgument
        A declared symbol is not a plain name (or is a function name or ``pi``).

    Examples
    --------
    >>> f = parse_formula("max(s*Z, 0)^2 / 2", ["s", "Z"])
    >>> f.expr, f.used
    (Max(0, Z*s)**2/2, ('Z', 's'))
    >>> parse_formula("__import__('os')", ["s"])
    Traceback (most recent call last):
    ...
    theory._formula_parse.FormulaError: unknown function '__import__' at column 1 of "__import__('os')"; allowed: ...
    """
    names = check_symbols(symbols)
    return Formula(text, parse(text, names), names)


class _Backend(NamedTuple):
    number: Callable
    add: Callable
    mul: Callable
    power: Callable
    functions: dict
    clean: Callable


_HUGE = mpmath.mpf(2) ** 1000  # beyond this, exp/gamma/trig/power arguments saturate instead of running for ever


def _saturating(func, huge):
    """``func`` at moderate real arguments, ``huge(x)`` beyond 2^1000, nan where mpmath refuses (a pole)."""
    def apply(x):
        try:
            return huge(x) if mpmath.isfinite(x) and abs(x) > _HUGE else func(x)
        except (ValueError, ZeroDivisionError, TypeError):
            return mpmath.nan
    return apply


def _mp_power(x, y):
    """``x^y`` in mpmath; when ``|y log|x||`` passes 2^1000 it saturates to inf or 0 (nan for a negative base)."""
    try:
        if not (mpmath.isfinite(x) and mpmath.isfinite(y)) or x == 0 or abs(y * mpmath.log(abs(x))) <= _HUGE:
            return mpmath.power(x, y)
    except (ValueError, ZeroDivisionError):
        return mpmath.inf if x == 0 else mpmath.nan
    if x < 0:
        return mpmath.nan
    return mpmath.inf if (y > 0) == (abs(x) > 1) else mpmath.mpf(0)


def _mp_extreme(pick):
    def apply(*args):
        return mpmath.nan if any(mpmath.isnan(a) for a in args) else pick(args)
    return apply


def _mp_real(value):
    """A real mpf, or nan for a complex intermediate (float64 semantics)."""
    if isinstance(value, mpmath.mpc):
        return value.real if value.imag == 0 else mpmath.nan
    return value


def _sign(x):
    return mpmath.mpf(mpmath.sign(x))


_NAN, _INF = (lambda x: mpmath.nan), (lambda x: mpmath.inf)
_MPMATH = _Backend(
    number=lambda r: mpmath.mpf(r.p) / r.q, add=operator.add, mul=operator.mul, power=_mp_power, clean=_mp_real,
    functions={
        sp.Abs: mpmath.fabs, sp.log: mpmath.log, sp.tanh: mpmath.tanh,
        sp.asin: mpmath.asin, sp.acos: mpmath.acos, sp.atan: mpmath.atan,
        sp.exp: _saturating(mpmath.exp, lambda x: mpmath.inf if x > 0 else mpmath.mpf(0)),
        sp.sinh: _saturating(mpmath.sinh, lambda x: _sign(x) * mpmath.inf), sp.cosh: _saturating(mpmath.cosh, _INF),
        sp.sin: _saturating(mpmath.sin, _NAN), sp.cos: _saturating(mpmath.cos, _NAN),
        sp.tan: _saturating(mpmath.tan, _NAN),
        sp.erf: _saturating(mpmath.erf, _sign), sp.erfc: _saturating(mpmath.erfc, lambda x: 1 - _sign(x)),
        sp.gamma: _saturating(mpmath.gamma, lambda x: mpmath.inf if x > 0 else mpmath.nan),
        sp.Max: _mp_extreme(max), sp.Min: _mp_extreme(min),
    })
_NUMPY = _Backend(
    number=float, add=np.add, mul=np.multiply, power=np.power, clean=lambda value: value,
    functions={
        sp.Abs: np.abs, sp.exp: np.exp, sp.log: np.log, sp.sin: np.sin, sp.cos: np.cos, sp.tan: np.tan,
        sp.sinh: np.sinh, sp.cosh: np.cosh, sp.tanh: np.tanh, sp.asin: np.arcsin, sp.acos: np.arccos,
        sp.atan: np.arctan, sp.erf: scipy.special.erf, sp.erfc: scipy.special.erfc, sp.gamma: scipy.special.gamma,
        sp.Max: lambda *a: reduce(np.maximum, a), sp.Min: lambda *a: reduce(np.minimum, a),
    })


def _constant(node: sp.Basic, backend: _Backend):
    if backend is _NUMPY:
        return float(node)
    return +mpmath.pi if node is sp.pi else (+mpmath.e if node is sp.E else mpmath.mpf(node.evalf(mpmath.mp.dps + 5)))


#: Extra digits of the successive evaluations in :meth:`Formula.value` (doubling, up to 640).
_EXTRA_DIGITS = tuple(GUARD_DIGITS * 2**k for k in range(1, 7))


@dataclass(frozen=True)
class Formula:
    """A parsed formula: its ``text``, the SymPy ``expr`` built in code, and the declared ``symbols`` (in order).

    >>> f = parse_formula("exp(-s^2/2) / sqrt(2*pi)", ["s"])
    >>> round(float(f.numpy({"s": 0.0})), 12)
    0.398942280401
    """

    text: str
    expr: sp.Expr
    symbols: tuple[str, ...]

    @property
    def used(self) -> tuple[str, ...]:
        """The declared names that occur in the expression, sorted."""
        return tuple(sorted(str(s) for s in self.expr.free_symbols))

    def _point(self, values: Mapping[str, object]) -> dict[str, object]:
        missing = [name for name in self.used if name not in values]
        if missing:
            raise InvalidArgument("values", sorted(values), f"a value for {', '.join(missing)} (used by {self.text!r})")
        return {name: values[name] for name in self.used}

    def value(self, values: Mapping[str, float], *, dps: int) -> mpmath.mpf:
        """The formula at ``values`` (exact binary value of each float) correct to ``dps`` digits.

        The mpmath walk runs inside ``workdps`` at ``dps + GUARD_DIGITS`` and at extra
        precision doubling up to 640 digits, until two successive non-zero results agree
        to ``dps + 1`` digits; the result is rounded to ``dps``. A result that is exactly 0
        at every precision is returned as 0. This is a heuristic, not a proof: a
        cancellation that both of two successive precisions miss in the same way (the
        limit form (1 + exp(-a))^exp(a) at a of several hundred) can still agree on a
        wrong value.

        Raises
        ------
        InvalidArgument
            A used symbol has no finite value, or the result is not real and finite.
        NoConvergence
            The digits never settle (a pole or a cancellation to zero at this point).

        >>> mpmath.nstr(parse_formula("1 - cos(s)", ["s"]).value({"s": 1e-12}, dps=15), 15)
        '5.0e-25'
        """
        if isinstance(dps, bool) or not isinstance(dps, int) or dps < 5:
            raise InvalidArgument("dps", dps, "an integer >= 5")
        point = {}
        for name, v in self._point(values).items():
            if isinstance(v, bool) or not isinstance(v, Real) or not math.isfinite(v):
                raise InvalidArgument(f"values[{name!r}]", v, "a finite real number")
            point[name] = float(v)
        previous = self._at(point, dps + GUARD_DIGITS)
        for extra in _EXTRA_DIGITS:
            current = self._at(point, dps + extra)
            with mpmath.workdps(dps + extra):
                # an exact 0 at two precisions is not evidence: (1 - cos(s))/s^2 at s = 1e-100 is 0 until ~200 digits
                if current != 0 and abs(current - previous) <= abs(current) * mpmath.mpf(10) ** -(dps + 1):
                    with mpmath.workdps(dps):
                        return +current
            previous = current
        if current == 0 and previous == 0:
            return mpmath.mpf(0)  # zero at every precision up to dps + the last extra digits
        raise NoConvergence(f"formula {self.text!r} at {point} did not settle to {dps} digits "
                            f"with {_EXTRA_DIGITS[-1]} extra digits (a pole or a cancellation to zero?)")

    def _at(self, point: Mapping[str, float], digits: int) -> mpmath.mpf:
        with mpmath.workdps(digits):
            result = self._walk(self.expr, {k: mpmath.mpf(v) for k, v in point.items()}, _MPMATH)
        if not mpmath.isfinite(result):
            raise InvalidArgument("formula", self.text, f"a real finite value at {point} (got {result})")
        return result

    def numpy(self, values: Mapping[str, float | np.ndarray]) -> np.ndarray:
        """float64 evaluation at ``values`` (numbers or arrays, broadcast); non-finite results are returned as such."""
        env = {k: np.asarray(v, dtype=float) for k, v in self._point(values).items()}
        with np.errstate(all="ignore"):
            return np.asarray(self._walk(self.expr, env, _NUMPY), dtype=float)

    def mpmath(self, values: Mapping[str, mpmath.mpf]) -> mpmath.mpf:
        """Evaluation at ``values`` at the current mpmath precision (quadrature integrands); nan where not real."""
        env = {k: mpmath.mpf(v) for k, v in self._point(values).items()}
        return self._walk(self.expr, env, _MPMATH)

    def latex(self) -> str:
        """The expression in LaTeX (``sympy.latex``)."""
        return sp.latex(self.expr)

    def _walk(self, node: sp.Basic, env: dict, backend: _Backend):
        if node.is_Symbol:
            return env[node.name]
        if node.is_Rational:
            return backend.number(node)
        if node.is_NumberSymbol:
            return _constant(node, backend)
        args = [self._walk(a, env, backend) for a in node.args]
        if node.is_Add:
            return backend.clean(reduce(backend.add, args))
        if node.is_Mul:
            return backend.clean(reduce(backend.mul, args))
        if node.is_Pow:
            return backend.clean(backend.power(*args))
        if type(node) in backend.functions:
            return backend.clean(backend.functions[type(node)](*args))
        raise InvalidArgument("formula", self.text, f"whitelisted operations only (found {type(node).__name__})")
