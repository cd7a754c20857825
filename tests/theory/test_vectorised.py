"""Covers theory/_derivatives.py, theory/_vectorised.py and theory/lowrank/_moments.py: vectorised derivatives and
moments, concatenated moment predictions and zeros by parity."""

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import theory

EPS = np.finfo(float).eps
SMOOTH = ("tanh", "gelu", "softplus", "erf")
GRID = np.linspace(-6.0, 6.0, 121)


def _sup_abs_derivative(name, order, lo=-6.5, hi=6.5):
    """sup |sigma^(order)| on [lo, hi] from the library's SymPy expression on a 1e-3 grid, doubled for what the grid
    can miss (these functions vary by far less than a factor 2 between grid points)."""
    f = sp.lambdify(theory.x, theory.activation(name).derivative_expr(order), modules=["numpy", "scipy"])
    t = np.arange(lo, hi, 1e-3)
    return 2 * float(np.max(np.abs(np.broadcast_to(f(t), t.shape))))


@pytest.mark.parametrize("name", SMOOTH)
def test_order_zero_is_the_activation(name):
    np.testing.assert_array_equal(theory.derivative_function(name, 0)(GRID), theory.activation(name).numpy(GRID))


@pytest.mark.parametrize("name", SMOOTH)
@pytest.mark.parametrize("order", [1, 2, 3])
def test_each_derivative_is_the_finite_difference_of_the_one_below(name, order):
    """Central differences of sigma^(order-1) with step h: error <= h^2/6 sup|sigma^(order+2)| (Taylor) plus rounding
    16 eps max(1, |sigma^(order-1)|) / h (a few-ulp evaluation of a lambdified closed form at x +- h, which are
    themselves rounded).  h = 1e-4 gives about 2e-9 sup|sigma^(order+2)| + 4e-11."""
    h = 1e-4
    lower, upper = theory.derivative_function(name, order - 1), theory.derivative_function(name, order)
    fd = (lower(GRID + h) - lower(GRID - h)) / (2 * h)
    size = np.maximum(1.0, np.maximum(np.abs(lower(GRID + h)), np.abs(lower(GRID - h))))
    tol = h**2 / 6 * _sup_abs_derivative(name, order + 2) + 16 * EPS * size / h
    assert np.all(np.abs(fd - upper(GRID)) <= tol)


@pytest.mark.parametrize("name", SMOOTH + ("relu", "sigmoid"))
@pytest.mark.parametrize("order", [0, 1, 2, 3])
def test_mpmath_backend_agrees_with_numpy(name, order):
    numpy_f = theory.derivative_function(name, order)
    mp_f = theory.derivative_function(name, order, backend="mpmath")
    points = GRID[GRID != 0]  # relu's derivatives jump at 0
    with mpmath.workdps(30):
        mp_values = np.array([float(mp_f(mpmath.mpf(float(v)))) for v in points])
    # float64 closed forms: a few ulps of the largest term (absolute near zeros of the derivative)
    np.testing.assert_allclose(numpy_f(points), mp_values, rtol=1e-12, atol=1e-14)


@settings(max_examples=20)
@given(v=st.floats(-50, 50).filter(lambda t: t != 0))
def test_relu_higher_derivatives_vanish_almost_everywhere(v):
    point = np.array([v])
    assert theory.derivative_function("relu", 1)(point)[0] == (1.0 if v > 0 else 0.0)
    for order in (2, 3, 4):
        assert theory.derivative_function("relu", order)(point)[0] == 0.0
        with mpmath.workdps(20):
            assert theory.derivative_function("relu", order, backend="mpmath")(mpmath.mpf(v)) == 0


def test_vectorised_derivatives_keep_the_input_shape():
    X = np.linspace(-2, 2, 12).reshape(3, 4)
    for order in range(5):
        assert theory.derivative_function("relu", order)(X).shape == (3, 4)
        assert theory.derivative_function("tanh", order)(X).shape == (3, 4)


def test_activation_parameters_reach_the_derivative():
    f = theory.derivative_function("leaky_relu", 1, slope=0.25)
    np.testing.assert_array_equal(f(np.array([-1.0, 2.0])), [0.25, 1.0])


@pytest.mark.parametrize("order", [-1, 5, 1.5, True, "1"])
def test_bad_order_is_an_invalid_argument(order):
    with pytest.raises(theory.InvalidArgument, match="`order`"):
        theory.derivative_function("tanh", order)


def test_bad_backend_and_unknown_activation():
    with pytest.raises(theory.InvalidArgument, match="`backend`"):
        theory.derivative_function("tanh", 1, backend="torch")
    with pytest.raises(theory.UnknownName):
        theory.derivative_function("swish", 1)
    with pytest.raises(theory.UnknownName):
        theory.moment_function("swish", "mean")
    with pytest.raises(theory.UnknownName, match="Gaussian quantity"):
        theory.moment_function("relu", "kurtosis")


# ------------------------------------------------------------------------------------------------ moments

def test_moment_function_is_none_without_a_closed_form():
    for quantity in theory.QUANTITIES:
        assert theory.moment_function("tanh", quantity) is None
    assert theory.moment_function("gelu", "variance_derivative") is None


@pytest.mark.parametrize("name", ["relu", "erf", "gelu"])
@pytest.mark.parametrize("quantity", theory.QUANTITIES)
def test_moment_function_matches_the_arbitrary_precision_value(name, quantity):
    f = theory.moment_function(name, quantity)
    if f is None:
        assert (name, quantity) == ("gelu", "variance_derivative")
        return
    scales = np.array([0.05, 0.3, 1.0, 2.5, 10.0])
    exact = np.array([float(theory.gaussian_moment_value(name, quantity, scale=v, dps=30).value) for v in scales])
    # a float64 lambdified closed form: relative error a few tens of eps, except where the form subtracts O(1)
    # terms (erf's variance_derivative, 2(s^2 + 1 - sqrt(2s^2 + 1)) / ..., ~ s^4 at small s): there the error is a
    # few eps absolute, hence atol (observed 1e-16 at s = 0.05, a relative error of 7e-12)
    np.testing.assert_allclose(f(scales), exact, rtol=1e-13, atol=1e-15)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the overflow itself
@pytest.mark.parametrize("name,quantity", [("cos", "second_moment"), ("sin", "second_moment"),
                                           ("cos", "variance_derivative"), ("sin", "variance_derivative")])
def test_moment_function_is_finite_at_large_scales(name, quantity):
    scales = np.array([27.0, 40.0])
    exact = [float(theory.gaussian_moment_value(name, quantity, scale=v, dps=30).value) for v in scales]
    np.testing.assert_allclose(theory.moment_function(name, quantity)(scales), exact, rtol=1e-12)


def test_moment_function_broadcasts_constants():
    out = theory.moment_function("relu", "mean_derivative")(np.full((2, 3), 0.7))
    assert out.shape == (2, 3) and np.all(out == 0.5)


def test_gaussian_moments_concatenate_quantity_by_quantity():
    quantities = ("mean_derivative", "variance_derivative", "mean_second_derivative")
    pred = theory.lowrank.GaussianMoments("erf", quantities)
    params = {"s": (0.5, 2.0)}
    parts = [theory.GaussianMoment("erf", q) for q in quantities]
    assert pred(params, dps=20) == tuple(v for p in parts for v in p(params, dps=20))
    assert pred.errors(params, dps=20) == tuple(e for p in parts for e in p.errors(params, dps=20))
    assert pred.expression(params) == sp.Tuple(*(p.expression(params) for p in parts))
    shown = theory.lowrank.GaussianMoments("tanh", ("mean_derivative",)).expression()  # no closed form: the integral
    assert shown == sp.Tuple(theory.gaussian_moment_integral("tanh", "mean_derivative"))


@pytest.mark.parametrize("name,quantity", [("erf", "mean"), ("erf", "mean_second_derivative"), ("tanh", "mean"),
                                           ("cos", "mean_derivative"), ("gaussian", "mean_derivative")])
def test_vanishing_by_parity_predicts_zeros_that_hold(name, quantity):
    pred = theory.lowrank.VanishingByParity(name, quantity)
    assert pred({"s": (0.3, 1.0, 4.0)}, dps=30) == (0, 0, 0)
    assert pred.expression() == 0
    for scale in (0.3, 4.0):
        assert abs(theory.gaussian_moment_value(name, quantity, scale=scale, dps=30).value) <= mpmath.mpf(10) ** -25


@pytest.mark.parametrize("name,quantity", [
    ("relu", "mean"), ("relu", "mean_derivative"), ("relu", "mean_second_derivative"),   # relu has no parity
    ("tanh", "mean_derivative"), ("tanh", "second_moment"), ("tanh", "variance_derivative"),
    ("cos", "mean"), ("gelu", "mean_second_derivative"),
])
def test_vanishing_by_parity_refuses_what_parity_does_not_force(name, quantity):
    with pytest.raises(theory.InvalidArgument, match="`quantity`"):
        theory.lowrank.VanishingByParity(name, quantity)


@pytest.mark.parametrize(("name", "x"), [("sigmoid", -800.0), ("softplus", 800.0), ("silu", -800.0)])
def test_derivatives_that_overflow_raise_instead_of_returning_nan(name, x):
    with pytest.raises(theory.NoConvergence, match="not finite"):
        theory.derivative_function(name, 2)(np.array([0.0, x]))
