"""Covers theory/_activation.py and theory/_activation_catalogue.py: the registry and its three evaluations."""

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, strategies as st

import theory

NAMES = theory.activations()
PARAMS = {"leaky_relu": {"slope": 0.1}, "elu": {"alpha": 0.5}, "polynomial": {"coeffs": (1.0, -0.5, 0.25)},
          "hermite": {"k": 4}}
xs = st.floats(-6, 6, allow_nan=False).filter(lambda v: abs(v) > 1e-6)


def test_registry_has_every_name_the_library_promises():
    assert set(NAMES) == {"identity", "relu", "leaky_relu", "abs", "step", "sign", "erf", "tanh", "sigmoid",
                          "softplus", "gelu", "silu", "elu", "sin", "cos", "exp", "gaussian", "quadratic",
                          "cubic", "polynomial", "hermite"}


@pytest.mark.parametrize("name", NAMES)
@given(v=xs)
def test_numpy_mpmath_and_sympy_agree(name, v):
    act = theory.activation(name, **PARAMS.get(name, {}))
    sym = float(act.expr.subs(theory.x, v))
    dsym = float(act.derivative_expr(1).subs(theory.x, v))
    with mpmath.workdps(30):
        mp_val, mp_der = float(act.mpmath(mpmath.mpf(v))), float(act.mpmath_derivative(mpmath.mpf(v)))
    np_val = float(act.numpy(np.array([v]))[0])
    np_der = float(act.numpy_derivative(np.array([v]))[0])
    for got, want in ((np_val, sym), (mp_val, sym), (np_der, dsym), (mp_der, dsym)):
        assert got == pytest.approx(want, rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("name,mass", [("relu", 1), ("leaky_relu", 0.9), ("abs", 2), ("step", None),
                                       ("elu", 0.5)])
def test_second_derivative_carries_the_kink_as_a_point_mass(name, mass):
    act = theory.activation(name, **PARAMS.get(name, {}))
    second = sp.expand(act.derivative_expr(2))
    if mass is None:  # step'' is the derivative of a point mass
        assert second.has(sp.DiracDelta)
        return
    coefficient = second.coeff(sp.DiracDelta(theory.x))
    assert float(coefficient) == pytest.approx(mass)


def test_elu_hand_written_derivatives_match_sympy_away_from_the_kink():
    act = theory.activation("elu", alpha=0.5)
    for v in (-2.0, -0.3, 0.7, 3.0):
        for order in (1, 2):
            auto = sp.diff(act.expr, theory.x, order).subs(theory.x, v)
            assert float(act.derivative_expr(order).subs(theory.x, v)) == pytest.approx(float(auto))


def test_parity_and_homogeneity_tags_hold():
    grid = np.linspace(-3, 3, 13)
    for name in NAMES:
        act = theory.activation(name, **PARAMS.get(name, {}))
        f = act.numpy(grid)
        if act.parity == "odd":
            assert np.allclose(f, -act.numpy(-grid)), name
        if act.parity == "even":
            assert np.allclose(f, act.numpy(-grid)), name
        if act.degree is not None:
            assert np.allclose(act.numpy(2.5 * grid), 2.5**act.degree * f), name


@pytest.mark.parametrize("name,params,match", [
    ("rellu", {}, "did you mean relu"),
    ("leaky_relu", {"slope": -0.1}, r"`slope` must be in \[0, 1\]"),
    ("leaky_relu", {"slope": 1.5}, r"`slope` must be in \[0, 1\]"),
    ("leaky_relu", {"slope": math.nan}, r"`slope` must be in \[0, 1\]"),
    ("elu", {"alpha": -1.0}, r"`alpha` must be in \[0, inf\)"),
    ("polynomial", {"coeffs": ()}, "`coeffs` must be a non-empty tuple"),
    ("polynomial", {"coeffs": (1.0, math.inf)}, "`coeffs` must be a non-empty tuple"),
    ("hermite", {"k": -1}, "`k` must be a non-negative integer"),
    ("hermite", {"k": 2.5}, "`k` must be a non-negative integer"),
    ("relu", {"slope": 0.2}, "one of: no parameters"),
])
def test_bad_input_is_a_typed_error(name, params, match):
    with pytest.raises(theory.VerifierError, match=match):
        theory.activation(name, **params)
