"""Covers verify/packs/lowrank/_regimes.py: the figure and regularizer-effect claims, and ExponentBand.

Mutations: figure statements moved across the derived boundary FAIL. (The scaling-law claims built from the
derived regimes, and their mutations, are covered in test_regime_claims.py.)
"""

import dataclasses

import pytest

import verify
from numerics.lowrank import FigureFrequency, ScalingSlope, Setup
from theory.lowrank import ExponentBand, Regime
from theory import InvalidArgument, UnknownName

@pytest.mark.parametrize("claim_id,nu", [("lowrank.figure1.single_spike.nu1_8", 0.375),
                                         ("lowrank.figure1.two_spikes.nu3_8", 0.125)])
def test_figure_statements_moved_across_the_boundary_fail(claim_id, nu):
    """A single spike at nu = 3/8 (a boundary at 1/2) and two spikes at nu = 1/8 (a boundary below 1/8) FAIL."""
    assert verify.check(verify.get(claim_id).with_values(nu=nu)).outcome == verify.FAIL


def test_figure_two_claims_its_comparison_activations_and_fails_when_reversed():
    claim = verify.get("lowrank.figure2.relu_suppressed")
    assert claim.estimator.others == ("tanh", "gelu", "softplus") and claim.values["alpha"] == pytest.approx(5 / 9)
    reversed_ = dataclasses.replace(claim, estimator=dataclasses.replace(claim.estimator, setup=Setup("tanh"),
                                                                          others=("relu",)))
    assert verify.check(reversed_.with_values(n=300, d=400, m=500)).outcome == verify.FAIL


def test_exponent_band_is_solved_from_the_regime():
    band = ExponentBand(Regime("ntk"), ("S2/S1", "S1/(gamma sqrt(m))"), 0.08)
    (lo, hi), (lo1, hi1) = band({"nu": 0.4}, dps=15)
    assert (lo + hi) / 2 == pytest.approx(0.3) and (lo1 + hi1) / 2 == pytest.approx(0.0)
    moved = dataclasses.replace(band, boundary_shift=1 / 12)
    assert (sum(moved({"nu": 0.4}, dps=15)[0]) / 2) == pytest.approx(0.3 - 1 / 6)
    assert "2*nu - 1/2" in band.expression({"nu": 0.4})
    with pytest.raises(UnknownName):
        ExponentBand(Regime("ntk"), ("S3/S1",), 0.08)
    with pytest.raises(InvalidArgument, match="band"):
        ExponentBand(Regime("ntk"), ("S2/S1",), 0.0)


def test_estimators_refuse_bad_input():
    with pytest.raises(InvalidArgument, match="criterion"):
        FigureFrequency(Setup("relu"), "three_spikes")
    with pytest.raises(InvalidArgument, match="quantities"):
        ScalingSlope(Setup("relu"), ("S3/S1",))
    slope = ScalingSlope(Setup("relu"), ("S2/S1",))
    values = {"ladder": (100,), "d_over_n": 1.0, "m_over_n": 1.0, "nu": 0.4, "alpha": 0.0}
    with pytest.raises(InvalidArgument, match="ladder"):
        slope.slopes(values, 0)


def test_regularizer_effect_estimators():
    """Edges hold at two aspect ratios; with tau = 0 the noisy and clean ||S2|| are equal, so never below;
    same generator state, same counts."""
    import numpy as np

    from numerics.lowrank import InputNoiseSpike, WeightDecaySpectrum

    rng = np.random.default_rng(0)
    assert WeightDecaySpectrum()({"d": 200, "m": 250}, rng=rng, n=4).successes == (4,)
    assert WeightDecaySpectrum()({"d": 200, "m": 800}, rng=rng, n=4).successes == (4,)  # sqrt(m/d) = 2
    values = {"n": 100, "d": 120, "m": 150, "nu": 0.375, "alpha": 0.0, "target_mean": 2.0}
    assert InputNoiseSpike(Setup("relu"))({**values, "tau": 0.0}, rng=rng, n=3).successes == (0,)
    noisy = InputNoiseSpike(Setup("relu"))
    first, second = (noisy({**values, "tau": 1.0}, rng=np.random.default_rng(5), n=3) for _ in range(2))
    assert first.successes == second.successes and first.seed == second.seed
