"""Covers numerics/_estimate.py and numerics/_intervals.py."""

import math

import pytest
from scipy import stats

import numerics
import theory


def test_exactly_one_error_kind():
    with pytest.raises(theory.InvalidArgument, match="exactly one"):
        numerics.Estimate((1.0,))
    with pytest.raises(theory.InvalidArgument, match="exactly one"):
        numerics.Estimate((1.0,), std_error=(0.1,), bound=(0.1,))


def test_non_finite_values_are_no_convergence():
    with pytest.raises(theory.NoConvergence):
        numerics.Estimate((math.nan,), std_error=(0.1,))
    with pytest.raises(ArithmeticError):
        numerics.Estimate((1.0,), std_error=(math.inf,))


def test_lengths_must_match_and_errors_be_non_negative():
    with pytest.raises(theory.InvalidArgument):
        numerics.Estimate((1.0, 2.0), std_error=(0.1,))
    with pytest.raises(theory.InvalidArgument):
        numerics.Estimate((1.0,), std_error=(-0.1,))


def test_radius_and_detectable_discrepancy_follow_normal_theory():
    est = numerics.Estimate((1.0, 2.0), std_error=(0.1, 0.2), n_samples=100)
    alpha, beta = 0.01, 0.05
    z, zb = stats.norm.isf(alpha / 2), stats.norm.isf(beta)
    assert numerics.confidence_radius(est, alpha) == pytest.approx((0.1 * z, 0.2 * z))
    assert numerics.detectable_discrepancy(est, alpha, beta) == pytest.approx((0.1 * (z + zb), 0.2 * (z + zb)))
    # se ~ n^-1/2: halving the detectable discrepancy takes four times the samples
    assert numerics.samples_needed(100, 0.2, 0.1) == 400


def test_bound_estimates_have_radius_bound_and_detect_twice_it():
    est = numerics.Estimate((1.0,), bound=(1e-9,))
    assert numerics.confidence_radius(est, 0.5) == (1e-9,)
    assert numerics.detectable_discrepancy(est, 0.5, 0.5) == (2e-9,)


@pytest.mark.parametrize("p", [0, 1, -0.1, 2])
def test_rates_outside_unit_interval_are_rejected(p):
    with pytest.raises(theory.InvalidArgument):
        numerics.upper_quantile(p)
