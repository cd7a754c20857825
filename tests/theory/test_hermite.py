"""Covers theory/_hermite.py, _hermite_quad.py and _coefficients.py: the laws of Hermite coefficients."""

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

import theory
from theory import s
from theory._hermite_quad import hermite_quadrature

CLOSED = [n for n in theory.activations() if theory.has_closed_form(n)]
QUADRATURE = [n for n in theory.activations() if not theory.has_closed_form(n)]
PARAMS = {"leaky_relu": {"slope": 0.3}, "elu": {"alpha": 0.5}, "polynomial": {"coeffs": (1.0, -0.5, 0.25, 2.0)},
          "hermite": {"k": 4}}
scales = st.floats(0.1, 4.0)


def _tol(value, dps=25):
    return mpmath.mpf(10) ** -dps * max(1, abs(value))


@pytest.mark.parametrize("name", CLOSED)
@settings(max_examples=3)
@given(scale=scales)
def test_closed_form_equals_independent_quadrature(name, scale):
    params = PARAMS.get(name, {})
    act = theory.activation(name, **params)
    exact = theory.hermite_coefficients(name, 8, scale=scale, dps=30, **params)
    quad, err = hermite_quadrature(act.mpmath, scale, 8, dps=30, kinks=act.kinks, splits=(-4, 4), guard=20)
    with mpmath.workdps(40):
        for k, (a, b, e) in enumerate(zip(exact, quad, err)):
            assert abs(a - b) <= e + _tol(a), (name, k)


@pytest.mark.parametrize("name", ["sin", "cos", "exp", "gaussian", "erf", "quadratic", "cubic", "polynomial",
                                  "hermite", "identity"])
def test_parseval_holds_for_fast_decaying_expansions(name):
    """sum_k c_k^2 / k! = E[sigma(sZ)^2]; at s = 0.5 the tail beyond k = 60 is below 1e-28."""
    params = PARAMS.get(name, {})
    c = theory.hermite_coefficients(name, 60, scale=0.5, dps=30, **params)
    second = theory.gaussian_moment_value(name, "second_moment", scale=0.5, dps=30, **params)
    with mpmath.workdps(40):
        partial = sum(v**2 / mpmath.factorial(k) for k, v in enumerate(c))
        assert abs(partial - second.value) <= mpmath.mpf(10) ** -25 * second.value


@pytest.mark.parametrize("name", ["relu", "abs", "tanh", "gelu", "softplus"])
def test_parseval_partial_sums_stay_below_the_second_moment(name):
    c = theory.hermite_coefficients(name, 30, scale=1.0, dps=30)
    second = theory.gaussian_moment_value(name, "second_moment", scale=1.0, dps=30)
    with mpmath.workdps(40):
        partial = sum(v**2 / mpmath.factorial(k) for k, v in enumerate(c))
        assert partial <= second.value + second.error and partial > second.value / 2


@pytest.mark.parametrize("sigma,derivative,factor", [("relu", "step", 1), ("abs", "sign", 1), ("sin", "cos", 1),
                                                      ("cos", "sin", -1), ("exp", "exp", 1), ("cubic", "quadratic", 3)])
def test_stein_identity_between_closed_forms(sigma, derivative, factor):
    """c_{k+1}(sigma) = s c_k(sigma'), exactly in SymPy."""
    for k in range(12):
        lhs = theory.hermite_coefficient_expr(sigma, k + 1)
        rhs = factor * s * theory.hermite_coefficient_expr(derivative, k)
        assert sp.simplify(lhs - rhs) == 0, (sigma, k)


@pytest.mark.parametrize("name", QUADRATURE + ["gelu", "erf"])
def test_stein_identity_by_quadrature_of_the_derivative(name):
    params = PARAMS.get(name, {})
    act = theory.activation(name, **params)
    scale = 0.7
    c = theory.hermite_coefficients(name, 9, scale=scale, dps=30, **params)
    d, err = hermite_quadrature(act.mpmath_derivative, scale, 8, dps=30, kinks=act.kinks)
    with mpmath.workdps(40):
        for k in range(9):
            assert abs(c[k + 1] - scale * d[k]) <= scale * err[k] + _tol(c[k + 1]), (name, k)


WITH_PARITY = [n for n in theory.activations() if theory.activation(n, **PARAMS.get(n, {})).parity]


@pytest.mark.parametrize("name", WITH_PARITY)
def test_parity_kills_half_the_coefficients(name):
    params = PARAMS.get(name, {})
    act = theory.activation(name, **params)
    c = theory.hermite_expansion(name, 12, scale=1.3, dps=20, **params)
    zero = 0 if act.parity == "odd" else 1
    for k in range(zero, 13, 2):
        assert abs(c.coefficients[k]) <= c.errors[k] + mpmath.mpf(10) ** -18, (name, k)


@pytest.mark.parametrize("name", [n for n in CLOSED if theory.activation(n, **PARAMS.get(n, {})).degree is not None])
def test_homogeneous_activations_scale_as_s_to_their_degree(name):
    params = PARAMS.get(name, {})
    degree = theory.activation(name, **params).degree
    for k in range(8):
        expr = theory.hermite_coefficient_expr(name, k, **params)
        assert sp.simplify(expr - s**degree * expr.subs(s, 1)) == 0


def test_repeated_request_is_served_from_cache():
    first = theory.hermite_coefficients("tanh", 10, scale=1.0, dps=20)
    assert theory.hermite_coefficients("tanh", 10, scale=1.0, dps=20) is first


@pytest.mark.parametrize("kwargs,match", [
    (dict(k_max=-1), "`k_max` must be a non-negative integer"),
    (dict(k_max=2.5), "`k_max` must be a non-negative integer"),
    (dict(k_max=True), "`k_max` must be a non-negative integer"),
    (dict(scale=0.0), r"`scale` must be in \(0, inf\)"),
    (dict(scale=-1.0), r"`scale` must be in \(0, inf\)"),
    (dict(dps=14), "`dps` must be an integer >= 15"),
    (dict(name="rellu"), "unknown activation"),
    (dict(name="leaky_relu", slope=2.0), r"`slope` must be in \[0, 1\]"),
])
def test_bad_input_is_a_typed_error(kwargs, match):
    args = dict(name="relu", k_max=3) | kwargs
    name, k_max = args.pop("name"), args.pop("k_max")
    with pytest.raises(theory.VerifierError, match=match):
        theory.hermite_coefficients(name, k_max, **args)
    if "k_max" in kwargs:
        with pytest.raises(theory.InvalidArgument, match="`k` must be"):
            theory.hermite_coefficient_expr("relu", kwargs["k_max"])


def test_no_closed_form_is_an_unknown_name():
    with pytest.raises(theory.UnknownName, match="closed-form Hermite"):
        theory.hermite_coefficient_expr("tanh", 2)


@pytest.mark.parametrize("name,params,match", [
    ("hermite", {"k": 2.0}, "`k` must be a non-negative integer"),
    ("polynomial", {"coeffs": "ab"}, "`coeffs` must be a non-empty tuple"),
    ("leaky_relu", {"slope": 2.0}, r"`slope` must be in \[0, 1\]"),
    ("relu", {"foo": 1.0}, "one of: no parameters"),
])
def test_closed_form_expressions_validate_activation_parameters(name, params, match):
    with pytest.raises(theory.InvalidArgument, match=match):
        theory.hermite_coefficient_expr(name, 3, **params)


def test_the_closed_form_cache_does_not_skip_the_parameter_check():
    """2 and 2.0 are one key to a cache; the parameters are checked before it is consulted."""
    assert theory.hermite_coefficient_expr("hermite", 2, k=2) == 2 * theory.s**2
    with pytest.raises(theory.InvalidArgument, match="`k` must be"):
        theory.hermite_coefficient_expr("hermite", 2, k=2.0)
