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


def test_every_builtin_claim_passes_at_the_standard_budget():
    """The main job's promise, through the API: all built-in claims PASS at seed 0."""
    result = verify.run(CLAIMS, seed=0, budget="standard")
    assert {v.claim.id: v.outcome for v in result.verdicts} == {i: verify.PASS for i in IDS}


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
