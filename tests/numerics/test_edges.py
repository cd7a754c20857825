"""Covers numerics/_intervals.py at the edges: scales from 1e-300 to 1e+300, rates down to the smallest double.

Every function there must return (never raise, never give NaN) for finite positive inputs; only a malformed
argument is an error, and then a :class:`theory.InvalidArgument`.
"""

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from numerics import (SAMPLES_NEEDED_CAP, Estimate, FormulaExpectationMC, confidence_bounds, confidence_radius,
                      detectable_discrepancy, samples_needed)
from theory import InvalidArgument, parse_formula

SCALES = (1e-300, 1e-200, 1e300)


@pytest.mark.parametrize("prediction", SCALES)
def test_a_tiny_or_huge_prediction_gets_a_sample_size_not_an_overflow(prediction):
    # The claims-file claim E[Z] = 1e-200 (issue 22): the estimate's detectable discrepancy relative to the
    # prediction is ~1e198 (or compare's clip 1e300), and (1e300 / 0.01)^2 overflowed float64.
    est = FormulaExpectationMC(parse_formula("Z", ["Z"]))({}, rng=np.random.default_rng(0), n=1 << 14)
    relative = detectable_discrepancy(est, 0.001, 0.05)[0] / prediction
    for detectable in (relative, 1e300, math.inf):
        needed = samples_needed(est.n_samples, detectable, 0.01)
        assert isinstance(needed, int) and est.n_samples <= needed <= SAMPLES_NEEDED_CAP
    if prediction < 1:   # about (4e198 / 0.01)^2 * 16384: far beyond any budget, so the cap
        assert samples_needed(est.n_samples, relative, 0.01) == SAMPLES_NEEDED_CAP
    else:                # about 1e-301: nothing more is needed
        assert samples_needed(est.n_samples, relative, 0.01) == est.n_samples


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("target", SCALES)
def test_samples_needed_is_exact_where_it_fits_and_capped_beyond(scale, target):
    exact = 1000 * (mpmath.mpf(scale) / mpmath.mpf(target)) ** 2   # mpmath: no overflow, no underflow
    expected = SAMPLES_NEEDED_CAP if exact >= SAMPLES_NEEDED_CAP else max(1000, int(mpmath.ceil(exact)))
    assert samples_needed(1000, scale, target) == expected
    assert samples_needed(1000, 0.0, target) == 1000


def test_samples_needed_keeps_the_closed_form_at_ordinary_scales():
    assert samples_needed(1000, 0.2, 0.1) == 4000 and samples_needed(1000, 0.05, 0.1) == 1000
    assert samples_needed(16384, 0.0123, 0.01) == math.ceil(16384 * (0.0123 / 0.01) ** 2)


@pytest.mark.parametrize("scale", SCALES)
def test_radius_bounds_and_detectable_discrepancy_scale_with_the_error(scale):
    est = Estimate((3 * scale,), std_error=(scale,), n_samples=100)
    z = stats.norm.isf(0.005)
    (radius,), ((lo,), (hi,)) = confidence_radius(est, 0.01), confidence_bounds(est, 0.01)
    assert radius == pytest.approx(z * scale, rel=1e-12)
    assert (lo, hi) == (pytest.approx((3 - z) * scale, rel=1e-12), pytest.approx((3 + z) * scale, rel=1e-12))
    assert detectable_discrepancy(est, 0.01, 0.05)[0] == pytest.approx((z + stats.norm.isf(0.05)) * scale)


def test_student_t_far_tail_is_positive_and_solves_its_equation():
    # scipy's t.isf(1e-300, 5) is -inf: a negative radius made every look "significant".
    est = Estimate((0.0,), std_error=(1.0,), n_samples=6, dof=5)
    (radius,) = confidence_radius(est, 2e-300)
    assert radius > 1e59 and math.isfinite(radius)
    assert stats.t.sf(radius, 5) == pytest.approx(1e-300, rel=1e-9)


def test_beyond_float64_is_inf_and_an_mpf_error_below_it_does_not_vanish():
    cauchy = Estimate((1e300,), std_error=(1e300,), n_samples=2, dof=1)
    assert confidence_radius(cauchy, 1e-300) == (math.inf,)         # 1e300 / (pi 5e-301) > 1.8e308
    assert confidence_bounds(cauchy, 1e-300) == ((-math.inf,), (math.inf,))
    assert samples_needed(2, detectable_discrepancy(cauchy, 1e-300, 0.05)[0], 0.01) == SAMPLES_NEEDED_CAP
    tiny = Estimate((mpmath.mpf("1e-400"),), std_error=(mpmath.mpf("1e-401"),), n_samples=10)
    (radius,) = confidence_radius(tiny, 0.01)
    assert radius == pytest.approx(stats.norm.isf(0.005) * mpmath.mpf("1e-401"), rel=1e-12)
    (lo,), (hi,) = confidence_bounds(tiny, 0.01)
    assert 0 < lo < mpmath.mpf("1e-400") < hi


@pytest.mark.parametrize("kwargs", [dict(n=0, detectable=1.0, target=0.1), dict(n=10, detectable=-1.0, target=0.1),
                                    dict(n=10, detectable=math.nan, target=0.1),
                                    dict(n=10, detectable=1.0, target=0.0), dict(n=10, detectable=1.0, target=math.inf),
                                    dict(n=True, detectable=1.0, target=0.1), dict(n=10, detectable="1", target=0.1)])
def test_samples_needed_refuses_malformed_arguments(kwargs):
    with pytest.raises(InvalidArgument):
        samples_needed(**kwargs)


positive = st.floats(min_value=5e-324, max_value=1.7e308, allow_nan=False, allow_infinity=False)
rate = st.floats(min_value=5e-324, max_value=0.999, exclude_max=True)


@settings(max_examples=30)
@given(value=st.floats(min_value=-1.7e308, max_value=1.7e308), error=positive, alpha=rate, beta=rate,
       dof=st.none() | st.integers(1, 10**6), statistical=st.booleans(), n=st.integers(1, 10**20),
       target=positive)
def test_no_finite_positive_input_raises(value, error, alpha, beta, dof, statistical, n, target):
    est = (Estimate((value,), std_error=(error,), n_samples=7, dof=dof) if statistical
           else Estimate((value,), bound=(error,)))
    try:
        (radius,), ((lo,), (hi,)) = confidence_radius(est, alpha), confidence_bounds(est, alpha)
        (mdd,) = detectable_discrepancy(est, alpha, beta)
        needed = samples_needed(n, abs(mdd), target)
    except InvalidArgument:
        return
    assert radius >= 0 and lo <= hi and not any(math.isnan(x) for x in (radius, lo, hi, mdd))
    assert n <= needed <= max(n, SAMPLES_NEEDED_CAP)
