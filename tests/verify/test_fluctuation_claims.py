"""Covers verify._catalogue.fluctuations and fluctuations_sgd: the B-claims of weight_fluctuations.md.

Every exact claim passing and its mutation failing is tested for all families in test_catalogue.py.
"""

import re

from verify import claims
from verify._pictures import render

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


def test_ivfr_pictures_render(tmp_path):
    for cid in ("fluct.b15.ivfr_fit.squared", "fluct.b12.second_layer_variances"):
        claim = next(c for c in FLUCT if c.id == cid)
        path = render(claim.illustrations[0](claim.values), tmp_path / f"{cid}.png", title=cid)
        assert path.stat().st_size > 10_000
