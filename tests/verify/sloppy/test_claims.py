"""Covers verify.packs.sloppy._claims and verify.packs.sloppy._pictures: the A-claims of sloppiness.md.

The generic properties (well-formed, provenance tagged, PASS at the standard budget with predictions mutated by
twice the resolution and ranges moved past the estimate FAILing, pictures rendering) are tested for every claim in
tests/verify/test_battery.py; here the ranges are moved to the note's wrong alternatives.
"""

import dataclasses
import math
import re
import sys

import numpy as np
import pytest

import theory
import verify
from verify import FAIL, check, claims
from numerics.sloppy import PlateauRanges
from verify._interval import Ranges
from verify._protocols import ROUTES

SLOPPY = [c for c in claims() if c.id.startswith("sloppy.")]


def test_every_a_claim_of_the_note_is_in_the_catalogue():
    numbers = {int(m.group(1)) for c in SLOPPY if (m := re.match(r"sloppy\.a(\d+)\.", c.id))}
    assert numbers == set(range(1, 13))


def test_every_claim_is_ours_and_names_the_note_section():
    """The paper's text was not available: every formula and check is derived by us (the note's tag)."""
    for c in SLOPPY:
        assert c.provenance.arxiv == "2505.08915" and c.provenance.source == "derived"
        assert "sloppiness.md" in c.provenance.note


INF = math.inf


@pytest.mark.parametrize("cid, ranges", [
    ("sloppy.a5.plateau", ((0.0, 0.01), (0.0, 1e-3))),                   # the slow error is 0.003
    ("sloppy.ribbon_vs_plateau", ((0.5, 1.0), (0.5, 1.0))),              # sigma0 = 0 is a ribbon
    ("sloppy.ribbon_vs_plateau", ((0.5, INF), (0.0, 0.5))),              # the two points swapped
    ("sloppy.ribbon_vs_plateau", ((0.0, 0.5), (0.0, 0.5))),              # sigma0 = 1 is not a ribbon
    ("sloppy.a7.toeplitz_extremes", ((0.0, INF),) * 8 + ((0.0, 0.2),) * 6),  # the gaps shrink like d^-2, not d^-3
])
def test_an_interval_claim_moved_across_its_boundary_fails(cid, ranges):
    claim = verify.get(cid)
    moved = dataclasses.replace(claim, prediction=Ranges(ranges, "moved"))
    assert check(moved).outcome == FAIL


@pytest.mark.parametrize("wrong", [6, 8])
def test_a_wrong_plateau_count_fails(wrong):
    """n_f off by one either way (e.g. ln(2 eta lambda_1 T) / c without the 1, or the boundary at x = 2): FAIL."""
    claim = verify.get("sloppy.plateau_count")
    assert PlateauRanges.count(claim.values) == 7
    cut = claim.values["plateau_cut"]
    ranges = tuple((cut, INF) if k < wrong else (0.0, cut) for k in range(claim.values["widths"]))
    assert check(dataclasses.replace(claim, prediction=Ranges(ranges, "wrong count"))).outcome == FAIL


def test_every_estimator_declares_its_route_and_every_chosen_range_end_is_a_declared_threshold():
    for c in SLOPPY:
        assert c.route in ROUTES, c.id
        if isinstance(c.prediction, Ranges):
            named = {end for pair in c.prediction.ranges for end in pair if isinstance(end, str)}
            assert named <= set(c.thresholds), c.id
    chosen = {c.id: set(c.thresholds) for c in SLOPPY if c.thresholds}
    assert chosen == {"sloppy.a5.plateau": {"tolerance", "fast_cut", "slow_cut"},
                      "sloppy.a7.toeplitz_extremes": {"halving"},
                      "sloppy.ribbon_vs_plateau": {"r_star", "k_max"},
                      "sloppy.plateau_count": {"plateau_cut"}}
    simulated = {c.id for c in SLOPPY if c.route == "simulation"}
    assert {"sloppy.ribbon_vs_plateau", "sloppy.plateau_count", "sloppy.a4.ensemble_spectrum"} <= simulated


@pytest.mark.parametrize("cid", ["sloppy.ribbon_vs_plateau", "sloppy.plateau_count"])
def test_the_simulated_evidence_never_evaluates_the_closed_form_m(cid, monkeypatch):
    """The estimate comes from iterated GD steps only: with every closed form of M broken it is unchanged."""
    claim = verify.get(cid)
    n = claim.n_start
    before = claim.estimator(claim.values, rng=np.random.default_rng(5), n=n, dps=claim.dps)

    def broken(*args, **kwargs):
        raise AssertionError("closed form evaluated")

    prefixes = ("numerics.sloppy", "theory.sloppy")
    modules = [theory.sloppy, *(m for k, m in sys.modules.items() if k.startswith(prefixes))]
    for name in ("ensemble_covariance", "ensemble_covariance_mp", "gradient_flow_covariance", "plateau_terms",
                 "gd_trajectory"):
        for module in modules:
            if hasattr(module, name):
                monkeypatch.setattr(module, name, broken)
    after = claim.estimator(claim.values, rng=np.random.default_rng(5), n=n, dps=claim.dps)
    assert after.value == before.value and after.std_error == before.std_error


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


def _max_ratio(lam, sigma0, T, k_max=4):
    e = np.linalg.eigvalsh(theory.sloppy.ensemble_covariance(lam, np.ones(lam.size), sigma0, 0.5, T))[::-1]
    return float(np.max(e[1: k_max + 1] / e[:k_max]))


def test_the_phase_heuristic_is_qualitative_so_no_claim_encodes_it():
    """Note 4.5's phase boundaries (ribbon needs G_1 >> P; non-ribbon when G_1 <~ P and n_f >= 2) are not borne out
    by its own criterion on its own grid (section 5: d = 30, eta = 0.5, w* = 1), so they stay out of the catalogue:
    at c = 0.3, T = 10, sigma0 = 0.1, G_1 / P = 293 yet the window k <= 4 reaches the plateau (ratio 0.93); at c = 2,
    T = 10, sigma0 = 1, G_1 / P = 1.0 with n_f = 2, yet the ratios stay below 1/2 (a ribbon by the criterion)."""
    for c, T, s0, ribbon in ((0.3, 10, 0.1, False), (2.0, 10, 1.0, True)):
        lam = theory.sloppy.geometric_spectrum(30, c)
        g1 = np.linalg.eigvalsh(theory.sloppy.ensemble_covariance(lam, np.ones(30), 0.0, 0.5, T))[-1]
        g_over_p = g1 / (s0**2 / (2 * 0.5 * (T + 1)))
        heuristic_ribbon = g_over_p > 10
        assert (_max_ratio(lam, s0, T) < 0.5) == ribbon != heuristic_ribbon
        if ribbon:
            assert g_over_p <= 1.0 and theory.sloppy.plateau_count(lam, 0.5, T) == 2


def test_picture_data_follow_the_closed_form():
    from numerics.sloppy import embedding_spectrum_picture, ribbon_picture

    claim = verify.get("sloppy.a4.ensemble_spectrum")
    data = embedding_spectrum_picture(claim.values)
    assert np.allclose(data.predicted[:4], claim.prediction(claim.values, dps=30), rtol=1e-10)
    assert np.all(np.abs(data.estimated - data.predicted) < 6 * data.std_error + 1e-3 * data.predicted)
    ribbon = ribbon_picture(verify.get("sloppy.ribbon_vs_plateau").values)
    assert ribbon.stress[0] > 0.99 > ribbon.stress[1]                   # a single trajectory: nearly 3-d
