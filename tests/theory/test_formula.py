"""Covers theory/_formula.py and theory/_formula_parse.py: the whitelist grammar, its errors, its refusal to
execute anything, its guards against runaway work, and the three evaluations (exact, numpy, mpmath)."""

import builtins
import contextlib
import importlib
import math
import pickle
import time

import mpmath
import numpy as np
import pytest
import sympy as sp
import sympy.parsing.sympy_parser
from hypothesis import event, given, settings
from hypothesis import strategies as st

from theory import CONSTANTS, FUNCTIONS, Formula, FormulaError, InvalidArgument, NoConvergence, parse_formula

s, Z = sp.Symbol("s", real=True), sp.Symbol("Z", real=True)


@pytest.mark.parametrize("text, expected", [
    ("-s^2", -s**2), ("2^3^2", sp.Integer(512)), ("1/2/3", sp.Rational(1, 6)), ("0.1", sp.Rational(1, 10)),
    ("1e-3", sp.Rational(1, 1000)), ("2.5E+4", sp.Integer(25000)), (".5*s", s / 2), ("2^-1", sp.Rational(1, 2)),
    ("max(s*Z, 0)^2", sp.Max(s * Z, 0)**2), ("sqrt(2*pi)", sp.sqrt(2 * sp.pi)), ("-2^2", sp.Integer(-4)),
    ("exp(-s^2/2) + erf(s) - gamma(s)", sp.exp(-s**2 / 2) + sp.erf(s) - sp.gamma(s)), ("s - Z - 1", s - Z - 1),
    ("min(s, Z, 1)", sp.Min(s, Z, 1)), ("abs(s) * (1 + s)", sp.Abs(s) * (1 + s)), ("+s - -s", 2 * s),
    ("s*-Z", -s * Z), ("s^-Z^2", s**(-Z**2)), ("log(exp(1))", sp.Integer(1)), (" s\t*\nZ ", s * Z),
    ("cosh(s) + sinh(Z) + tanh(s) + asin(Z) + acos(s) + atan(Z) + tan(s) + erfc(s) + cos(Z) + sin(s)",
     sp.cosh(s) + sp.sinh(Z) + sp.tanh(s) + sp.asin(Z) + sp.acos(s) + sp.atan(Z) + sp.tan(s) + sp.erfc(s) + sp.cos(Z)
     + sp.sin(s)),
])
def test_parses_the_grammar_exactly(text, expected):
    f = parse_formula(text, ["s", "Z"])
    assert f.expr == expected and f.text == text and f.symbols == ("s", "Z")
    assert all(a.is_real for a in f.expr.free_symbols)


def test_used_lists_the_declared_names_that_occur_sorted():
    assert parse_formula("Z + s*0 + b", ["s", "Z", "b", "c"]).used == ("Z", "b")
    assert parse_formula("2", ["s"]).used == ()


# (text, offending token, column): each rejected with the token named and nothing executed.
MALICIOUS = [
    ("__import__('os').system('touch {target}')", "__import__", 1),
    ("s.real", ".", 2), ("(lambda: 1)()", "lambda", 2), ("lambda x: x", "lambda", 1),
    ('"abc"', '"', 1), ("'abc'", "'", 1), ("[1,2]", "[", 1), ("s if s else 1", "if", 3),
    ("globals()", "globals", 1), ('exec("1")', "exec", 1), ("open('{target}', 'w')", "open", 1),
    ("s; 1", ";", 2), ("s = 1", "=", 3), ("s**2", "**", 2), ("s @ s", "@", 3), ("{{1: 2}}", "{", 1),
    ("s # comment", "#", 3), ("s\\n", "\\", 2), ("eval('1')", "eval", 1), ("s:1", ":", 2), ("!s", "!", 1),
    ("s.__class__", ".", 2), ("`s`", "`", 1), ("$s", "$", 1), ("s & 1", "&", 3), ("σ", "σ", 1),
    ("sqrt(s).real", ".", 8), ("(s)[0]", "[", 4),
]


@contextlib.contextmanager
def no_execution():
    """Inside: every string-executing entry point raises (restored on exit, so pytest's own reporting works).

    SymPy's arithmetic converts its operands with ``sympify(strict=True)``, so sympify is wrapped to fail
    on a string only; the other entry points fail on any call."""
    def forbidden(*args, **kwargs):
        raise AssertionError("a string was handed to an evaluator")

    def no_strings(real):
        def guarded(a, *args, **kwargs):
            if isinstance(a, str):
                raise AssertionError(f"a string was handed to sympify: {a!r}")
            return real(a, *args, **kwargs)
        return guarded

    with pytest.MonkeyPatch.context() as mp:
        for owner, name in ((builtins, "eval"), (builtins, "exec"), (builtins, "compile"), (sp, "parse_expr"),
                            (sympy.parsing.sympy_parser, "parse_expr"), (sp, "lambdify")):
            mp.setattr(owner, name, forbidden)
        core = importlib.import_module("sympy.core.sympify")  # the module; `sympy.core.sympify` is the function
        mp.setattr(core, "sympify", no_strings(core.sympify))
        mp.setattr(sp, "sympify", no_strings(sp.sympify))
        yield


@pytest.mark.parametrize("template, token, column", MALICIOUS)
def test_malicious_text_is_rejected_naming_the_token_and_nothing_runs(template, token, column, tmp_path):
    target = tmp_path / "x"
    text = template.format(target=target)
    with pytest.raises(FormulaError) as info, no_execution():
        parse_formula(text, ["s"])
    err = info.value
    assert (err.token, err.column, err.text) == (token, column, text)
    assert f"{token!r} at column {column} of " in str(err) and "\n" not in str(err)
    assert not target.exists()


def test_the_no_execution_guard_does_catch_string_evaluation():
    with no_execution(), pytest.raises(AssertionError):
        sp.sympify("1 + 1")
    with no_execution(), pytest.raises(AssertionError):
        builtins.eval("1")


def test_parsing_and_evaluations_never_hand_a_string_to_an_evaluator():
    with no_execution():
        f = parse_formula("max(s*Z, 0)^2 + erf(s) + pi - 0.5e-1 + gamma(3/2) + abs(-Z)^(1/3)", ["s", "Z"])
        value = f.value({"s": 1.0, "Z": 2.0}, dps=20)
        fast = f.numpy({"s": 1.0, "Z": np.linspace(-1, 1, 5)})
        with mpmath.workdps(20):
            walked = f.mpmath({"s": 1, "Z": 2})
        f.latex()
    assert value > 0 and walked > 0 and np.all(np.isfinite(fast))


@pytest.mark.parametrize("text, reason, token, column", [
    ("s + q", "unknown symbol", "q", 5), ("foo(2)", "unknown function", "foo", 1),
    ("s(2)", "symbol used as a function", "s", 1), ("s (1+s)", "implicit multiplication", "s", 1),
    ("pi(2)", "used as a function", "pi", 1), ("sqrt", "function used without '('", "sqrt", 1),
    ("2 + exp", "without '('", "exp", 5), ("log(s, 2)", "wrong number of arguments", "log", 1),
    ("max(s)", "2 to 8 arguments", "max", 1), ("(s", "end of formula: unclosed", "(", 1),
    ("s)", "unbalanced parenthesis", ")", 2),
    ("max(s, ", "unexpected end of formula", ",", 6), ("s +", "unexpected end of formula", "+", 3),
    ("2s", "implicit multiplication", "s", 2), ("(s)(s)", "implicit multiplication", "(", 4),
    ("(s s)", "missing operator", "s", 4), ("1.2.3", "missing operator", ".3", 4), ("", "empty formula", "", 1),
    ("  ", "empty formula", "", 1), ("s*/2", "unexpected", "/", 3), ("()", "unexpected", ")", 2),
    ("9^9^9", "power too large", "^", 2), ("(10^99)^1000", "power too large", "^", 8),
    ("s^2000", "power too large", "^", 2),
    ("(7*s)^(10^9)", "power too large", "^", 6), ("sqrt(3)^(10^6)", "power too large", "^", 8),
    ("1e99999", "number out of range", "1e99999", 1), ("gamma(10^6)", "too large", "gamma", 1),
    ("1/0", "not a real finite", "/", 2), ("s + log(0)", "not a real finite", "log", 5),
    ("sqrt(-1)", "not a real finite", "sqrt", 1), ("max(s, asin(2))", "no real finite value", "max", 1),
    ("(" * 70 + "s" + ")" * 70, "nested deeper", "(", 65), ("-" * 70 + "s", "nested deeper", "-", 65),
    ("2^" * 70 + "2", "nested deeper", "^", 130), ("_x", "unknown symbol", "_x", 1),
    ("s**2", "use ^ for powers", "**", 2),
])
def test_each_error_is_one_line_naming_the_token_its_column_and_what_is_allowed(text, reason, token, column):
    with pytest.raises(FormulaError) as info:
        parse_formula(text, ["s"])
    err, message = info.value, str(info.value)
    assert reason in message and (err.token, err.column) == (token, column), message
    assert f"{token!r} at column {column}" in message and "\n" not in message
    assert err.allowed in message and isinstance(err, InvalidArgument) and isinstance(err, ValueError)
    assert err.reason in message and err.text == text


def test_the_message_has_the_documented_shape():
    with pytest.raises(FormulaError) as info:
        parse_formula("s^2 + q", ["s", "Z"])
    assert str(info.value).startswith(
        "unknown symbol 'q' at column 7 of \"s^2 + q\"; allowed: symbols s, Z; constant pi; functions abs, acos, ")


def test_the_error_survives_pickling_for_worker_processes():
    with pytest.raises(FormulaError) as info:
        parse_formula("s + q", ["s"])
    again = pickle.loads(pickle.dumps(info.value))
    assert (str(again), again.token, again.column, again.reason) == (str(info.value), "q", 5, "unknown symbol")


def test_a_long_text_is_shown_around_the_offending_column():
    text = "s + " * 100 + "q"
    with pytest.raises(FormulaError) as info:
        parse_formula(text, ["s"])
    message = str(info.value)
    assert "at column 401" in message and '+ q"' in message and len(message.split("; allowed")[0]) < 160


def test_too_long_text_is_refused_before_parsing():
    with pytest.raises(FormulaError, match="longer than 2000") as info:
        parse_formula("s+" * 1001 + "s", ["s"])
    assert info.value.column == 2001


@pytest.mark.parametrize("symbols", [["1s"], ["exp"], ["pi"], ["_s"], [3], ["s", "s"], "s", ["s t"], [""]])
def test_declared_symbols_must_be_distinct_plain_names(symbols):
    with pytest.raises(InvalidArgument, match="symbols"):
        parse_formula("1", symbols)


def test_text_must_be_a_string():
    with pytest.raises(InvalidArgument, match="a string"):
        parse_formula(b"s", ["s"])


def test_value_is_correct_to_the_requested_digits():
    value = parse_formula("sqrt(2)", []).value({}, dps=50)
    with mpmath.workdps(80):
        exact = mpmath.sqrt(2)
        assert mpmath.nstr(value, 50) == mpmath.nstr(exact, 50)
        assert abs(value - exact) < mpmath.mpf(10) ** -49


def test_value_survives_cancellation():
    # 1 - cos(x) = 2 sin(x/2)^2 exactly; x = 1e-12 cancels 24 digits in the left form.
    value = parse_formula("1 - cos(s)", ["s"]).value({"s": 1e-12}, dps=30)
    with mpmath.workdps(60):
        exact = 2 * mpmath.sin(mpmath.mpf(1e-12) / 2) ** 2
        assert abs(value - exact) <= abs(exact) * mpmath.mpf(10) ** -29


def test_value_uses_the_exact_binary_value_of_a_float():
    # 0.1 as a float is 3602879701896397 / 2^55, not 1/10
    assert parse_formula("s * 2^55", ["s"]).value({"s": 0.1}, dps=30) == 3602879701896397


@pytest.mark.parametrize("text, values", [
    ("log(s)", {"s": -1.0}), ("1/s", {"s": 0.0}), ("sqrt(s)", {"s": -4.0}), ("log(s - 1)", {"s": 1.0}),
    ("acos(s)", {"s": 2.0}), ("(-8)^(1/3) * s", {"s": 1.0}), ("gamma(s)", {"s": 0.0}),
    ("exp(exp(exp(s)))", {"s": 10.0}),
])
def test_value_refuses_non_real_or_infinite_results(text, values):
    with pytest.raises(InvalidArgument, match="real finite value at"):
        parse_formula(text, ["s"]).value(values, dps=20)


def test_value_reports_digits_that_never_settle():
    with pytest.raises(NoConvergence, match="did not settle"):
        parse_formula("cos(s)^2 + sin(s)^2 - 1", ["s"]).value({"s": 0.3}, dps=20)


@pytest.mark.parametrize("values, dps, name", [
    ({"s": 1.0}, 20, "Z"), ({"s": 1.0, "Z": math.nan}, 20, "Z"), ({"s": 1.0, "Z": "2"}, 20, "Z"),
    ({"s": 1.0, "Z": 1.0}, 3, "dps"),
])
def test_value_names_a_missing_or_bad_argument(values, dps, name):
    with pytest.raises(InvalidArgument, match=name):
        parse_formula("s*Z", ["s", "Z"]).value(values, dps=dps)


def test_extra_values_are_ignored():
    assert parse_formula("2*s", ["s", "Z"]).value({"s": 1.5, "k": 3}, dps=10) == 3


@pytest.mark.parametrize("text, point", [
    ("exp(exp(exp(s)))", 10.0), ("gamma(s)", 1e15), ("sin(exp(exp(s)))", 10.0), ("erfc(exp(exp(s)))", 10.0),
    ("(1 + s)^exp(exp(s))", 10.0), ("exp(-exp(exp(s)))", 10.0), ("sinh(exp(exp(s)))", 10.0),
])
def test_huge_intermediates_saturate_instead_of_running_for_ever(text, point):
    f = parse_formula(text, ["s"])
    start = time.perf_counter()
    with mpmath.workdps(30):
        walked = f.mpmath({"s": point})
    fast = f.numpy({"s": point})
    assert time.perf_counter() - start < 1
    assert (mpmath.isnan(walked) and np.isnan(fast)) or float(walked) == float(fast) or math.isinf(float(walked))


def test_numpy_broadcasts_and_returns_non_finite_values_for_the_caller():
    f = parse_formula("log(s) + Z", ["s", "Z"])
    out = f.numpy({"s": np.array([1.0, -1.0, 0.0]), "Z": 1.0})
    assert out.shape == (3,) and out[0] == 1.0 and math.isnan(out[1]) and out[2] == -math.inf
    f = parse_formula("max(s, Z, 0) - min(s, Z)", ["s", "Z"])
    grid = f.numpy({"s": np.array([[1.0], [-1.0]]), "Z": np.array([2.0, -3.0])})
    assert grid.tolist() == [[1.0, 4.0], [3.0, 3.0]]


def test_mpmath_returns_nan_where_the_value_is_not_real():
    with mpmath.workdps(20):
        assert mpmath.isnan(parse_formula("sqrt(s)", ["s"]).mpmath({"s": -1}))
        assert parse_formula("1/s", ["s"]).mpmath({"s": 0}) == mpmath.inf


# One formula per whitelisted function (and the forms SymPy rewrites them into: sqrt -> Pow, exp(1) -> E,
# subtraction -> Mul(-1, .)), at a point inside its domain: the three evaluations agree.
WALKED = ["abs(s - 1)", "sqrt(s)", "exp(s) + exp(1)", "log(s)", "sin(s)", "cos(s)", "tan(s)", "sinh(s)", "cosh(s)",
          "tanh(s)", "asin(s/2)", "acos(s/2)", "atan(s)", "erf(s)", "erfc(s)", "gamma(s)", "max(s, Z, 1/2)",
          "min(s, Z)", "pi*s - Z", "s^Z", "s^(1/3)", "2^s", "gamma(1/2) * s"]


@pytest.mark.parametrize("text", WALKED)
def test_every_whitelisted_node_walks_alike_in_numpy_and_mpmath(text):
    f = parse_formula(text, ["s", "Z"])
    point = {"s": 0.75, "Z": -0.25}
    exact = f.value(point, dps=30)
    with mpmath.workdps(40):
        assert abs(f.mpmath(point) - exact) <= mpmath.mpf(10) ** -28 * max(1, abs(exact))
    assert float(f.numpy(point)) == pytest.approx(float(exact), rel=1e-13, abs=1e-15)


def test_a_node_outside_the_table_is_refused():
    with pytest.raises(InvalidArgument, match="found sign"):
        Formula("sign(s)", sp.sign(s), ("s",)).numpy({"s": 1.0})


def test_latex():
    assert parse_formula("s^2/2", ["s"]).latex() == r"\frac{s^{2}}{2}"


def test_function_and_constant_lists_are_the_documented_whitelist():
    assert FUNCTIONS == ("abs", "acos", "asin", "atan", "cos", "cosh", "erf", "erfc", "exp", "gamma", "log", "max",
                         "min", "sin", "sinh", "sqrt", "tan", "tanh")
    assert CONSTANTS == ("pi",)


# Random expression trees over s and Z: printed with the fewest parentheses the grammar needs, parsed back,
# equal to the tree built in SymPy directly; and the three evaluations agree at a random point.
_UNARY = {"exp": sp.exp, "sin": sp.sin, "tanh": sp.tanh, "atan": sp.atan, "erf": sp.erf, "abs": sp.Abs,
          "sqrt": sp.sqrt, "log": sp.log}
_LEAF = st.one_of(st.sampled_from([("sym", "s"), ("sym", "Z"), ("pi",)]), st.integers(0, 9).map(lambda n: ("num", n)))
_EXPONENT = st.integers(-3, 3).map(lambda k: ("num", k) if k >= 0 else ("neg", ("num", -k)))


def _extend(inner):
    return st.one_of(
        st.tuples(st.just("bin"), st.sampled_from("+-*/"), inner, inner), st.tuples(st.just("neg"), inner),
        st.tuples(st.just("pow"), inner, _EXPONENT), st.tuples(st.just("call"), st.sampled_from(sorted(_UNARY)), inner),
        st.tuples(st.just("max"), inner, inner))


_TREES = st.recursive(_LEAF, _extend, max_leaves=10)
_PREC = {"+": 1, "-": 1, "*": 2, "/": 2}


def _print(t, space) -> tuple[str, int]:
    """(text, precedence): 1 sum, 2 product, 3 unary minus, 4 power, 5 atom."""
    def wrap(sub, least):
        text, prec = _print(sub, space)
        return text if prec >= least else f"({text})"
    kind = t[0]
    if kind in ("num", "sym"):
        return str(t[1]), 5
    if kind == "pi":
        return "pi", 5
    if kind == "neg":
        return "-" + wrap(t[1], 3), 3
    if kind == "bin":
        op = t[1]
        return f"{wrap(t[2], _PREC[op])}{space}{op}{space}{wrap(t[3], _PREC[op] + 1)}", _PREC[op]
    if kind == "pow":
        return f"{wrap(t[1], 5)}^{wrap(t[2], 3)}", 4
    if kind == "call":
        return f"{t[1]}({_print(t[2], space)[0]})", 5
    return f"max({_print(t[1], space)[0]},{space}{_print(t[2], space)[0]})", 5


def _build(t, bad: list):
    """The SymPy tree built directly; ``bad`` collects intermediates that are not real and finite."""
    kind = t[0]
    if kind == "num":
        out = sp.Integer(t[1])
    elif kind == "sym":
        out = {"s": s, "Z": Z}[t[1]]
    elif kind == "pi":
        out = sp.pi
    elif kind == "neg":
        out = -_build(t[1], bad)
    elif kind == "bin":
        a, b = _build(t[2], bad), _build(t[3], bad)
        out = {"+": a + b, "-": a - b, "*": a * b, "/": a / b}[t[1]]
    elif kind == "pow":
        out = _build(t[1], bad) ** _build(t[2], bad)
    elif kind == "call":
        out = _UNARY[t[1]](_build(t[2], bad))
    else:
        out = sp.Max(_build(t[1], bad), _build(t[2], bad))
    if out.has(sp.zoo, sp.nan, sp.oo, -sp.oo, sp.I):
        bad.append(out)
    return out


@settings(max_examples=150)
@given(_TREES, st.sampled_from(["", " "]), st.floats(0.1, 2.0), st.floats(-2.0, 2.0))
def test_printed_trees_parse_back_to_the_same_sympy_tree_and_evaluate_alike(tree, space, sv, zv):
    text, bad = _print(tree, space)[0], []
    try:
        built = _build(tree, bad)
    except ValueError:  # Max of non-comparable (complex) arguments
        bad.append(tree)
    if bad:
        event("refused: not real and finite")
        with pytest.raises(FormulaError, match="real finite"):
            parse_formula(text, ["s", "Z"])
        return
    f = parse_formula(text, ["s", "Z"])
    assert f.expr == built, text
    try:
        exact = f.value({"s": sv, "Z": zv}, dps=30)
    except (InvalidArgument, NoConvergence) as exc:
        event(f"parsed; no value here ({type(exc).__name__})")
        return  # not real or not finite at this point (a negative base to a power, a pole), or a zero by cancellation
    with mpmath.workdps(60):
        walked = f.mpmath({"s": sv, "Z": zv})
        assert abs(walked - exact) <= mpmath.mpf(10) ** -25 * max(1, abs(exact)), text
    event("parsed and compared")
    fast = float(f.numpy({"s": sv, "Z": zv}))
    if abs(float(exact)) < 1e100:
        assert fast == pytest.approx(float(exact), rel=1e-7, abs=1e-7), text


_PIECES = ["s", "Z", "pi", "2", "0.5", "1e3", "9", "+", "-", "*", "/", "^", "**", "(", ")", ",", " ", "max", "sqrt",
           "log", "gamma", "exp", ".", "e", "_", "'", "q", "__import__"]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_any_text_parses_or_raises_formula_error_quickly(text):
    start = time.perf_counter()
    try:
        f = parse_formula(text, ["s", "Z"])
    except FormulaError as err:
        event("refused")
        assert 1 <= err.column <= max(1, len(text) + 1) and "\n" not in str(err)
    else:
        event("parsed")
        assert isinstance(f.expr, sp.Expr)
    assert time.perf_counter() - start < 1
