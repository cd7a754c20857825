"""Covers numerics/_quadrature.py: known integrals, bounds, kinks, bad input."""

import mpmath
import pytest

import numerics
import theory


def test_known_integrals_within_their_bound():
    est = numerics.gaussian_expectation_quad(abs, [0.5, 2.0], dps=30, kinks=(0.0,))
    with mpmath.workdps(40):
        for scale, value, bound in zip((0.5, 2.0), est.value, est.bound):
            exact = mpmath.mpf(scale) * mpmath.sqrt(2 / mpmath.pi)  # E|sZ| = s sqrt(2/pi)
            assert abs(value - exact) <= bound < mpmath.mpf(10) ** -25
    assert est.dps == 30 and est.n_samples is None and not est.statistical


def test_moment_quadrature_agrees_with_closed_form():
    params = {"s": (0.25, 4.0)}
    est = numerics.GaussianMomentQuad("gelu", "second_moment")(params, dps=30)
    pred = theory.GaussianMoment("gelu", "second_moment")(params, dps=30)
    with mpmath.workdps(40):
        assert all(abs(v - p) <= b for v, p, b in zip(est.value, pred, est.bound))


def test_bad_dps_is_rejected():
    with pytest.raises(theory.InvalidArgument, match="`dps`"):
        numerics.gaussian_expectation_quad(abs, [1.0], dps=3)
