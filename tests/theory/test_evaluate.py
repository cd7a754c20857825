"""Covers theory/_evaluate.py and theory/_domain.py: scoped precision, domains."""

import math

import mpmath
import pytest
import sympy as sp

import theory


def test_evaluation_leaves_global_precision_alone():
    before = mpmath.mp.dps
    value = theory.evaluate(sp.pi, {}, dps=80)
    assert mpmath.mp.dps == before
    with mpmath.workdps(80):
        assert abs(value - mpmath.pi) < mpmath.mpf(10) ** -79


def test_missing_symbol_and_bad_dps_are_rejected():
    a = sp.Symbol("a")
    with pytest.raises(theory.InvalidArgument, match="free symbol"):
        theory.evaluate(a + 1, {}, dps=20)
    with pytest.raises(theory.InvalidArgument, match="`dps`"):
        theory.evaluate(a, {a: 1.0}, dps=2)


def test_interval_membership_and_description():
    pos = theory.POSITIVE
    assert pos.describe() == "(0, inf)" and theory.UNIT.describe() == "[0, 1]"
    assert not pos.contains(0.0) and pos.contains(1e-300)
    assert not pos.contains(math.nan) and not pos.contains(True) and not pos.contains("1")
    assert not pos.contains(math.inf)
    with pytest.raises(theory.InvalidArgument, match=r"`s` must be in \(0, inf\), got \(1.0, 0.0\)"):
        pos.validate("s", (1.0, 0.0))
