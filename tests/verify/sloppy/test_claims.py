"""Covers verify.packs.sloppy._claims and verify.packs.sloppy._pictures: the A-claims of sloppiness.md.

The generic properties (well-formed, provenance tagged, PASS at the standard budget with predictions mutated by
twice the resolution and ranges moved past the estimate FAILing, pictures rendering) are tested for every claim in
tests/verify/test_battery.py; here the ranges are moved to the note's wrong alternatives.
"""

import dataclasses
import re

import numpy as np
import pytest

import theory
import verify
from verify import FAIL, check, claims
from verify._interval import Ranges

SLOPPY = [c for c in claims() if c.id.startswith("sloppy.")]


def test_every_a_claim_of_the_note_is_in_the_catalogue():
    numbers = {int(m.group(1)) for c in SLOPPY if (m := re.match(r"sloppy\.a(\d+)\.", c.id))}
    assert numbers == set(range(1, 13))


def test_every_claim_is_ours_and_names_the_note_section():
    """The paper's text was not available: every formula and check is derived by us (the note's tag)."""
    for c in SLOPPY:
        assert c.provenance.arxiv == "2505.08915" and c.provenance.source == "derived"
        assert "sloppiness.md" in c.provenance.note


@pytest.mark.parametrize("cid, ranges", [
    ("sloppy.a5.plateau", ((0.0, 0.01), (0.0, 1e-3))),                   # the slow error is 0.003
    ("sloppy.ribbon_vs_plateau", ((0.5, 1.0), (0.5, 1.0))),              # sigma0 = 0 is a ribbon
    ("sloppy.a7.toeplitz_extremes", ((0.0, 1.0),) * 8 + ((0.0, 0.2),) * 6),  # the gaps shrink like d^-2, not d^-3
])
def test_an_interval_claim_moved_across_its_boundary_fails(cid, ranges):
    claim = verify.get(cid)
    moved = dataclasses.replace(claim, prediction=Ranges(ranges, "moved"))
    assert check(moved).outcome == FAIL


def test_the_ribbon_measure_is_not_monotone_in_sigma0_so_no_claim_says_it_is():
    """The note's warning (A8): q2 = 1 - e2/e1 of the closed form is not monotone in sigma0 in general."""
    rng = np.random.default_rng(0)
    sigmas = np.geomspace(1e-2, 10, 12)
    for _ in range(60):
        c, eta = rng.uniform(0.2, 2.5), rng.uniform(0.1, 1.0)
        lam, w = theory.sloppy.geometric_spectrum(20, c), rng.standard_normal(20)
        q2 = []
        for s0 in sigmas:
            e = np.linalg.eigvalsh(theory.sloppy.ensemble_covariance(lam, w, s0, eta, 100))[::-1]
            q2.append(1 - e[1] / e[0])
        steps = np.diff(q2)
        if steps.max() > 1e-6 and steps.min() < -1e-6:
            break
    else:
        pytest.fail("no non-monotone draw found; the note reports 28 of 300")


def test_picture_data_follow_the_closed_form():
    from numerics.sloppy import embedding_spectrum_picture, ribbon_picture

    claim = verify.get("sloppy.a4.ensemble_spectrum")
    data = embedding_spectrum_picture(claim.values)
    assert np.allclose(data.predicted[:4], claim.prediction(claim.values, dps=30), rtol=1e-10)
    assert np.all(np.abs(data.estimated - data.predicted) < 6 * data.std_error + 1e-3 * data.predicted)
    ribbon = ribbon_picture(verify.get("sloppy.ribbon_vs_plateau").values)
    assert ribbon.stress[0] > 0.99 > ribbon.stress[1]                   # a single trajectory: nearly 3-d
