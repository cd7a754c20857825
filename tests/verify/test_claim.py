"""Covers verify/_claim.py: the frozen claim model, provenance rules, parameter domains."""

import dataclasses

import pytest

import theory
import verify
from verify import Parameter, Provenance

from .synthetic import statistical


def test_claim_is_frozen_and_replace_works():
    claim = verify.get("gauss.relu.mean_derivative.mc")
    with pytest.raises(dataclasses.FrozenInstanceError):
        claim.resolution = 0.5
    other = dataclasses.replace(claim, resolution=0.2)
    assert other.resolution == 0.2 and claim.resolution != 0.2 and other.id == claim.id


@pytest.mark.parametrize("bad", ["Gauss.relu", "gauss", "gauss..mu", "gauss.relu mu", ""])
def test_id_must_be_a_dotted_slug(bad):
    with pytest.raises(theory.InvalidArgument, match="`id`"):
        dataclasses.replace(statistical(), id=bad)


@pytest.mark.parametrize("field,value", [("resolution", 0.0), ("resolution", 1.5), ("dps", 2), ("n_start", 1)])
def test_numeric_fields_are_validated(field, value):
    with pytest.raises(theory.InvalidArgument, match=field):
        dataclasses.replace(statistical(), **{field: value})


def test_paper_provenance_needs_version_and_locator():
    with pytest.raises(theory.InvalidArgument, match="locator"):
        Provenance("paper", arxiv="2510.01303", version="v1")
    with pytest.raises(theory.InvalidArgument, match="source"):
        Provenance("folklore")
    with pytest.raises(theory.InvalidArgument, match="arxiv"):
        Provenance("derived", arxiv="not-an-id")
    assert "derived by us" in Provenance("derived", arxiv="2510.01303").describe()


def test_with_values_checks_the_domain():
    claim = verify.get("gauss.leaky_relu.second_moment.mc")
    assert claim.with_values(s=0.5).values["s"] == 0.5
    with pytest.raises(theory.InvalidArgument, match=r"`s` must be in \(0, inf\), got -1.0"):
        claim.with_values(s=-1.0)
    with pytest.raises(theory.InvalidArgument, match=r"`slope` must be in \[0, 1\]"):
        claim.with_values(slope=2.0)
    with pytest.raises(theory.InvalidArgument, match="one of: s, slope"):
        claim.with_values(alpha=1.0)


def test_parameter_checks_its_own_value():
    with pytest.raises(theory.InvalidArgument):
        Parameter(-1.0, theory.POSITIVE)


def test_parameters_are_read_only_and_claims_hashable():
    claim = verify.get("gauss.relu.mean_derivative.mc")
    with pytest.raises(TypeError):
        claim.parameters["s"] = Parameter(1.0, theory.POSITIVE)
    assert hash(claim) == hash(dataclasses.replace(claim))


def test_scalar_parameters_refuse_tuples_and_versions_are_checked():
    claim = verify.get("gauss.leaky_relu.mean_derivative.mc")
    with pytest.raises(theory.InvalidArgument, match=r"`slope` must be a single number in \[0, 1\]"):
        claim.with_values(slope=(0.3, 0.5))
    assert claim.with_values(s=0.5).values["s"] == 0.5  # a vector parameter takes one number too
    with pytest.raises(theory.InvalidArgument, match="version"):
        Provenance("paper", arxiv="2510.01303", version="1", locator="Fig. 1 caption")
