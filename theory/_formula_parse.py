r"""Tokenizer and recursive-descent parser of the formula whitelist (see :mod:`theory._formula`).

The text is split by one ASCII regular expression; the parser below builds
SymPy objects in code (``sp.Rational``, ``sp.Symbol``, ``sp.Add``, ...), so
nothing in the text is ever handed to ``eval``, ``exec``, ``sympify`` or any
other string evaluator. Every error is a :class:`FormulaError` naming the
offending token and its 1-based column.

Work guards: at most :data:`MAX_LENGTH` characters and :data:`MAX_DEPTH`
levels of nesting; a power needs ``|exponent| <= 1000`` (and, when the base is
a number, a numerator and denominator below ``10^100``); no exact number, read
or multiplied out by SymPy, may pass ``10^4000`` (:data:`MAX_DIGITS`); ``gamma``
of a number needs ``|x| <= 1000``. So ``9^9^9`` and ``1e99999`` are refused
instead of computed, and every exact number still prints.
"""

from __future__ import annotations

import re
from fractions import Fraction

import sympy as sp

from ._errors import InvalidArgument

__all__ = ["FUNCTIONS", "CONSTANTS", "FormulaError", "parse", "check_symbols"]

#: name: (SymPy constructor, arity; None = 2 to MAX_ARGUMENTS).
_FUNCTIONS = {
    "abs": (sp.Abs, 1), "sqrt": (sp.sqrt, 1), "exp": (sp.exp, 1), "log": (sp.log, 1),
    "sin": (sp.sin, 1), "cos": (sp.cos, 1), "tan": (sp.tan, 1),
    "sinh": (sp.sinh, 1), "cosh": (sp.cosh, 1), "tanh": (sp.tanh, 1),
    "asin": (sp.asin, 1), "acos": (sp.acos, 1), "atan": (sp.atan, 1),
    "erf": (sp.erf, 1), "erfc": (sp.erfc, 1), "gamma": (sp.gamma, 1),
    "max": (sp.Max, None), "min": (sp.Min, None),
}
FUNCTIONS: tuple[str, ...] = tuple(sorted(_FUNCTIONS))
CONSTANTS: tuple[str, ...] = ("pi",)

MAX_LENGTH, MAX_DEPTH, MAX_EXPONENT, MAX_BASE, MAX_DIGITS = 2000, 64, 1000, 10**100, 4000
MAX_ARGUMENTS = 8  # of max and min
_MAX_BITS = int(MAX_DIGITS * 3.3219280948873626)  # log2(10)
_TOKEN = re.compile(r"(?P<space>\s+)|(?P<number>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE](?P<exp>[+-]?[0-9]+))?)"
                    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op>\*\*|[-+*/^(),])", re.ASCII)
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*", re.ASCII)
_NOT_FINITE = (sp.zoo, sp.nan, sp.oo, sp.S.NegativeInfinity, sp.I)
_SYMPY_ERRORS = (ValueError, TypeError, ArithmeticError, NotImplementedError, RecursionError)


def _quoted(text: str, column: int) -> str:
    """``"text"`` on one line (control characters escaped), cut to a window around ``column`` when long."""
    if len(text) > 80:
        start = max(0, min(column - 40, len(text) - 80))
        text = ("..." if start else "") + text[start:start + 80] + ("..." if start + 80 < len(text) else "")
    return '"' + repr(text)[1:-1] + '"'


class FormulaError(InvalidArgument):
    """Text outside the formula whitelist; ``token`` and ``column`` (1-based) say where.

    Attributes ``text``, ``token``, ``column``, ``reason`` and ``allowed``;
    the message is one line: ``REASON 'TOKEN' at column N of "TEXT"; allowed: ...``.
    """

    def __init__(self, text: str, reason: str, token: str, column: int, allowed: str, hint: str = ""):
        super().__init__("formula", text, allowed)
        self.text, self.token, self.column, self.reason, self.hint = text, token, column, reason, hint
        self.message = (f"{reason} {token!r} at column {column} of {_quoted(text, column)}"
                        f"{' (' + hint + ')' if hint else ''}; allowed: {allowed}")
        self.args = (self.message,)

    def __str__(self) -> str:
        return self.message

    def __reduce__(self):  # picklable across worker processes
        return type(self), (self.text, self.reason, self.token, self.column, self.allowed, self.hint)


def check_symbols(symbols) -> tuple[str, ...]:
    """The declared names as a tuple, or :class:`InvalidArgument` naming the first bad one."""
    if isinstance(symbols, str):
        raise InvalidArgument("symbols", symbols, "a sequence of names (a list or tuple), not one string")
    names = tuple(symbols)
    for name in names:
        if not isinstance(name, str) or not _NAME.fullmatch(name) or name in _FUNCTIONS or name in CONSTANTS:
            raise InvalidArgument("symbols", name, "a letter then letters, digits or _, and not a function name or pi")
    if len(set(names)) != len(names):
        raise InvalidArgument("symbols", names, "distinct names")
    return names


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, position) of each token; a character outside the grammar ends the list as an "error" token."""
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            out.append(("error", text[pos], pos))
            break
        if m.lastgroup != "space":
            out.append(("number" if m.group("number") else m.lastgroup, m.group(), pos))
        pos = m.end()
    return out


def _bits(expr: sp.Basic) -> int:
    """Binary size of the exact numbers in ``expr``."""
    return sum(max(abs(r.p), r.q).bit_length() for r in expr.atoms(sp.Rational))


def _power_bits(base: sp.Expr) -> int:
    """Binary size of the exact numbers SymPy multiplies out when ``base`` is raised to a number:
    a rational factor ``r`` or a factor ``r^q`` (sums and function values stay unevaluated)."""
    size = 0
    for f in base.args if base.is_Mul else (base,):
        if f.is_Rational:
            size += _bits(f)
        elif f.is_Pow and f.base.is_Rational and f.exp.is_Rational:
            size += _bits(f.base) * abs(f.exp)
    return size


class _Parser:
    """expr := term (("+"|"-") term)*; term := unary (("*"|"/") unary)*; unary := ("+"|"-") unary | power;
    power := primary ("^" unary)?; primary := NUMBER | NAME | NAME "(" expr ("," expr)* ")" | "(" expr ")"."""

    def __init__(self, text: str, names: tuple[str, ...]):
        self.text, self.symbols = text, {name: sp.Symbol(name, real=True) for name in names}
        self.allowed = (f"symbols {', '.join(names) or '(none)'}; constant pi; functions {', '.join(FUNCTIONS)}; "
                        "numbers; + - * / ^ ( ) ,")
        self.tokens, self.i, self.depth = _tokens(text), 0, 0

    def fail(self, reason: str, token: tuple[str, str, int], hint: str = ""):
        raise FormulaError(self.text, reason, token[1], token[2] + 1, self.allowed, hint)

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str, int]:
        tok = self.peek()
        if tok is None:
            self.fail("unexpected end of formula after", self.tokens[-1], "an operand is missing")
        if tok[0] == "error":
            self.fail("unexpected character", tok)
        self.i += 1
        return tok

    def at(self, *values: str) -> tuple[str, str, int] | None:
        tok = self.peek()
        return tok if tok is not None and tok[0] == "op" and tok[1] in values else None

    def parse(self) -> sp.Expr:
        if not self.tokens:
            self.fail("empty formula", ("", "", 0))
        value = self.expr()
        if (tok := self.peek()) is not None:
            self.unexpected(tok)
        return value

    def unexpected(self, tok):
        if tok[0] == "error":
            self.fail("unexpected character", tok)
        if tok[1] == ")":
            self.fail("unbalanced parenthesis", tok, "no matching '('")
        if tok[1] == "**":
            self.fail("unexpected", tok, "use ^ for powers")
        implicit = tok[0] in ("number", "name") or tok[1] == "("
        self.fail("missing operator before", tok, "implicit multiplication is not allowed: write *" if implicit else "")

    def nested(self, method, tok):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self.fail("formula nested deeper than 64 levels at", tok)
        try:
            return method()
        finally:
            self.depth -= 1

    def build(self, tok, func, *args) -> sp.Expr:
        """``func(*args)`` in SymPy; a non-real, infinite or oversized result is refused at ``tok``."""
        try:
            value = func(*args)
        except _SYMPY_ERRORS:
            self.fail("no real finite value for", tok, "an argument is not a real number")
        if any(value is bad or any(a is bad for a in value.args) for bad in _NOT_FINITE):
            self.fail("not a real finite number at", tok, "division by zero, a pole, or a complex value")
        return value

    def expr(self) -> sp.Expr:
        value = self.term()
        while tok := self.at("+", "-"):
            self.take()
            rhs = self.term()
            value = self.build(tok, sp.Add, value, rhs if tok[1] == "+" else -rhs)
        return value

    def term(self) -> sp.Expr:
        value = self.unary()
        while tok := self.at("*", "/"):
            self.take()
            rhs = self.unary()
            value = (self.build(tok, sp.Mul, value, rhs) if tok[1] == "*"
                     else self.build(tok, lambda a, b: a / b, value, rhs))
        return value

    def unary(self) -> sp.Expr:
        if tok := self.at("+", "-"):
            self.take()
            inner = self.nested(self.unary, tok)
            return -inner if tok[1] == "-" else inner
        return self.power()

    def power(self) -> sp.Expr:
        base = self.primary()
        if tok := self.at("**"):
            self.fail("unexpected", tok, "use ^ for powers")
        if not (tok := self.at("^")):
            return base
        self.take()
        exponent = self.nested(self.unary, tok)
        if exponent.is_Number:
            big_base = base.is_Rational and max(abs(base.p), base.q) >= MAX_BASE
            size = _power_bits(base) * abs(exponent)
            if abs(exponent) > MAX_EXPONENT or big_base or size > _MAX_BITS:
                self.fail("power too large at", tok, "|exponent| <= 1000, a number base below 10^100, "
                          f"results below 10^{MAX_DIGITS}")
        return self.build(tok, sp.Pow, base, exponent)

    def primary(self) -> sp.Expr:
        tok = self.take()
        kind, value, _ = tok
        if kind == "number":
            return self.number(tok)
        if value == "(":
            inner = self.nested(self.expr, tok)
            self.close(tok)
            return inner
        if kind != "name":
            self.fail("unexpected", tok, "use ^ for powers" if value == "**" else "an operand is missing")
        if self.at("("):
            return self.call(tok)
        if value in self.symbols:
            return self.symbols[value]
        if value == "pi":
            return sp.pi
        if value in _FUNCTIONS:
            self.fail("function used without '(':", tok)
        self.fail("unknown symbol", tok, "names starting with _ are not allowed" if value.startswith("_") else "")

    def number(self, tok) -> sp.Expr:
        exp = _TOKEN.match(tok[1]).group("exp")
        if exp is not None and abs(int(exp)) > MAX_DIGITS:
            self.fail("number out of range", tok, f"at most 10^{MAX_DIGITS}")
        f = Fraction(tok[1])  # a decimal literal validated by _TOKEN
        if max(abs(f.numerator), f.denominator).bit_length() > _MAX_BITS:
            self.fail("number out of range", tok, f"at most {MAX_DIGITS} digits")
        return sp.Rational(f.numerator, f.denominator)

    def close(self, opening) -> None:
        tok = self.peek()
        if tok is None:
            self.fail("unexpected end of formula: unclosed", opening, "add the missing ')'")
        if not (tok[0] == "op" and tok[1] == ")"):
            self.unexpected(tok)
        self.take()

    def call(self, tok) -> sp.Expr:
        name = tok[1]
        if name in self.symbols or name in CONSTANTS:
            self.fail("symbol used as a function:", tok, f"implicit multiplication is not allowed: write {name}*(...)")
        if name not in _FUNCTIONS:
            self.fail("unknown function", tok)
        func, arity = _FUNCTIONS[name]
        opening = self.take()
        args = [self.nested(self.expr, opening)]
        while self.at(","):
            self.take()
            args.append(self.nested(self.expr, opening))
        self.close(opening)
        if (arity is not None and len(args) != arity) or (arity is None and not 2 <= len(args) <= MAX_ARGUMENTS):
            # SymPy compares max/min arguments pairwise: 260 of them took a minute to build
            need = "1 argument" if arity == 1 else f"2 to {MAX_ARGUMENTS} arguments (nest them for more)"
            self.fail("wrong number of arguments to", tok, f"{name} takes {need}, got {len(args)}")
        if name == "gamma" and args[0].is_Number and abs(args[0]) > MAX_EXPONENT:
            self.fail("argument too large for", tok, "gamma of a number needs |x| <= 1000")
        return self.build(tok, func, *args)


def parse(text: str, names: tuple[str, ...]) -> sp.Expr:
    """The SymPy expression of ``text`` over the (checked) symbol ``names``, or :class:`FormulaError`."""
    if not isinstance(text, str):
        raise InvalidArgument("formula", text, "a string")
    if len(text) > MAX_LENGTH:
        raise FormulaError(text, "formula longer than 2000 characters at", text[MAX_LENGTH:MAX_LENGTH + 10],
                           MAX_LENGTH + 1, "formulas of at most 2000 characters")
    parser = _Parser(text, names)
    expr = parser.parse()
    if expr.has(*_NOT_FINITE):
        parser.fail("not a real finite formula:", ("", text[:40], 0), "division by zero, a pole, or a complex value")
    if any(max(abs(r.p), r.q).bit_length() > _MAX_BITS for r in expr.atoms(sp.Rational)):
        parser.fail("number too large in", ("", text[:40], 0), f"exact numbers below 10^{MAX_DIGITS}")
    return expr
