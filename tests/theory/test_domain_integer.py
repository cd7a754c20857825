"""Covers theory/_domain.py's integer intervals: Interval(..., integer=True), COUNT (sizes) and INDEX (seeds)."""

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import theory
from theory import COUNT, INDEX, Interval


def test_count_and_index_describe_themselves():
    assert COUNT.describe() == "integers in [1, inf)"
    assert INDEX.describe() == "integers in [0, inf)"
    assert Interval(2, 5, integer=True).describe() == "integers in [2, 5]"
    assert Interval(2, 5, low_open=True, integer=True).describe() == "integers in (2, 5]"
    assert Interval(2, 5).describe() == "[2, 5]"


@pytest.mark.parametrize("value,count,index", [
    (1, True, True), (0, False, True), (-1, False, False), (7, True, True), (10**18, True, True),
    (3.0, True, True), (0.0, False, True), (-0.0, False, True), (2.5, False, False), (1e-9, False, False),
    (np.int64(4), True, True), (np.float64(4.0), True, True), (np.float64(4.5), False, False),
    (Fraction(6, 3), True, True), (Fraction(1, 2), False, False),
    (math.inf, False, False), (math.nan, False, False),
    (True, False, False), (False, False, False), ("3", False, False), (None, False, False), (3 + 0j, False, False),
])
def test_membership(value, count, index):
    assert COUNT.contains(value) is count
    assert INDEX.contains(value) is index


@settings(max_examples=50)
@given(k=st.integers(-10**6, 10**6))
def test_every_integer_is_judged_by_its_bounds(k):
    assert COUNT.contains(k) == (k >= 1)
    assert INDEX.contains(k) == (k >= 0)
    assert COUNT.contains(float(k)) == (k >= 1)


@settings(max_examples=50)
@given(v=st.floats(-1e6, 1e6).filter(lambda t: not float(t).is_integer()))
def test_no_fraction_is_an_integer(v):
    assert not COUNT.contains(v) and not INDEX.contains(v)
    assert Interval(integer=True).contains(v) is False
    assert Interval().contains(v) is True  # the same interval without the integer constraint takes it


def test_bounds_and_openness_still_apply_to_integer_intervals():
    closed, open_ = Interval(2, 5, integer=True), Interval(2, 5, low_open=True, high_open=True, integer=True)
    assert [closed.contains(k) for k in range(1, 7)] == [False, True, True, True, True, False]
    assert [open_.contains(k) for k in range(1, 7)] == [False, False, True, True, False, False]
    assert not closed.contains(3.5)


@pytest.mark.parametrize("domain,value", [(COUNT, 0), (COUNT, 2.5), (COUNT, True), (INDEX, -1), (INDEX, 1.5),
                                          (COUNT, (1, 2, 0)), (INDEX, ())])
def test_validate_raises_an_invalid_argument_naming_the_parameter(domain, value):
    with pytest.raises(theory.InvalidArgument, match="`n_rows`") as info:
        domain.validate("n_rows", value)
    assert info.value.name == "n_rows" and info.value.value == value
    assert "an integer in" in info.value.allowed


def test_validate_accepts_integers_and_tuples_of_them():
    # validate returns None when every value lies inside (and raises otherwise, above)
    assert COUNT.validate("n", 3) is None
    assert COUNT.validate("n", (1, 2.0, np.int32(5))) is None
    assert INDEX.validate("seed", 0) is None


def test_integer_intervals_are_frozen_values():
    assert Interval(1.0, math.inf, integer=True) == COUNT
    assert COUNT != Interval(1.0, math.inf)
    with pytest.raises(AttributeError):
        COUNT.integer = False
