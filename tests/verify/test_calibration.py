"""Calibration of the verifier over many seeds (covers verify/_check.py's error control).

* The machinery, exactly: with an exactly normal synthetic estimator that never
  resolves (so every look is taken), the FAIL rate must equal
  1 - (1 - rate/(looks*components))^(looks*components), tested two-sided with a
  binomial test at level 1e-4 over 2000 seeds. A verifier that forgot to split
  the rate over looks or components (about 0.6 instead of 0.1 with 9 looks)
  or spent it too cautiously would be caught.
* A true statistical claim FAILs at most at its allotted rate: the FAIL count over
  the seeds must not exceed the binomial upper quantile Binom(seeds, rate) at
  probability 1 - 1e-4 (the slack, itself a false-alarm rate of 1e-4 per check).
  The declared rate (1e-3 split over the run's claims) makes FAILs too rare to
  see in 200 seeds, so the check is repeated at a raised rate of 0.2, where a
  verifier that forgot to split alpha over looks or components would be caught.
* A mutated claim (prediction * (1 + 2 * resolution), via dataclasses.replace;
  a zero prediction is moved by 2 * resolution on its absolute scale instead)
  FAILs in at least 99% of seeds.

The quick version runs two claims at the quick budget, with the resolution set
to what that budget resolves (stated below); the slow version runs every built-in
statistical claim at the standard budget, as the main job does.
"""

import dataclasses

import pytest
from scipy import stats

import verify

from .synthetic import mutated, statistical

SEEDS = range(200)
SLACK = 1e-4


def _outcomes(claim, *, budget, rate):
    return [verify.check(claim, seed=s, budget=budget, false_fail_rate=rate).outcome for s in SEEDS]


def _assert_calibrated(claim, *, budget, rate):
    fails = _outcomes(claim, budget=budget, rate=rate).count(verify.FAIL)
    allowed = stats.binom.ppf(1 - SLACK, len(SEEDS), rate)
    print(f"calibration {claim.id} rate={rate:.3g}: {fails}/{len(SEEDS)} FAIL (allowed {allowed:g})")
    assert fails <= allowed, f"{claim.id}: {fails} FAILs in {len(SEEDS)} seeds at rate {rate} (allowed {allowed})"


def _assert_mutation_caught(claim, *, budget, rate):
    outcomes = _outcomes(mutated(claim, 2 * claim.resolution), budget=budget, rate=rate)
    print(f"mutation {claim.id}: {outcomes.count(verify.FAIL)}/{len(SEEDS)} FAIL, "
          f"{outcomes.count(verify.INCONCLUSIVE)} INCONCLUSIVE")
    assert outcomes.count(verify.FAIL) >= 0.99 * len(SEEDS), f"{claim.id}: {outcomes.count(verify.FAIL)} FAILs"


# (9, 1), the standard budget's nine looks, takes about 160 s: slow; (5, 3) covers several looks and components.
@pytest.mark.parametrize("looks,components", [(1, 1), pytest.param(9, 1, marks=pytest.mark.slow), (5, 3)])
def test_machinery_spends_exactly_the_declared_rate(looks, components):
    claim = statistical(predicted=(1.0,) * components, truth=(1.0,) * components, sigma=1e6)
    rate, seeds = 0.1, 2000
    plan = verify.Budget(f"{looks}-looks", looks)
    outcomes = [verify.check(claim, seed=s, budget=plan, false_fail_rate=rate).outcome for s in range(seeds)]
    assert verify.PASS not in outcomes  # sigma = 1e6 never resolves a 5% resolution
    expected = 1 - (1 - rate / (looks * components)) ** (looks * components)
    fails = outcomes.count(verify.FAIL)
    print(f"machinery looks={looks} components={components}: {fails}/{seeds} FAIL, expected {expected * seeds:.0f}")
    assert stats.binomtest(fails, seeds, expected).pvalue > SLACK


# Quick version: the quick budget (at most 2**18 samples) resolves 3% on these two claims.
QUICK = [dataclasses.replace(verify.get(i), resolution=0.03)
         for i in ("gauss.relu.mean_derivative.mc", "gauss.erf.second_moment.mc")]
RUN_RATE = verify.per_claim_rate(verify.claims(), verify.DEFAULT_FALSE_FAIL_RATE)


@pytest.mark.parametrize("claim", QUICK, ids=lambda c: c.id)
@pytest.mark.parametrize("rate", [RUN_RATE, 0.2])
def test_quick_true_claim_fails_at_most_at_its_rate(claim, rate):
    _assert_calibrated(claim, budget="quick", rate=rate)


@pytest.mark.parametrize("claim", QUICK, ids=lambda c: c.id)
def test_quick_mutated_claim_fails(claim):
    _assert_mutation_caught(claim, budget="quick", rate=RUN_RATE)


STATISTICAL = [c for c in verify.claims() if c.kind is verify.Kind.STATISTICAL]


@pytest.mark.slow
@pytest.mark.parametrize("claim", STATISTICAL, ids=lambda c: c.id)
@pytest.mark.parametrize("rate", [RUN_RATE, 0.2])
def test_true_claim_fails_at_most_at_its_rate(claim, rate):
    _assert_calibrated(claim, budget="standard", rate=rate)


@pytest.mark.slow
@pytest.mark.parametrize("claim", STATISTICAL, ids=lambda c: c.id)
def test_mutated_claim_fails(claim):
    _assert_mutation_caught(claim, budget="standard", rate=RUN_RATE)
