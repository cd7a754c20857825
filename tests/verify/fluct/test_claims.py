"""Covers verify.packs.fluct._claims and fluctuations_sgd: the B-claims of weight_fluctuations.md.

The generic properties (well-formed, provenance tagged, PASS with mutated predictions and moved ranges FAILing,
pictures rendering) are tested for every claim in tests/verify/test_battery.py.
"""

import re

from verify import claims

FLUCT = [c for c in claims() if c.id.startswith("fluct.")]


def test_every_b_claim_of_the_note_is_in_the_catalogue():
    numbers = {int(m.group(1)) for c in FLUCT if (m := re.match(r"fluct\.b(\d+)\.", c.id))}
    assert numbers == set(range(1, 16))


def test_provenance_names_the_paper_and_only_abstract_level_claims_are_the_papers():
    for c in FLUCT:
        assert c.provenance.arxiv == "2311.14120"
        if c.provenance.source == "paper":
            assert c.provenance.locator.startswith("abstract") and c.provenance.note  # what is ours is said


def test_continuum_claims_checked_by_simulation_declare_their_bias_model():
    for c in FLUCT:
        if type(c.estimator).__name__ == "Extrapolated":
            assert any("bias model" in a for a in c.assumptions), c.id



def _string_ends(claim):
    ranges = getattr(claim.prediction, "ranges", ())
    return {end for pair in ranges for end in pair if isinstance(end, str)}


def test_every_range_end_we_chose_is_a_declared_threshold_parameter():
    for c in FLUCT:
        ends = _string_ends(c)
        assert ends <= set(c.thresholds), c.id
        assert set(c.thresholds) <= set(c.parameters), c.id
        # no numeric range end other than 0 and +-inf is left in a Ranges prediction
        for pair in getattr(c.prediction, "ranges", ()):
            for end in pair:
                assert isinstance(end, str) or end in (0.0, float("inf"), float("-inf")), (c.id, end)


def test_every_fluct_estimator_declares_its_route():
    for c in FLUCT:
        assert c.route in ("simulation", "quadrature", "second_path", "identity"), c.id


def test_the_papers_statements_rest_on_simulation_and_say_what_is_ours():
    papers = [c for c in FLUCT if c.provenance.source == "paper"]
    assert {c.id for c in papers} >= {"fluct.b9.noise_not_hessian", "fluct.b10.anisotropic_fluctuations",
                                       "fluct.b12.second_layer_ivfr"}
    for c in papers:
        assert c.route == "simulation", c.id
        assert c.thresholds and "ours" in c.provenance.note, c.id
        for name in c.thresholds:
            assert name in c.provenance.note, (c.id, name)   # the provenance names the thresholds that are ours


def test_the_papers_ivfr_claim_states_no_derived_formula_and_the_derived_claim_compares_with_it():
    ivfr = next(c for c in FLUCT if c.id == "fluct.b12.second_layer_ivfr")
    assert "beta" not in ivfr.title and "psi" not in ivfr.title
    exponent = next(c for c in FLUCT if c.id == "fluct.b12.second_layer_exponent")
    assert exponent.provenance.source == "derived" and exponent.route == "simulation"
    assert len(exponent.prediction(exponent.values)) == 3   # one exponent per coupling alpha_a


def test_claims_evaluating_our_own_closed_forms_say_so():
    for c in FLUCT:
        if c.route == "identity":
            assert c.provenance.source != "paper", c.id
            assert any("no independent route" in a for a in c.assumptions), c.id
