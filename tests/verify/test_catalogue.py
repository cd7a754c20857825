"""Covers verify/_catalogue/ and verify/_registry.py: one battery run over every registered claim."""

import math

import pytest

import theory
import verify

from .synthetic import mutated

CLAIMS = verify.claims()
IDS = [c.id for c in CLAIMS]


def test_ids_are_unique_and_the_families_are_complete():
    assert len(IDS) == len(set(IDS))
    for act in ("relu", "leaky_relu", "erf", "gelu"):
        for q in ("mean_derivative", "second_moment"):
            assert {f"gauss.{act}.{q}.quad", f"gauss.{act}.{q}.mc"} <= set(IDS)
    for act in theory.activations():  # every activation's Hermite coefficients are checked
        assert f"hermite.{act}.closed_form" in IDS or f"hermite.{act}.stein" in IDS
    assert all(c.provenance.source == "derived" for c in CLAIMS if c.id.split(".")[0] in ("hermite", "kernel"))


@pytest.mark.parametrize("claim", CLAIMS, ids=IDS)
def test_claim_is_well_formed(claim):
    prov = claim.provenance
    assert prov.source in ("paper", "derived", "observed") and prov.describe()
    if prov.source == "paper":
        assert prov.arxiv and prov.version and prov.locator
    for name, p in claim.parameters.items():
        p.domain.validate(name, p.value)
    predicted = claim.prediction(claim.values, dps=claim.dps)
    if claim.kind is verify.Kind.INTERVAL:  # (lo, hi) ranges
        assert predicted and all(lo <= hi and not math.isnan(lo + hi) for lo, hi in predicted)
    else:
        assert predicted and all(math.isfinite(float(v)) for v in predicted)
    assert claim.formula() and claim.title


@pytest.mark.parametrize("claim", [c for c in CLAIMS if c.kind is verify.Kind.EXACT], ids=lambda c: c.id)
def test_exact_claim_passes_and_its_mutation_fails(claim):
    assert verify.check(claim).outcome == verify.PASS
    assert verify.check(mutated(claim, 2 * claim.resolution)).outcome == verify.FAIL


#: The false-fail rate `python -m verify run` gives each claim (its rate split over every rate-spending claim).
RUN_RATE = verify.per_claim_rate(CLAIMS, verify.DEFAULT_FALSE_FAIL_RATE)


@pytest.mark.parametrize("claim", [c for c in CLAIMS if c.kind.spends_rate], ids=lambda c: c.id)
def test_builtin_claim_passes_at_the_standard_budget(claim):
    """The main job's promise, one claim at a time (so pytest-xdist can spread them over the cores): the run checks
    each claim with the run's per-claim rate on the claim's own random stream, so this is the main job's verdict.
    Exact claims spend no rate; their PASS is asserted by test_exact_claim_passes_and_its_mutation_fails."""
    assert verify.check(claim, seed=0, budget="standard", false_fail_rate=RUN_RATE).outcome == verify.PASS


def test_run_gives_each_claim_the_verdict_check_gives_at_the_per_claim_rate():
    chosen = verify.select("gauss.relu")
    rate = verify.per_claim_rate(chosen, verify.DEFAULT_FALSE_FAIL_RATE)
    for v in verify.run(chosen, seed=0, budget="quick").verdicts:
        w = verify.check(v.claim, seed=0, budget="quick", false_fail_rate=rate)
        assert (v.outcome, v.reason, v.false_fail_rate) == (w.outcome, w.reason, w.false_fail_rate)


def test_get_and_select():
    assert verify.get("gauss.relu.mean_derivative.mc").id == "gauss.relu.mean_derivative.mc"
    with pytest.raises(KeyError, match="did you mean"):
        verify.get("gauss.relu.mean_derivative.mcc")
    assert {c.id for c in verify.select("gauss.relu")} == {i for i in IDS if i.startswith("gauss.relu.")}
    assert len(verify.select("gauss.*.mc")) == len([i for i in IDS if i.startswith("gauss.") and i.endswith(".mc")])
    assert len(verify.select("gauss.relu.*.mc")) == 2
    for bad in ("", "gauss relu", "gauss.[relu", "nothing.*"):
        with pytest.raises(theory.InvalidArgument, match="pattern"):
            verify.select(bad)


def test_registering_a_taken_id_is_an_error():
    with pytest.raises(theory.InvalidArgument, match="already registered"):
        verify.register(CLAIMS[0])
