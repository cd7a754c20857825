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

