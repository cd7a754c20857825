"""Covers theory/lowrank/_regimes.py, _exponents.py, _sizes.py and _render.py: exponents and phase boundaries solved
from the leading-order sizes (our derivation), for every scaling g in [1/2, 1] (symbolic too), every activation of
the library, the bulk exponent alpha, and the printed, LaTeX and JSON outputs."""

import json
import math
import re
from fractions import Fraction

import pytest
import sympy as sp

import theory
from theory.lowrank import Regime, derive_lowrank
from theory.lowrank._exponents import G, exponent, extreme
from theory.lowrank._regimes import n, nu

HALF, QUARTER, EIGHTH = sp.Rational(1, 2), sp.Rational(1, 4), sp.Rational(1, 8)

# The five registered settings and the boundaries our note derives (section 3.3), with g = 3/4 between them.
CASES = [
    (dict(scaling="ntk"), QUARTER, QUARTER),
    (dict(scaling="mf"), HALF, HALF),
    (dict(scaling="mf", target_mean=True), QUARTER, HALF),
    (dict(scaling="ntk", weights="aligned-signs"), EIGHTH, EIGHTH),
    (dict(scaling="3/4"), sp.Rational(3, 8), sp.Rational(3, 8)),
]


@pytest.mark.parametrize(("options", "s2", "s12"), CASES)
def test_the_boundaries_are_solved_from_the_sizes(options, s2, s12):
    regime = derive_lowrank(**options)
    assert regime.boundaries == {"S2/S1": s2, "S12/S1": s12}
    for term, boundary in regime.boundaries.items():   # the ratio's exponent is 0 there and positive just above
        ratio = regime.exponents[term]
        assert ratio.subs(nu, boundary) == 0 and ratio.subs(nu, boundary + sp.Rational(1, 100)) > 0


def test_ntk_relu_exponents_and_the_mean_field_crossover():
    ntk = derive_lowrank("ntk")
    assert ntk.exponents["S2/S1"] == ntk.exponents["S12/S1"] == 2 * nu - HALF
    assert ntk.exponents["S2_fluctuation"] - ntk.exponents["S1"] == nu - HALF
    assert derive_lowrank("mf").exponents["S2/S1"] == sp.Max(2 * nu - 1, nu - HALF)


@pytest.mark.parametrize("name", ["erf", "tanh", "sin", "sigmoid"])
def test_odd_second_derivatives_remove_the_drift(name):
    """E sigma'' = 0 (sigma'' odd, for sigmoid because sigmoid - 1/2 is odd): S2 keeps only its fluctuation."""
    regime = derive_lowrank("ntk", name)
    assert regime.sizes["S2_drift"] == 0 and regime.exponents["S2_drift"] == -sp.oo
    assert regime.exponents["S2/S1"] == nu - HALF
    assert regime.boundaries == {"S2/S1": HALF, "S12/S1": QUARTER}   # the interpolant still crosses at 1/4
    assert "drift vanishes" in regime.reasons["S2/S1"]


def test_the_mean_residual_takes_the_largest_cause():
    assert derive_lowrank("ntk").rbar_exponent == 0                 # initial output's random mean
    assert derive_lowrank("mf").rbar_exponent == -HALF              # centred targets' empirical mean
    assert derive_lowrank("3/4").rbar_exponent == -QUARTER          # m^(1/2 - g)
    assert derive_lowrank("mf", target_mean=True).rbar_exponent == 0
    assert derive_lowrank("ntk", "erf").rbar_exponent == -HALF      # E erf(sZ) = 0
    assert derive_lowrank("g").rbar_exponent == HALF - G            # resolved on 1/2 <= g <= 1, no Max left


def test_a_symbolic_g_gives_boundaries_as_expressions_in_g():
    regime = derive_lowrank("g")
    assert regime.g == G and regime.boundaries == {"S2/S1": G / 2, "S12/S1": G / 2}
    assert derive_lowrank("g", target_mean=True).boundaries["S2/S1"] == QUARTER
    assert derive_lowrank("g", "erf").boundaries == {"S2/S1": HALF, "S12/S1": G / 2}


@pytest.mark.parametrize("alpha", [0, sp.Rational(1, 2)])
@pytest.mark.parametrize("target_mean", [False, True])
def test_the_symbolic_g_agrees_with_each_rational_g(alpha, target_mean):
    """Where the winner changes with g (alpha = 1/2: rbar's causes cross at g = 3/4) the answer is a Piecewise in
    g; at every rational g it equals the regime derived at that g."""
    symbolic = derive_lowrank("g", target_mean=target_mean, alpha=alpha)
    for g in (HALF, sp.Rational(5, 8), sp.Rational(3, 4), sp.Rational(7, 8), sp.Integer(1)):
        fixed = derive_lowrank(g, target_mean=target_mean, alpha=alpha)
        for key, value in symbolic.boundaries.items():
            assert value.subs(G, g) == fixed.boundaries[key]
        assert symbolic.rbar_exponent.subs(G, g) == fixed.rbar_exponent
    if alpha and not target_mean:
        assert isinstance(symbolic.rbar_exponent, sp.Piecewise)


def test_extreme_resolves_on_the_range_of_g():
    assert extreme([HALF - G, -HALF]) == HALF - G
    assert extreme([HALF - G, -HALF], "min") == -HALF
    cut = extreme([sp.Rational(3, 4) - 2 * G, -HALF])
    assert cut == sp.Piecewise((sp.Rational(3, 4) - 2 * G, G <= sp.Rational(5, 8)), (-HALF, True))
    assert extreme([2 * nu - G, nu]) == sp.Max(2 * nu - G, nu)    # nu stays symbolic: an honest Max
    assert extreme([-sp.oo]) == -sp.oo and extreme([-sp.oo, 1]) == 1


def test_exponent_reads_powers_of_n():
    assert exponent(3 * n ** (2 * nu) / sp.sqrt(n)) == 2 * nu - HALF
    assert exponent(sp.Integer(0)) == -sp.oo
    assert exponent(sp.sqrt(sp.log(n) / n)) == -HALF
    assert exponent((2 * n) ** -G * (1 + n ** (1 - 2 * G))) == -G


@pytest.mark.parametrize("value, g", [("3/4", sp.Rational(3, 4)), (Fraction(3, 4), sp.Rational(3, 4)),
                                      (sp.Rational(5, 8), sp.Rational(5, 8)), (1, sp.Integer(1)),
                                      (0.75, sp.Rational(3, 4)), (" 0.6 ", sp.Rational(3, 5)), ("MF", 1)])
def test_scalings_accept_exact_rationals(value, g):
    assert Regime(value).g == g


@pytest.mark.parametrize("value", [0.3, "abc", float("nan"), math.pi / 4, 2, "1/0", True, "0.4", None, "ntk2"])
def test_scalings_outside_the_range_are_typed_errors(value):
    with pytest.raises(theory.InvalidArgument, match=r"scaling.*\[1/2, 1\].*got"):
        Regime(value)


def test_bad_options_are_typed_errors():
    with pytest.raises(theory.UnknownName, match="weight construction"):
        derive_lowrank(weights="aligned")
    with pytest.raises(theory.UnknownName, match="did you mean relu"):
        derive_lowrank(activation="rleu")
    with pytest.raises(theory.InvalidArgument, match="target_mean"):
        Regime(target_mean=1)
    with pytest.raises(theory.InvalidArgument, match="alpha.*>= 0"):
        Regime(alpha=-1)
    with pytest.raises(theory.InvalidArgument, match="slope.*0, 1"):
        derive_lowrank(activation="leaky_relu", params={"slope": -5})
    with pytest.raises(theory.InvalidArgument, match="one of: slope"):
        derive_lowrank(activation="leaky_relu", params={"slop": 0.3})
    with pytest.raises(theory.InvalidArgument, match="no parameters"):
        Regime("ntk", "relu", params=(("slope", 0.3),))


def test_activation_parameters_enter_the_moments():
    regime = derive_lowrank(activation="leaky_relu", params={"slope": 0.3})
    assert regime.params == (("slope", 0.3),) and regime.moments["mu"] == sp.Rational(13, 20)
    assert regime.boundaries == {"S2/S1": QUARTER, "S12/S1": QUARTER}
    assert derive_lowrank(activation="leaky_relu").params == (("slope", 0.01),)   # the library's default
    linear = derive_lowrank(activation="leaky_relu", params={"slope": 1})            # slope 1 is the identity
    assert linear.boundaries["S2/S1"] == sp.oo and "never overtakes" in linear.reasons["S2/S1"]


@pytest.mark.parametrize("name", ["quadratic", "abs", "cos", "gaussian"])
def test_an_even_activation_has_no_residue_spike_and_says_so(name):
    regime = derive_lowrank("ntk", name)
    assert regime.exponents["S1"] == -sp.oo and "S2/S1" not in regime.exponents
    assert all(b is sp.nan for b in regime.boundaries.values())
    assert all("S1 = S12 = 0 exactly" in reason for reason in regime.reasons.values())
    assert any("no boundary" in line for line in regime.lines())


def test_a_residue_spike_vanishing_only_at_the_typical_scale_is_named():
    regime = derive_lowrank(activation="hermite", params={"k": 3})    # E He_3'(sZ) = 3 (s^2 - 1), s = 1
    assert regime.boundaries["S2/S1"] is sp.nan and "not identically" in regime.reasons["S2/S1"]


def test_a_linear_activation_has_no_data_spike_and_no_error_term():
    regime = derive_lowrank("ntk", "identity")
    assert regime.exponents["S2"] == -sp.oo and regime.exponents["E"] == -sp.oo
    assert regime.boundaries["S2/S1"] == sp.oo and "never overtakes" in regime.reasons["S2/S1"]
    assert any(re.search(r"S2/S1: nu = oo: S2 never overtakes S1", line) for line in regime.lines())


def test_the_error_term_is_a_bulk_of_order_gamma_and_a_spike_induced_part_when_e_sigma2_is_not_zero():
    """bench/lowrank_error_norm.py: ||E|| ~ gamma max(bulk, zeta sqrt(delta) sigma_r |mu2| ||Wq||): for ReLU the
    spike part wins for nu > 0 (slope -1/8 measured between n = 1200 and 2400 at nu = 3/8 in NTK); tanh has
    E sigma'' = 0 and keeps the bulk's -g."""
    for scaling, g in (("ntk", HALF), ("3/4", sp.Rational(3, 4)), ("g", G)):
        relu, tanh = derive_lowrank(scaling), derive_lowrank(scaling, "tanh")
        assert relu.exponents["E_bulk"] == -g and relu.exponents["E"] == nu - g
        assert relu.exponents["E/S1"] == nu - HALF
        assert tanh.exponents["E"] == -g and tanh.exponents["E/S1"] == -HALF
    assert any("Gaussian-equivalent" in note and "-0.2" in note for note in derive_lowrank().notes)


def test_alpha_enters_through_the_scale_s():
    """ReLU at alpha = 1/2: s ~ n^(-1/4), E sigma'' = 1/(s sqrt(2 pi)) grows and rho ~ s shrinks: S2's drift
    overtakes S1 earlier (1/8); the validity range shrinks to nu < 1/4. Smooth activations use their Taylor
    series at 0 where the library has no closed form."""
    relu = derive_lowrank(alpha="1/2")
    assert exponent(relu.scale) == -QUARTER and relu.validity == QUARTER
    assert relu.boundaries == {"S2/S1": EIGHTH, "S12/S1": EIGHTH}
    assert relu.exponents["S1/(gamma sqrt(m))"] == -QUARTER
    tanh = derive_lowrank(activation="tanh", alpha="1/2")
    assert tanh.moment_info["sd"].leading == sp.sqrt(2) * sp.Symbol("s", positive=True) ** 2
    assert tanh.exponents["S2_fluctuation"] - tanh.exponents["S1"] == nu - sp.Rational(3, 4)
    assert derive_lowrank(alpha=2).validity == 0 and "validity range is empty" in derive_lowrank(alpha=2).reasons[
        "S2/S1"]
    elu = derive_lowrank(activation="elu", alpha="1/2")     # kinked, no closed form: not derived, and said so
    assert elu.exponents == {} and elu.boundaries["S2/S1"] is sp.nan and "not derived" in elu.reasons["S2/S1"]
    assert derive_lowrank(activation="elu").boundaries["S2/S1"] == QUARTER      # alpha = 0: named constants


def test_a_point_mass_derivative_gets_a_formal_constant():
    regime = derive_lowrank(activation="sign")
    assert regime.moments["sd"] == sp.Symbol("v", nonnegative=True)
    assert any("point mass" in note and "formal" in note for note in regime.notes)


_ALL = [(a, sc, w, tm) for a in theory.activations() for sc in ("ntk", "mf", "3/4", "g")
        for w in ("isotropic", "aligned-ones", "aligned-signs") for tm in (False, True)]


@pytest.mark.parametrize("name", theory.activations())
def test_every_activation_derives_with_boundaries_or_reasons(name):
    """Every activation x scaling x weights x target mean: each boundary is a number or expression with a reason,
    oo with a reason, or nan (no boundary) with a reason; the outputs render. Never an exception."""
    for activation, scaling, weights, mean in (case for case in _ALL if case[0] == name):
        regime = Regime(scaling, activation, weights, mean)
        assert set(regime.boundaries) == {"S2/S1", "S12/S1"}
        for key, b in regime.boundaries.items():
            assert isinstance(b, sp.Expr) and regime.reasons[key].strip()
        text = regime.lines()
        assert not any("nu = oo" in line and line.rstrip().endswith("oo") for line in text)
        json.dumps(regime.as_dict())
    Regime("ntk", name, alpha="1/2").lines(latex=True)


def test_the_derivation_prints_a_legend_provenance_and_validity():
    regime = derive_lowrank("ntk")
    text = "\n".join(regime.lines())
    assert "S2/S1: nu = 1/4" in text and "derived by us" in text and "not the paper's" in text
    assert "nu < 1/2 for isotropic weights, nu < 1/4 for spike-aligned" in text
    legend = " ".join(regime.as_dict()["legend"])
    used = set().union(*(v.free_symbols for v in regime.sizes.values())) | {sp.Symbol("alpha"), sp.Symbol("d")}
    for symbol in used:   # every symbol of the sizes is named in the legend
        assert re.search(rf"(^|[ ;,(]){re.escape(str(symbol))}( = |: |,)", legend), symbol


def test_latex_converts_whole_lines():
    lines = derive_lowrank("mf").lines(latex=True)
    text = "\n".join(lines)
    assert r"\nu$ = $\frac{1}{2}$" in text and r"\begin{itemize}" in text and "derived by us" in text
    for line in lines:
        if line.startswith("%"):
            continue
        words = re.sub(r"\$[^$]*\$", "", line)          # outside inline math nothing is left unescaped
        assert not re.search(r"(?<!\\)[_^~]", words), line


def test_as_dict_is_json_with_latex_versions():
    data = json.loads(json.dumps(derive_lowrank("g", "erf").as_dict()))
    assert data["boundaries"]["S12/S1"]["nu"] == "g/2" and data["boundaries"]["S12/S1"]["latex"] == r"\frac{g}{2}"
    assert data["exponents"]["S2/S1"] == {"expr": "nu - 1/2", "latex": r"\nu - \frac{1}{2}"}
    assert data["provenance"].startswith("derived by us") and data["setting"]["g"]["expr"] == "g"
    assert data["validity"]["nu_below"]["expr"] == "1/2"
