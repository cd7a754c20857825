"""Covers theory/_formula.py: the whitelist grammar, its errors, its refusal to execute anything, its evaluations."""

import builtins
import contextlib
import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import sympy.parsing.sympy_parser
from theory import FUNCTIONS, Formula, FormulaError, InvalidArgument, parse_formula

s, Z = sp.Symbol("s", real=True), sp.Symbol("Z", real=True)


@pytest.mark.parametrize("text, expected", [
    ("-s^2", -s**2), ("2^3^2", sp.Integer(512)), ("1/2/3", sp.Rational(1, 6)), ("0.1", sp.Rational(1, 10)),
    ("1e-3", sp.Rational(1, 1000)), (".5*s", s / 2), ("2^-1", sp.Rational(1, 2)), ("max(s*Z, 0)^2", sp.Max(s * Z, 0)**2),
    ("sqrt(2*pi)", sp.sqrt(2 * sp.pi)), ("exp(-s^2/2) + erf(s) - gamma(s)", sp.exp(-s**2 / 2) + sp.erf(s) - sp.gamma(s)),
    ("min(s, Z, 1)", sp.Min(s, Z, 1)), ("abs(s) * (1 + s)", sp.Abs(s) * (1 + s)), ("+s - -s", 2 * s),
])
def test_parses_the_grammar_exactly(text, expected):
    assert parse_formula(text, ["s", "Z"]).expr == expected


# (text, offending token, column): each rejected with the token named and nothing executed.
MALICIOUS = [
    ("__import__('os').system('touch {target}')", "__import__", 1),
    ("s.real", ".", 2), ("(lambda: 1)()", "lambda", 2), ("lambda x: x", "lambda", 1),
    ('"abc"', '"', 1), ("'abc'", "'", 1), ("[1,2]", "[", 1), ("s if s else 1", "if", 3),
    ("globals()", "globals", 1), ('exec("1")', "exec", 1), ("open('{target}', 'w')", "open", 1),
    ("s; 1", ";", 2), ("s = 1", "=", 3), ("s**2", "**", 2), ("s @ s", "@", 3), ("{{1: 2}}", "{", 1),
    ("s # comment", "#", 3), ("s\\n", "\\", 2), ("eval('1')", "eval", 1),
]


@contextlib.contextmanager
def no_execution():
    """Inside: every string-executing entry point raises (restored on exit, so pytest's own reporting works)."""
    def forbidden(*args, **kwargs):
        raise AssertionError("a string was handed to an evaluator")
    with pytest.MonkeyPatch.context() as mp:
        for owner, name in ((builtins, "eval"), (builtins, "exec"), (builtins, "compile"), (sp, "sympify"),
                            (sp, "parse_expr"), (sympy.parsing.sympy_parser, "parse_expr"), (sp, "lambdify")):
            mp.setattr(owner, name, forbidden)
        yield


@pytest.mark.parametrize("template, token, column", MALICIOUS)
def test_malicious_text_is_rejected_naming_the_token_and_nothing_runs(template, token, column, tmp_path):
    target = tmp_path / "x"
    text = template.format(target=target)
    with pytest.raises(FormulaError) as info, no_execution():
        parse_formula(text, ["s"])
    err = info.value
    assert (err.token, err.column) == (token, column)
    assert f"{token!r} at column {column}" in str(err) and "\n" not in str(err)
    assert not target.exists()


def test_evaluations_never_hand_a_string_to_an_evaluator():
    with no_execution():
        f = parse_formula("max(s*Z, 0)^2 + erf(s) + pi", ["s", "Z"])
        value = f.value({"s": 1.0, "Z": 2.0}, dps=20)
        fast = f.numpy({"s": 1.0, "Z": np.linspace(-1, 1, 5)})
        with mpmath.workdps(20):
            walked = f.mpmath({"s": 1, "Z": 2})
    assert value > 0 and walked > 0 and np.all(np.isfinite(fast))


@pytest.mark.parametrize("text, reason, token", [
    ("s + q", "unknown symbol", "q"), ("foo(2)", "unknown function", "foo"), ("s(2)", "cannot be called", "s"),
    ("sqrt", "without '('", "sqrt"), ("log(s, 2)", "takes 1 argument", "log"), ("max(s)", "2 or more", "max"),
    ("(s", "end of formula", "(s"), ("s)", "unmatched", ")"), ("2s", "missing operator", "s"),
    ("s (1)", "cannot be called", "s"), ("(s)(s)", "missing operator", "("), ("", "empty formula", ""),
    ("9^9^9", "too large", "^"), ("gamma(10^6)", "refused", "gamma"), ("1/0", "not a real finite", "zoo"),
    ("sqrt(-1)", "not a real finite", "I"), ("(" * 80 + "s" + ")" * 80, "nested deeper", "("), ("_x", "unknown symbol", "_x"),
])
def test_each_error_is_one_line_naming_the_token_and_what_is_allowed(text, reason, token):
    with pytest.raises(FormulaError) as info:
        parse_formula(text, ["s"])
    message = str(info.value)
    assert reason in message and info.value.token == token and "\n" not in message
    assert "allowed:" in message and isinstance(info.value, InvalidArgument)


def test_the_allowed_list_names_the_symbols_and_functions():
    with pytest.raises(FormulaError, match="symbols s, Z; constant pi; functions abs, .*tanh"):
        parse_formula("q", ["s", "Z"])


def test_too_long_text_is_refused():
    with pytest.raises(FormulaError, match="longer than 2000"):
        parse_formula("s+" * 1001 + "s", ["s"])


@pytest.mark.parametrize("symbols", [["1s"], ["exp"], ["pi"], ["_s"], [3]])
def test_declared_symbols_must_be_plain_names(symbols):
    with pytest.raises(InvalidArgument, match="symbols"):
        parse_formula("1", symbols)


def test_value_is_correct_to_the_requested_digits():
    with mpmath.workdps(60):
        exact = mpmath.sqrt(2)
    value = parse_formula("sqrt(2)", []).value({}, dps=50)
    with mpmath.workdps(60):
        assert abs(value - exact) < mpmath.mpf(10) ** -49


def test_value_uses_the_exact_binary_value_of_a_float():
    # 0.1 as a float is 3602879701896397 / 2^55, not 1/10
    value = parse_formula("s * 2^55", ["s"]).value({"s": 0.1}, dps=30)
    assert value == 3602879701896397


@pytest.mark.parametrize("text, values", [("log(s)", {"s": -1.0}), ("1/s", {"s": 0.0}), ("sqrt(s)", {"s": -4.0})])
def test_value_refuses_non_real_or_infinite_results(text, values):
    with pytest.raises(InvalidArgument, match="real finite"):
        parse_formula(text, ["s"]).value(values, dps=20)


def test_a_missing_value_is_named():
    with pytest.raises(InvalidArgument, match="Z"):
        parse_formula("s*Z", ["s", "Z"]).value({"s": 1.0}, dps=20)


def test_numpy_broadcasts_and_returns_non_finite_values_for_the_caller():
    f = parse_formula("log(s) + Z", ["s", "Z"])
    out = f.numpy({"s": np.array([1.0, -1.0]), "Z": 1.0})
    assert out[0] == 1.0 and math.isnan(out[1])


# Random expression trees over s and Z, printed by a small printer, must parse back to the same tree.
_LEAVES = st.one_of(st.sampled_from(["s", "Z", "pi"]), st.integers(1, 9).map(str))
_UNARY = ["exp", "sin", "tanh", "atan", "erf", "abs"]


def _printed(leaves):
    return st.recursive(leaves, lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from("+-*/"), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(inner, st.integers(-3, 3)).map(lambda t: f"({t[0]})^({t[1]})"),
        st.tuples(st.sampled_from(_UNARY), inner).map(lambda t: f"{t[0]}({t[1]})"),
        st.tuples(inner, inner).map(lambda t: f"max({t[0]}, {t[1]})"),
    ), max_leaves=8)


@settings(max_examples=150)
@given(_printed(_LEAVES), st.floats(0.1, 2.0), st.floats(-2.0, 2.0))
def test_parsed_trees_evaluate_alike_in_every_backend(text, sv, zv):
    try:
        f = parse_formula(text, ["s", "Z"])
    except FormulaError as exc:  # 1/0 or 0^-k folded to zoo is refused by design
        assert "not a real finite" in str(exc)
        return
    assert isinstance(f, Formula) and f.text == text
    try:
        exact = f.value({"s": sv, "Z": zv}, dps=30)
    except InvalidArgument:
        return  # not real or not finite at this point (a negative base to a power, a pole)
    fast = float(f.numpy({"s": sv, "Z": zv}))
    with mpmath.workdps(30):
        walked = f.mpmath({"s": sv, "Z": zv})
        assert abs(walked - exact) <= mpmath.mpf(10) ** -20 * max(1, abs(exact))
    if math.isfinite(fast) and abs(float(exact)) < 1e100:
        assert fast == pytest.approx(float(exact), rel=1e-8, abs=1e-8)


def test_function_list_is_the_documented_whitelist():
    assert FUNCTIONS == ("abs", "acos", "asin", "atan", "cos", "cosh", "erf", "erfc", "exp", "gamma", "log", "max",
                         "min", "sin", "sinh", "sqrt", "tan", "tanh")
