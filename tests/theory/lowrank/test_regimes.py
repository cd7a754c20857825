"""Covers theory/lowrank/_regimes.py: exponents and phase boundaries solved from the leading-order sizes (our
derivation)."""

import pytest
import sympy as sp

import theory
from theory.lowrank import derive_lowrank
from theory.lowrank._regimes import exponent, n, nu

# The boundaries our note derives (section 3.3) and the issue lists: NTK 1/4; mean-field with centred
# targets 1/2; mean-field with a non-zero target mean 1/4; spike-aligned random-sign weights 1/8.
CASES = [
    (dict(scaling="ntk"), sp.Rational(1, 4)),
    (dict(scaling="mf"), sp.Rational(1, 2)),
    (dict(scaling="mf", target_mean=True), sp.Rational(1, 4)),
    (dict(scaling="ntk", weights="aligned-signs"), sp.Rational(1, 8)),
]


@pytest.mark.parametrize(("options", "boundary"), CASES)
def test_the_data_spike_boundary_is_solved_from_the_sizes(options, boundary):
    regime = derive_lowrank(**options)
    assert regime.boundaries["S2/S1"] == boundary
    # the exponent of S2/S1 is 0 exactly at the boundary and positive just above it
    ratio = regime.exponents["S2/S1"]
    assert ratio.subs(nu, boundary) == 0 and ratio.subs(nu, boundary + sp.Rational(1, 100)) > 0


@pytest.mark.parametrize("name", ["erf", "tanh", "sin", "sigmoid"])
def test_odd_second_derivatives_remove_the_drift(name):
    """E sigma'' = 0 (sigma'' odd, for sigmoid because sigmoid - 1/2 is odd): S2 keeps only its fluctuation."""
    regime = derive_lowrank("ntk", name)
    assert regime.sizes["S2_drift"] == 0 and regime.exponents["S2_drift"] == -sp.oo
    assert regime.exponents["S2/S1"] == nu - sp.Rational(1, 2)
    assert regime.boundaries["S2/S1"] == sp.Rational(1, 2)
    assert regime.boundaries["S12/S1"] == sp.Rational(1, 4)   # the interpolant still crosses at 1/4


def test_the_residue_spike_scales_as_gamma_sqrt_m():
    assert derive_lowrank("ntk").exponents["S1"] == 0
    assert derive_lowrank("mf").exponents["S1"] == -sp.Rational(1, 2)


def test_a_linear_activation_has_no_data_spike():
    regime = derive_lowrank("ntk", "identity")
    assert regime.exponents["S2"] == -sp.oo and regime.boundaries["S2/S1"] == sp.oo


def test_exponent_reads_powers_of_n():
    assert exponent(3 * n ** (2 * nu) / sp.sqrt(n)) == 2 * nu - sp.Rational(1, 2)
    assert exponent(sp.Integer(0)) == -sp.oo


def test_bad_options_are_typed_errors():
    with pytest.raises(theory.UnknownName, match="scaling"):
        derive_lowrank("ntkk")
    with pytest.raises(theory.UnknownName, match="weight construction"):
        derive_lowrank(weights="aligned")
    with pytest.raises(theory.UnknownName, match="activation"):
        derive_lowrank(activation="rleu")
    with pytest.raises(theory.InvalidArgument, match="target_mean"):
        theory.lowrank.Regime(target_mean=1)


def test_the_derivation_prints_in_text_and_latex():
    text = "\n".join(derive_lowrank("ntk").lines())
    assert "S2/S1: nu = 1/4" in text and "derived by us" in text
    latex = "\n".join(derive_lowrank("mf").lines(latex=True))
    assert r"nu = \frac{1}{2}" in latex
