"""Covers verify/_check.py, _compare.py and _verdict.py with synthetic claims of known truth."""

import dataclasses

import pytest

import numerics
import theory
import verify

from .synthetic import exact, statistical


def test_true_claim_passes_and_reports_its_evidence():
    v = verify.check(statistical(), seed=1)
    assert v.outcome == verify.PASS
    assert v.min_detectable <= 0.05 and v.alpha_spent <= v.false_fail_rate
    assert v.comparison.estimate.seed[0] == 1 and v.comparison.estimate.n_samples >= 64


def test_wrong_claim_fails_and_says_why():
    v = verify.check(statistical(predicted=(1.2,)), seed=1)
    assert v.outcome == verify.FAIL and "exceeds the confidence radius" in v.reason


def test_unresolvable_claim_is_inconclusive_with_samples_needed():
    # sigma = 100: a 5% discrepancy needs ~ (100 * 7 / 0.05)^2 ~ 2e8 samples; quick stops at 1024
    v = verify.check(statistical(sigma=100.0), seed=2, budget="quick")
    assert v.outcome == verify.INCONCLUSIVE
    assert v.samples_needed > v.comparison.estimate.n_samples and v.min_detectable > 0.05


def test_significant_discrepancy_below_resolution_still_fails():
    # discrepancy 1% with a 5% resolution and a tiny standard error: the claim is an equality
    v = verify.check(statistical(predicted=(1.01,), sigma=1e-3), seed=0)
    assert v.outcome == verify.FAIL


def test_same_seed_same_verdict_different_seed_different_numbers():
    a, b = verify.check(statistical(), seed=5), verify.check(statistical(), seed=5)
    c = verify.check(statistical(), seed=6)
    assert a.comparison.estimate == b.comparison.estimate
    assert a.comparison.estimate.value != c.comparison.estimate.value


def test_vector_predictions_fail_on_any_component():
    claim = statistical(predicted=(1.0, 2.0, 3.3), truth=(1.0, 2.0, 3.0))
    assert verify.check(claim, seed=0).outcome == verify.FAIL


def test_exact_claims_pass_fail_and_stay_inconclusive_when_the_bound_is_loose():
    assert verify.check(exact()).outcome == verify.PASS
    failed = verify.check(exact(value=1 + 1e-15))
    assert failed.outcome == verify.FAIL and "exceeds the error bound" in failed.reason
    assert verify.check(exact(bound=1e-10)).outcome == verify.INCONCLUSIVE
    assert verify.check(exact()).alpha_spent == 0


def test_zero_prediction_uses_absolute_resolution():
    claim = statistical(predicted=(0.0,), truth=(0.0,), sigma=1.0, resolution=0.05)
    v = verify.check(claim, seed=0, budget="thorough")
    assert v.outcome == verify.PASS and v.comparison.scale == (1.0,)


def test_estimator_failure_is_inconclusive_not_a_crash():
    class Diverges:
        def __call__(self, params, *, rng, n, dps=None):
            raise theory.NoConvergence("synthetic divergence")

    v = verify.check(dataclasses.replace(statistical(), estimator=Diverges()))
    assert v.outcome == verify.INCONCLUSIVE and "did not converge" in v.reason and v.min_detectable is None


@pytest.mark.parametrize("kwargs,match", [
    (dict(seed=-1), "`seed`"), (dict(seed=1.5), "`seed`"), (dict(budget="huge"), "budget"),
    (dict(false_fail_rate=0.0), "false_fail_rate"), (dict(false_pass_rate=1.0), "false_pass_rate"),
])
def test_bad_arguments_are_typed_errors(kwargs, match):
    with pytest.raises(verify.VerifierError, match=match):
        verify.check(statistical(), **kwargs)


def test_alpha_is_spent_over_looks_and_components():
    claim = statistical(predicted=(1.0, 1.0), truth=(1.0, 1.0), sigma=100.0)
    v = verify.check(claim, seed=0, budget="quick", false_fail_rate=1e-3)
    assert len(v.looks) == verify.budget("quick").looks
    assert all(c.alpha == pytest.approx(1e-3 / 5) for c in v.looks)
    assert v.alpha_spent == pytest.approx(1e-3)


def test_tiny_values_are_compared_in_high_precision_not_as_underflowed_floats():
    # at s = 1e-200 the second moment is ~1e-400: float64 would call every discrepancy 0
    quad = verify.check(verify.get("gauss.relu.second_moment.quad").with_values(s=1e-200))
    assert quad.outcome == verify.INCONCLUSIVE  # the quadrature bound is not small relative to 1e-400
    mc = verify.check(verify.get("gauss.relu.second_moment.mc").with_values(s=1e-200), budget="quick")
    assert mc.outcome == verify.INCONCLUSIVE and "no spread" in mc.reason


def test_relative_quantities_survive_mpf_values_outside_float_range():
    import mpmath

    with mpmath.workdps(40):
        tiny = mpmath.mpf("1e-400")
        claim = dataclasses.replace(exact(), prediction=lambda params, dps: (tiny,),
                                    estimator=lambda params, *, rng=None, n=None, dps: numerics.Estimate(
                                        (tiny * (1 + mpmath.mpf("1e-10")),), bound=(tiny * mpmath.mpf("1e-25"),),
                                        dps=dps))
    v = verify.check(claim)
    assert v.outcome == verify.FAIL and v.comparison.relative_discrepancy == pytest.approx(1e-10)


def test_non_finite_prediction_fails_with_a_reason():
    claim = dataclasses.replace(statistical(), prediction=lambda params, dps: (float("nan"),))
    v = verify.check(claim)
    assert v.outcome == verify.FAIL and "not finite" in v.reason and v.min_detectable is None


def test_float_rounding_floor_keeps_constant_samples_honest():
    # erf'(s Z) at s = 1e-200 is 2/sqrt(pi) for every draw: the standard error is the rounding floor
    v = verify.check(verify.get("gauss.erf.mean_derivative.mc").with_values(s=1e-200), budget="quick")
    assert v.outcome == verify.PASS
    assert all(se > 0 for se in v.comparison.estimate.std_error)


def test_a_declared_threshold_decides_on_the_same_draws():
    """The stream key leaves out the claim's declared thresholds: they judge the draws, they do not make them."""
    from verify import stream_key

    claim = verify.get("lowrank.figure1.single_spike.nu0")
    assert {"most", "aligned", "outlier"} <= set(claim.thresholds)
    assert stream_key(claim.with_values(aligned=0.9, most=0.6), 0) == stream_key(claim, 0)
    assert stream_key(claim.with_values(nu=0.0625), 0) != stream_key(claim, 0)


def test_an_inconclusive_reason_states_its_remedy():
    """Issue 23: the samples (and the budget that reaches them) or the larger budget, in the reason itself, so
    the terminal, JUnit, pytest and every report say it."""
    from tests.verify.synthetic import interval, statistical

    v = verify.check(statistical(sigma=3.0, n_start=64, id="synthetic.noisy"), seed=4, budget="quick")
    assert v.outcome == verify.INCONCLUSIVE and f"about {v.samples_needed} samples would resolve it" in v.reason
    reach = next(b for b in ("standard", "thorough") if 64 << (verify.BUDGETS[b].looks - 1) >= v.samples_needed)
    assert f"(--budget {reach} reaches them)" in v.reason
    straddling = verify.check(interval(ranges=((0.0, 0.9),)), seed=0, budget="quick")
    assert straddling.outcome == verify.INCONCLUSIVE and "--budget thorough" in straddling.reason
