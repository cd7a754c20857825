"""Covers theory/_activations.py: the registry and the agreement of the three evaluations."""

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, strategies as st

import theory

NAMES = theory.activations()
PARAMS = {"leaky_relu": {"slope": 0.1}}
xs = st.floats(-6, 6, allow_nan=False).filter(lambda v: abs(v) > 1e-6)


def test_registry_lists_the_first_slice():
    assert set(NAMES) == {"identity", "relu", "leaky_relu", "erf", "gelu"}


@pytest.mark.parametrize("name", NAMES)
@given(v=xs)
def test_numpy_mpmath_and_sympy_agree(name, v):
    act = theory.activation(name, **PARAMS.get(name, {}))
    sym = float(act.expr.subs(theory.x, v))
    dsym = float(act.derivative_expr.subs(theory.x, v))
    with mpmath.workdps(30):
        mp_val, mp_der = float(act.mpmath(mpmath.mpf(v))), float(act.mpmath_derivative(mpmath.mpf(v)))
    np_val = float(act.numpy(np.array([v]))[0])
    np_der = float(act.numpy_derivative(np.array([v]))[0])
    assert np_val == pytest.approx(sym, rel=1e-12, abs=1e-300)
    assert mp_val == pytest.approx(sym, rel=1e-12, abs=1e-300)
    assert np_der == pytest.approx(dsym, rel=1e-12, abs=1e-300)
    assert mp_der == pytest.approx(dsym, rel=1e-12, abs=1e-300)


def test_leaky_relu_with_zero_slope_is_relu():
    leaky, relu = theory.activation("leaky_relu", slope=0.0), theory.activation("relu")
    assert sp.simplify(leaky.expr - relu.expr) == 0


def test_unknown_activation_is_a_key_error_with_suggestion():
    with pytest.raises(KeyError, match="did you mean relu"):
        theory.activation("rellu")


@pytest.mark.parametrize("slope", [-0.1, 1.5, float("nan")])
def test_leaky_slope_outside_unit_interval_is_rejected(slope):
    with pytest.raises(theory.InvalidArgument, match=r"`slope` must be in \[0, 1\]"):
        theory.activation("leaky_relu", slope=slope)


def test_unknown_parameter_is_rejected():
    with pytest.raises(theory.InvalidArgument, match="slope"):
        theory.activation("relu", slope=0.2)
