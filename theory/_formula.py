r"""Formulas from untrusted text, parsed by a whitelist into SymPy (claims files; see ``verify``).

Grammar (nothing else is accepted)::

    expr    := term (("+" | "-") term)*
    term    := unary (("*" | "/") unary)*
    unary   := ("+" | "-") unary | power
    power   := primary ("^" unary)?             # right-associative: 2^3^2 = 2^9; -x^2 = -(x^2)
    primary := NUMBER | SYMBOL | "pi" | FUNCTION "(" expr ("," expr)* ")" | "(" expr ")"

Numbers are decimal literals (``2``, ``0.5``, ``.5``, ``1e-3``) and become
exact rationals (``0.1`` is 1/10). Symbols are the names the caller declares.
Functions are the fixed list :data:`FUNCTIONS`.

Security: the text is tokenised by one regular expression and parsed by the
recursive descent below into SymPy objects built in code. Nothing here calls
``eval``, ``exec``, ``compile``, ``sympify``, ``parse_expr`` or ``lambdify``;
numeric evaluation walks the SymPy tree with a fixed table of numpy or mpmath
functions. Guards bound the work an input can cause: at most 2000 characters,
nesting depth 64, and a power of two numbers needs |exponent| <= 1000 and a
base below 10^100 (``9^9^9`` is refused, not computed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterator, Mapping, Sequence

import mpmath
import numpy as np
import scipy.special
import sympy as sp

from ._errors import InvalidArgument
from ._evaluate import GUARD_DIGITS

__all__ = ["Formula", "FormulaError", "parse_formula", "FUNCTIONS", "CONSTANTS"]

#: name: (SymPy constructor, arity; None = two or more).
_FUNCTIONS = {
    "abs": (sp.Abs, 1), "sqrt": (sp.sqrt, 1), "exp": (sp.exp, 1), "log": (sp.log, 1),
    "sin": (sp.sin, 1), "cos": (sp.cos, 1), "tan": (sp.tan, 1),
    "sinh": (sp.sinh, 1), "cosh": (sp.cosh, 1), "tanh": (sp.tanh, 1),
    "asin": (sp.asin, 1), "acos": (sp.acos, 1), "atan": (sp.atan, 1),
    "erf": (sp.erf, 1), "erfc": (sp.erfc, 1), "gamma": (sp.gamma, 1),
    "max": (sp.Max, None), "min": (sp.Min, None),
}
FUNCTIONS = tuple(sorted(_FUNCTIONS))
CONSTANTS = ("pi",)

_MAX_LENGTH, _MAX_DEPTH, _MAX_EXPONENT, _MAX_BASE = 2000, 64, 1000, 10**100
_TOKEN = re.compile(r"(?P<space>\s+)|(?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
                    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>\*\*|[-+*/^(),])")
_SYMBOL = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


class FormulaError(InvalidArgument):
    """Text that is not a formula of the whitelist: names the offending ``token`` and its 1-based ``column``."""

    def __init__(self, text: str, reason: str, token: str, column: int, allowed: str):
        super().__init__("formula", text, allowed)
        self.text, self.reason, self.token, self.column = text, reason, token, column
        shown = text if len(text) <= 80 else text[:77] + "..."
        self.args = (f"{reason} {token!r} at column {column} of {shown!r}; allowed: {allowed}",)

    def __str__(self) -> str:
        return self.args[0]


def _tokens(text: str) -> Iterator[tuple[str, str, int]]:
    """(kind, text, position) of each token, lazily; a character outside the grammar is an "error" token,
    reported when the parser reaches it (so the first error in reading order is the one named)."""
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            yield "error", text[pos], pos
            return
        if m.lastgroup != "space":
            yield m.lastgroup, m.group(), pos
        pos = m.end()


class _Parser:
    def __init__(self, text: str, symbols: tuple[str, ...]):
        self.text, self.symbols = text, {name: sp.Symbol(name, real=True) for name in symbols}
        self.allowed = (f"symbols {', '.join(symbols) or '(none)'}; constant pi; functions {', '.join(FUNCTIONS)}; "
                        "numbers and + - * / ^ ( ) ,")
        self.stream, self.tokens = _tokens(text), []
        self.i, self.depth = 0, 0

    def fail(self, reason: str, token: str, pos: int):
        raise FormulaError(self.text, reason, token, pos + 1, self.allowed)

    def peek(self) -> tuple[str, str, int] | None:
        while len(self.tokens) <= self.i:
            token = next(self.stream, None)
            if token is None:
                return None
            self.tokens.append(token)
        return self.tokens[self.i]

    def take(self, value: str | None = None) -> tuple[str, str, int]:
        tok = self.peek()
        if tok is None:
            self.fail("unexpected end of formula after", self.text.rstrip()[-12:] or self.text, len(self.text) - 1)
        if tok[0] == "error":
            self.fail("unexpected character", tok[1], tok[2])
        if value is not None and tok[1] != value:
            self.fail(f"expected {value!r}, found", tok[1], tok[2])
        self.i += 1
        return tok

    def parse(self) -> sp.Expr:
        if self.peek() is None:
            self.fail("empty formula", self.text, 0)
        expr = self.expr()
        tok = self.peek()
        if tok is not None:
            what = {")": "unmatched"}.get(tok[1], "unexpected character" if tok[0] == "error" else "missing operator before")
            self.fail(what, tok[1], tok[2])
        return expr

    def nested(self, method):
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            tok = self.peek() or ("", self.text[-1:], len(self.text) - 1)
            self.fail(f"formula nested deeper than {_MAX_DEPTH} levels at", tok[1], tok[2])
        try:
            return method()
        finally:
            self.depth -= 1

    def expr(self) -> sp.Expr:
        value = self.term()
        while (tok := self.peek()) and tok[1] in "+-":
            self.take()
            value = value + self.term() if tok[1] == "+" else value - self.term()
        return value

    def term(self) -> sp.Expr:
        value = self.unary()
        while (tok := self.peek()) and tok[1] in ("*", "/"):
            self.take()
            value = value * self.unary() if tok[1] == "*" else value / self.unary()
        return value

    def unary(self) -> sp.Expr:
        tok = self.peek()
        if tok and tok[1] in "+-":
            self.take()
            inner = self.nested(self.unary)
            return -inner if tok[1] == "-" else inner
        return self.power()

    def power(self) -> sp.Expr:
        base = self.primary()
        tok = self.peek()
        if tok and tok[1] == "**":
            self.fail("'**' is not allowed (use ^ for powers):", "**", tok[2])
        if not (tok and tok[1] == "^"):
            return base
        self.take()
        exponent = self.nested(self.unary)
        if base.is_Number and exponent.is_Number:
            too_big = abs(exponent) > _MAX_EXPONENT or (base.is_Rational and max(abs(base.p), base.q) >= _MAX_BASE)
            if too_big:
                self.fail("power too large to evaluate exactly:", "^", tok[2])
        return base**exponent

    def primary(self) -> sp.Expr:
        kind, value, pos = self.take()
        if kind == "number":
            f = Fraction(value)
            return sp.Rational(f.numerator, f.denominator)
        if value == "(":
            inner = self.nested(self.expr)
            self.take(")")
            return inner
        if kind != "name":
            self.fail("unexpected", value, pos)
        called = (nxt := self.peek()) is not None and nxt[1] == "("
        if called:
            return self.call(value, pos)
        if value in self.symbols:
            return self.symbols[value]
        if value == "pi":
            return sp.pi
        if value in _FUNCTIONS:
            self.fail("function used without '(':", value, pos)
        self.fail("unknown symbol", value, pos)

    def call(self, name: str, pos: int) -> sp.Expr:
        if name not in _FUNCTIONS:
            self.fail("a symbol cannot be called:" if name in self.symbols or name == "pi" else "unknown function",
                      name, pos)
        func, arity = _FUNCTIONS[name]
        self.take("(")
        args = [self.nested(self.expr)]
        while (tok := self.peek()) and tok[1] == ",":
            self.take()
            args.append(self.nested(self.expr))
        self.take(")")
        if (arity is not None and len(args) != arity) or (arity is None and len(args) < 2):
            need = f"{arity} argument" if arity else "2 or more arguments"
            self.fail(f"{name} takes {need}, got {len(args)}:", name, pos)
        if name == "gamma" and args[0].is_Number and abs(args[0]) > _MAX_EXPONENT:
            self.fail("gamma of a number this large is refused:", name, pos)
        return func(*args)


def parse_formula(text: str, symbols: Sequence[str]) -> "Formula":
    """Parse untrusted ``text`` into a :class:`Formula` over the declared ``symbols``.

    >>> f = parse_formula("max(s*Z, 0)^2 / 2", ["s", "Z"])
    >>> f.expr
    Max(0, Z*s)**2/2
    >>> parse_formula("__import__('os')", ["s"])
    Traceback (most recent call last):
    ...
    theory._formula.FormulaError: unknown function '__import__' at column 1 of "__import__('os')"; allowed: ...
    """
    names = tuple(symbols) if not isinstance(symbols, str) else (symbols,)
    for name in names:
        if not isinstance(name, str) or not _SYMBOL.match(name) or name in _FUNCTIONS or name in CONSTANTS:
            raise InvalidArgument("symbols", name, "names of a letter then letters, digits or _, not a function or pi")
    if not isinstance(text, str):
        raise InvalidArgument("formula", text, "a string")
    if len(text) > _MAX_LENGTH:
        raise FormulaError(text, "formula longer than 2000 characters, ending", text[-10:], len(text), "short formulas")
    expr = _Parser(text, names).parse()
    if expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I):
        raise FormulaError(text, "not a real finite expression:", str(expr), 1, "real finite formulas")
    return Formula(text, expr, names)


def _reduce(op):
    def apply(*args):
        out = args[0]
        for a in args[1:]:
            out = op(out, a)
        return out
    return apply


#: SymPy node class -> (numpy function, mpmath function) for the tree walks.
_WALK = {
    sp.Abs: (np.abs, mpmath.fabs), sp.exp: (np.exp, mpmath.exp), sp.log: (np.log, mpmath.log),
    sp.sin: (np.sin, mpmath.sin), sp.cos: (np.cos, mpmath.cos), sp.tan: (np.tan, mpmath.tan),
    sp.sinh: (np.sinh, mpmath.sinh), sp.cosh: (np.cosh, mpmath.cosh), sp.tanh: (np.tanh, mpmath.tanh),
    sp.asin: (np.arcsin, mpmath.asin), sp.acos: (np.arccos, mpmath.acos), sp.atan: (np.arctan, mpmath.atan),
    sp.erf: (scipy.special.erf, mpmath.erf), sp.erfc: (scipy.special.erfc, mpmath.erfc),
    sp.gamma: (scipy.special.gamma, mpmath.gamma),
    sp.Max: (_reduce(np.maximum), _reduce(max)), sp.Min: (_reduce(np.minimum), _reduce(min)),
}


@dataclass(frozen=True)
class Formula:
    """A parsed formula: its ``text``, the SymPy ``expr`` and the declared ``symbols``."""

    text: str
    expr: sp.Expr
    symbols: tuple[str, ...]

    @property
    def used(self) -> tuple[str, ...]:
        """The declared names that occur in the expression, sorted."""
        return tuple(sorted(str(s) for s in self.expr.free_symbols))

    def _values(self, values: Mapping[str, object]) -> dict:
        missing = [name for name in self.used if name not in values]
        if missing:
            raise InvalidArgument("values", sorted(values), f"a value for every symbol of {self.text!r} ({', '.join(missing)})")
        return {sp.Symbol(name, real=True): values[name] for name in self.used}

    def value(self, values: Mapping[str, float], *, dps: int) -> mpmath.mpf:
        """The formula at ``values`` (exact binary values of the floats) to ``dps`` digits; real and finite or an error."""
        if isinstance(dps, bool) or not isinstance(dps, int) or dps < 5:
            raise InvalidArgument("dps", dps, "an integer >= 5")
        subs = {k: sp.Rational(float(v)) for k, v in self._values(values).items()}
        result = self.expr.xreplace(subs).evalf(dps + GUARD_DIGITS)  # exact substitution: log(s - 1) at 1 is a pole
        if not (result.is_Number and result.is_extended_real and result.is_finite):
            shown = {str(k): float(v) for k, v in subs.items()}
            raise InvalidArgument("formula", self.text, f"a real finite value at {shown} (got {result})")
        with mpmath.workdps(dps + GUARD_DIGITS):
            exact = mpmath.mpf(sp.Float(result, dps + GUARD_DIGITS)._mpf_)
        with mpmath.workdps(dps):
            return +exact

    def numpy(self, values: Mapping[str, object]) -> np.ndarray:
        """float64 evaluation at ``values`` (numbers or arrays, broadcast); non-finite results are returned as such."""
        env = {str(k): np.asarray(v, dtype=float) for k, v in self._values(values).items()}
        with np.errstate(all="ignore"):
            return np.asarray(self._walk(self.expr, env, 0), dtype=float)

    def mpmath(self, values: Mapping[str, object]) -> mpmath.mpf:
        """Evaluation at ``values`` in mpmath at the current precision (for quadrature integrands)."""
        env = {str(k): mpmath.mpf(v) for k, v in self._values(values).items()}
        return self._walk(self.expr, env, 1)

    def latex(self) -> str:
        return sp.latex(self.expr)

    def _walk(self, node: sp.Basic, env: dict, backend: int):
        if node.is_Symbol:
            return env[node.name]
        if node.is_Rational:
            return float(node) if backend == 0 else mpmath.mpf(node.p) / node.q
        if node.is_NumberSymbol:
            return float(node) if backend == 0 else mpmath.mpf(node.evalf(mpmath.mp.dps + 5)._mpf_)
        args = [self._walk(a, env, backend) for a in node.args]
        if node.is_Add:
            return _reduce(lambda a, b: a + b)(*args)
        if node.is_Mul:
            return _reduce(lambda a, b: a * b)(*args)
        if node.is_Pow:
            return np.power(args[0], args[1]) if backend == 0 else mpmath.power(*args)
        if type(node) in _WALK:
            return _WALK[type(node)][backend](*args)
        raise InvalidArgument("formula", self.text, f"nodes of the whitelist (found {type(node).__name__})")
