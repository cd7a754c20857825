"""Covers theory/wd/_closed_forms.py: the closed forms of weight decay's stationary points (our note
lowrank_bias_merging.md, section 2; all derived)."""

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import lambertw

import theory
from theory import InvalidArgument


def test_the_logistic_constant_is_lambert_w_of_one_over_e():
    star, top = theory.wd.logistic_norm_symbolic()
    w = sp.LambertW(sp.exp(-1))
    assert sp.simplify(star - (1 + w)) == 0
    with mpmath.workdps(40):
        assert abs(mpmath.mpf(sp.N(top, 45)) - theory.wd.logistic_norm_constant(40)) < mpmath.mpf(10) ** -38
    assert float(theory.wd.logistic_norm_constant()) == pytest.approx(float(lambertw(math.exp(-1)).real), rel=4e-16)


@settings(max_examples=200, deadline=None)
@given(st.floats(-50, 50))
def test_no_margin_exceeds_the_constant(m):
    # the float64 quotient rounds by at most a few ulps: 4 eps relative
    assert m / (1 + math.exp(m)) <= float(theory.wd.logistic_norm_constant()) * (1 + 4 * np.finfo(float).eps)


def test_common_norm_matches_its_formula_and_attains_the_bound_at_m_star():
    m = np.array([0.3, 1.2, -0.5, 4.0, 40.0])
    direct = np.mean(m / (1 + np.exp(m))) / (2 * 0.1)
    assert theory.wd.common_norm_sq(m, 0.1, 2) == pytest.approx(direct, rel=1e-14)
    m_star = 1 + float(mpmath.lambertw(mpmath.exp(-1)).real)
    assert (theory.wd.common_norm_sq([m_star] * 3, 0.1, 1)
            == pytest.approx(float(theory.wd.norm_bound(0.1, 1)), rel=1e-14))


@pytest.mark.parametrize("lam, c_reg", [(0.0, 2), (-1e-3, 2), (math.inf, 2), (1e-3, 3), (1e-3, True)])
def test_bad_regulariser_is_a_typed_error(lam, c_reg):
    with pytest.raises(InvalidArgument) as info:
        theory.wd.check_regulariser(lam, c_reg)
    assert info.value.name in ("lambda", "c_reg")


def test_unstable_step_is_a_typed_error_naming_eta():
    assert theory.wd.decay_factor(0.5, 0.01, 2) == pytest.approx(0.99)
    with pytest.raises(InvalidArgument, match="eta"):
        theory.wd.check_decay_step(50.0, 0.01, 2)       # c eta lambda = 1: the weights would flip sign


@pytest.mark.parametrize("L", [2, 3, 4])
def test_the_transfer_recursion_is_the_notes_product(L):
    assert all(r == 0 for r in theory.wd.transfer_kappa_symbolic(L).values())


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(-1, 1), min_size=1, max_size=4), st.floats(0.5, 3.0))
def test_equal_scales_give_the_product_of_one_plus_overlaps(overlaps, s):
    L = len(overlaps) + 1
    kappa = theory.wd.transfer_kappa([s] * L, [s] * L, overlaps)
    assert kappa == pytest.approx(float(np.prod([1 + o for o in overlaps])), rel=1e-12, abs=1e-12)
    assert kappa >= -1e-12


def test_transfer_kappa_rejects_mismatched_lengths():
    with pytest.raises(InvalidArgument, match="overlaps"):
        theory.wd.transfer_kappa([1, 1, 1], [1, 1, 1], [0.1])


def test_the_stationary_chain_solves_its_scalar_condition():
    for L, lam, c in ((2, 0.01, 2), (3, 1e-3, 1), (4, 1e-3, 2)):
        chain = theory.wd.stationary_chain(L, 1.0, lam, c)
        assert c * lam * chain.s ** (2 - L) == pytest.approx(1 / (1 + math.exp(chain.margin)), rel=1e-12)
    with pytest.raises(InvalidArgument, match="lambda"):
        theory.wd.stationary_chain(2, 0.5, 1.0, 2)      # c lambda >= ||x||: only the origin is stationary


def test_fixed_points_of_gd_do_not_depend_on_the_step():
    assert all(r == 0 for r in theory.wd.gd_fixed_point_symbolic().values())


def test_schatten_cost_and_stable_rank():
    assert theory.wd.schatten_cost([4.0], 2) == pytest.approx(2 * 4.0)
    assert theory.wd.stable_rank(np.diag([2.0, 1.0])) == pytest.approx(5 / 4)
    with pytest.raises(InvalidArgument):
        theory.wd.stable_rank(np.zeros((2, 2)))
    assert theory.wd.merge_bound(0.1, 0.01, 2) == pytest.approx(5.0)
    assert theory.wd.gf_balance_factor(5.0, 0.1, 2) == pytest.approx(math.exp(-2))
