"""Covers theory/_formula_claims.py: components of swept parameters, formula predictions and ranges."""

import math

import pytest

from theory import FormulaPrediction, FormulaRange, InvalidArgument, components, parse_formula


def test_components_zip_tuples_and_broadcast_numbers():
    assert components({"a": 1.0}) == ({"a": 1.0},)
    assert components({"a": (1.0, 2.0), "b": (3.0, 4.0), "c": 5}) == (
        {"a": 1.0, "b": 3.0, "c": 5}, {"a": 2.0, "b": 4.0, "c": 5})


@pytest.mark.parametrize("values", [{"a": (1.0, 2.0), "b": (1.0,)}, {"a": ()}])
def test_components_refuse_unequal_or_empty_sweeps(values):
    with pytest.raises(InvalidArgument, match="parameters"):
        components(values)


def test_prediction_is_exact_at_each_component():
    pred = FormulaPrediction(parse_formula("exp(-w^2/2)", ["w"]))
    values = pred({"w": (0.0, 2.0)}, dps=40)
    assert values[0] == 1 and abs(values[1] - math.exp(-2)) < 1e-15
    assert str(pred.expression()) == "exp(-w**2/2)"


def test_range_ends_are_formulas_or_numbers():
    r = FormulaRange(-math.inf, parse_formula("2*s", ["s"]))
    assert r({"s": (1.0, 3.0)}, dps=20) == ((-math.inf, 2.0), (-math.inf, 6.0))
    assert r.expression() == "in [-inf, 2*s]"
    with pytest.raises(InvalidArgument, match="range.lo"):
        FormulaRange(float("nan"), 1.0)
    with pytest.raises(InvalidArgument, match="range.hi"):
        FormulaRange(0.0, "1")
