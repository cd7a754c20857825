"""Covers numerics/sloppy/_ribbon.py: the simulated ribbon criterion and plateau widths, against the closed form M
of theory.sloppy (a second route: the claims themselves never evaluate it)."""

import numpy as np
import pytest

import theory
from numerics.sloppy import (PlateauRanges, PlateauWidths, RibbonEnsemble, simulated_problem,
                             single_trajectory_ratios)
from numerics.sloppy._ribbon import GROUPS
from theory import InvalidArgument

RIBBON = {"d": 30, "c": 0.3, "eta": 0.5, "T": 100, "sigma0s": (0.0, 1.0), "k_max": 4}
PLATEAU = {"d": 12, "c": 1.0, "eta": 0.5, "T": 664, "sigma0": 10.0, "widths": 9, "plateau_cut": 1 - np.exp(-1)}


def _closed_form_ratios(values, s0, k_max=4):
    lam = theory.sloppy.geometric_spectrum(values["d"], values["c"])
    e = np.linalg.eigvalsh(theory.sloppy.ensemble_covariance(lam, np.ones(values["d"]), s0, values["eta"],
                                                             values["T"]))[::-1]
    return e[1: k_max + 1] / e[:k_max]


def test_the_single_trajectory_reproduces_d_star_k_d_star():
    """sigma0 = 0: the simulated trajectory's covariance has the ratios of the closed form's D* K D* (note 4.3)."""
    problem = simulated_problem(RIBBON, np.random.default_rng(3))
    ratios, bound = single_trajectory_ratios(problem, RIBBON["T"], 4)
    assert 0 < bound < 1e-4
    assert np.allclose(ratios, _closed_form_ratios(RIBBON, 0.0), rtol=0, atol=1e-9)   # the note's 0.17, 0.15, ...
    assert np.max(ratios) == pytest.approx(0.1711, abs=1e-4)


def test_the_simulated_criterion_agrees_with_the_closed_form_within_its_standard_error():
    est = RibbonEnsemble()(RIBBON, rng=np.random.default_rng(11), n=4 * GROUPS * 8, dps=None)
    truth = [np.max(_closed_form_ratios(RIBBON, s0)) for s0 in RIBBON["sigma0s"]]     # 0.171, 0.938
    assert est.dof == GROUPS - 1 and est.n_samples == 4096
    assert abs(est.value[0] - truth[0]) <= est.std_error[0]
    assert abs(est.value[1] - truth[1]) < 5 * est.std_error[1] and est.std_error[1] < 0.05


def test_the_simulated_widths_agree_with_the_closed_form_and_the_count():
    est = PlateauWidths()(PLATEAU, rng=np.random.default_rng(2), n=4096, dps=None)
    lam = theory.sloppy.geometric_spectrum(PLATEAU["d"], PLATEAU["c"])
    level = PLATEAU["sigma0"] ** 2 / (2 * PLATEAU["eta"] * (PLATEAU["T"] + 1))
    M = theory.sloppy.ensemble_covariance(lam, np.ones(PLATEAU["d"]), PLATEAU["sigma0"], PLATEAU["eta"],
                                          PLATEAU["T"])
    truth = np.linalg.eigvalsh(M)[::-1][: PLATEAU["widths"]] / level
    assert np.all(np.abs(np.array(est.value) - truth) < 5 * np.array(est.std_error))
    ranges = PlateauRanges()(PLATEAU)
    assert PlateauRanges.count(PLATEAU) == 7 and sum(lo > 0 for lo, _ in ranges) == 7
    assert all(lo <= v <= hi for v, (lo, hi) in zip(truth, ranges))        # the closed form agrees with the count


def test_same_rng_same_estimate():
    a = RibbonEnsemble()(RIBBON, rng=np.random.default_rng(4), n=GROUPS * 2, dps=None)
    b = RibbonEnsemble()(RIBBON, rng=np.random.default_rng(4), n=GROUPS * 2, dps=None)
    assert a == b


@pytest.mark.parametrize("call, name", [
    (lambda: RibbonEnsemble()(RIBBON, rng=np.random.default_rng(0), n=100, dps=None), "n"),
    (lambda: RibbonEnsemble()({**RIBBON, "k_max": 30}, rng=np.random.default_rng(0), n=GROUPS, dps=None), "k_max"),
    (lambda: RibbonEnsemble()({**RIBBON, "T": 3}, rng=np.random.default_rng(0), n=GROUPS, dps=None), "k_max"),
    (lambda: PlateauWidths()({**PLATEAU, "sigma0": 0.0}, rng=np.random.default_rng(0), n=GROUPS, dps=None),
     "sigma0, widths"),
    (lambda: PlateauWidths()({**PLATEAU, "widths": 13}, rng=np.random.default_rng(0), n=GROUPS, dps=None),
     "sigma0, widths"),
    (lambda: PlateauWidths()(PLATEAU, rng=np.random.default_rng(0), n=GROUPS + 1, dps=None), "n"),
])
def test_bad_input_is_a_typed_error(call, name):
    with pytest.raises(InvalidArgument, match=f"`{name}"):
        call()
