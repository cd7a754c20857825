"""Covers verify/_interval.py and the interval branch of verify/_check.py, with synthetic claims of known truth."""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import stats

import verify
from numerics import Estimate, confidence_bounds
from theory import InvalidArgument

from .synthetic import Coin, Replicates, interval

SLACK = 1e-4


def test_a_frequency_well_inside_the_range_passes_and_one_outside_fails():
    assert verify.check(interval(((0.5, 1.0),), Coin((0.95,)))).outcome == verify.PASS
    assert verify.check(interval(((0.5, 1.0),), Coin((0.05,)))).outcome == verify.FAIL
    # an upper bound: "at most 10% of draws"
    assert verify.check(interval(((0.0, 0.1),), Coin((0.4,)))).outcome == verify.FAIL


def test_every_component_must_lie_in_its_range():
    both = interval(((0.5, 1.0), (0.5, 1.0)), Coin((0.95, 0.05)))
    assert verify.check(both).outcome == verify.FAIL
    assert verify.check(interval(((0.5, 1.0), (0.0, 0.5)), Coin((0.95, 0.05)))).outcome == verify.PASS


def test_a_frequency_at_the_range_end_is_never_passed_and_rarely_failed():
    """p exactly 1/2 against [1/2, 1]: FAIL at most at the rate (Clopper-Pearson is exact), never resolved."""
    claim, rate = interval(((0.5, 1.0),), Coin((0.5,))), 0.2
    outcomes = [verify.check(claim, seed=s, budget="quick", false_fail_rate=rate).outcome for s in range(300)]
    fails = outcomes.count(verify.FAIL)
    assert fails <= stats.binom.ppf(1 - SLACK, 300, rate / 2)  # one-sided: only the lower end can miss
    assert outcomes.count(verify.PASS) <= stats.binom.ppf(1 - SLACK, 300, rate / 2)
    assert verify.INCONCLUSIVE in outcomes


def test_a_false_band_claim_passes_at_most_at_the_rate():
    """truth 0.3 just outside [0.31, 0.5]: PASS (a false pass) at most at the rate, with t intervals from 8
    replicates."""
    claim, rate = interval(((0.31, 0.5),), Replicates(0.3, 0.05), n_start=8), 0.2
    outcomes = [verify.check(claim, seed=s, budget="quick", false_fail_rate=rate).outcome for s in range(300)]
    assert outcomes.count(verify.PASS) <= stats.binom.ppf(1 - SLACK, 300, rate / 2)


def test_band_claims_with_student_t_replicates():
    assert verify.check(interval(((0.2, 0.4),), Replicates(0.3, 0.05), n_start=8)).outcome == verify.PASS
    assert verify.check(interval(((0.2, 0.4),), Replicates(0.6, 0.05), n_start=8)).outcome == verify.FAIL
    half_open = interval(((-math.inf, 0.4),), Replicates(0.3, 0.05), n_start=8)
    assert verify.check(half_open).outcome == verify.PASS


def test_student_t_widens_the_interval_of_few_replicates():
    normal = Estimate((0.0,), std_error=(1.0,), n_samples=5)
    t = Estimate((0.0,), std_error=(1.0,), n_samples=5, dof=4)
    assert confidence_bounds(t, 0.01)[1][0] == pytest.approx(stats.t.isf(0.005, 4))
    assert confidence_bounds(t, 0.01)[1][0] > confidence_bounds(normal, 0.01)[1][0] * 1.5


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 300), data=st.data(), alpha=st.floats(1e-8, 0.5))
def test_clopper_pearson_bounds_match_scipy_and_contain_the_proportion(n, data, alpha):
    k = data.draw(st.integers(0, n))
    (lo,), (hi,) = confidence_bounds(Estimate.frequency((k,), n, method="t"), alpha)
    ci = stats.binomtest(k, n).proportion_ci(confidence_level=1 - alpha, method="exact")
    assert lo <= k / n <= hi
    # scipy solves for the ends numerically (about 1e-10); ours are beta quantiles
    assert lo == pytest.approx(ci.low, abs=1e-8) and hi == pytest.approx(ci.high, abs=1e-8)


@pytest.mark.parametrize("ranges", [((0.6, 0.5),), ((math.nan, 1.0),), (0.5,), (), ((math.inf, math.inf),)])
def test_malformed_ranges_are_a_fail_saying_what_the_prediction_returned(ranges):
    v = verify.check(interval(ranges))  # the claim's code is at fault: its verdict, not an exception of check
    assert v.outcome == verify.FAIL and "the claim's prediction returned" in v.reason and not v.looks


def test_frequency_estimates_are_checked():
    with pytest.raises(InvalidArgument, match="successes"):
        Estimate((0.5,), std_error=(0.1,), n_samples=10, successes=(11,))
    with pytest.raises(InvalidArgument, match="value"):
        Estimate((0.4,), std_error=(0.1,), n_samples=10, successes=(5,))
    with pytest.raises(InvalidArgument, match="dof"):
        Estimate((0.4,), bound=(0.1,), dof=3)


def test_interval_claims_spend_the_run_rate_and_report_their_ranges(tmp_path):
    claims = [interval(((0.5, math.inf),), Coin((0.95,)), id="synthetic.interval.a"),
              interval(((0.0, 0.1),), Coin((0.4,)), id="synthetic.interval.b")]
    assert verify.per_claim_rate(claims, 1e-3) == pytest.approx(5e-4)
    result = verify.run(claims, seed=3)
    assert [v.outcome for v in result.verdicts] == [verify.PASS, verify.FAIL]
    verify.write_report(result, tmp_path)
    data = json.loads((tmp_path / "report.json").read_text())
    first, second = data["claims"]
    assert first["predicted"] == [[0.5, None]] and first["kind"] == "interval"
    lower, upper = first["confidence_interval"]
    assert 0.5 < lower[0] <= upper[0] <= 1.0
    assert "outside the claimed range" in second["reason"]
    assert np.isfinite(second["relative_discrepancy"])
