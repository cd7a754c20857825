"""Covers verify/packs/lowrank/_regime_claims.py, numerics/lowrank/_boundary.py and theory/lowrank/_boundary.py:
scaling-law and boundary claims built from the derived regimes, and the theories they must reject.

Mutations: each registered regime claim, predicted by a theory whose boundaries sit MOVE higher or lower, claims
ranges disjoint from its own, so the evidence that passed it (a confidence interval inside its ranges) misses the
mutated ones: FAIL (the battery in test_battery.py checks the PASS of the cheapest by default, of the others under
`slow`); every claim at seeds 0, 1, 2 with its mutations, checked from scratch, in the slow tests.
"""

import dataclasses

import numpy as np
import pytest
import sympy as sp

import verify
from numerics.lowrank import BoundaryRoot, ScalingSlope, Setup
from theory import InvalidArgument
from theory.lowrank import ExponentBand, Regime
from theory.lowrank._boundary import BoundaryBand
from verify.packs.lowrank._regime_claims import (BAND, MOVE, REGISTERED, boundary_claim, check_claims, check_nu,
                                                 regime_claim)

REGISTERED_IDS = [regime_claim(r.regime).id for r in REGISTERED]
RATE = verify.per_claim_rate(verify.claims(), verify.DEFAULT_FALSE_FAIL_RATE)


def _moved(claim, shift):
    """``claim`` predicted by a theory whose boundaries sit ``shift`` higher."""
    return dataclasses.replace(claim, prediction=dataclasses.replace(claim.prediction, boundary_shift=shift))


def test_every_registered_regime_claim_is_built_from_its_regime_and_is_derived():
    for registered, claim_id in zip(REGISTERED, REGISTERED_IDS):
        claim = verify.get(claim_id)
        assert claim.prediction == ExponentBand(registered.regime, claim.prediction.quantities, BAND)
        assert claim.provenance.source == "derived" and "section 3.3" in claim.provenance.note
        assert any("small-spike expansion" in a for a in claim.assumptions)


@pytest.mark.parametrize(("regime", "nu"), [
    (Regime("ntk", target_mean=True), sp.Rational(3, 10)),     # drift 2nu - 1/2 ahead of nu - 1/2 by nu
    (Regime("mf"), sp.Rational(3, 10)),                       # nu - 1/2 ahead of 2nu - 1 by 1/2 - nu >= 1/5
    (Regime("ntk", weights="aligned-signs", target_mean=True), sp.Rational(1, 20)),  # validity 1/4 - 1/5
    (Regime("ntk", "tanh"), sp.Rational(3, 10)),               # no drift: any nu below 1/2 - 1/5
])
def test_the_nu_rule(regime, nu):
    assert check_nu(regime) == nu


@pytest.mark.parametrize("claim_id", REGISTERED_IDS)
def test_a_moved_boundary_claims_ranges_disjoint_from_the_derived_ones(claim_id):
    """PASS means the interval lies inside the derived ranges; a theory with its boundary moved by MOVE either
    way claims a disjoint range for S2/S1, so the same interval misses it: that theory FAILs."""
    claim = verify.get(claim_id)
    (lo, hi) = claim.prediction(claim.values, dps=15)[0]
    for shift in (MOVE, -MOVE):
        (mlo, mhi) = _moved(claim, float(shift)).prediction(claim.values, dps=15)[0]
        assert mhi < lo or mlo > hi, (claim_id, shift, (lo, hi), (mlo, mhi))


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("claim_id", REGISTERED_IDS)
def test_registered_regime_claims_pass_at_three_seeds_and_moved_boundaries_fail(claim_id, seed):
    claim = verify.get(claim_id)
    verdict = verify.check(claim, seed=seed, false_fail_rate=RATE)
    assert verdict.outcome == verify.PASS, verdict.reason
    for shift in (MOVE, -MOVE):
        assert verify.check(_moved(claim, float(shift)), seed=seed, false_fail_rate=RATE).outcome == verify.FAIL


def test_builder_refuses_bad_input():
    with pytest.raises(InvalidArgument, match="regime"):
        regime_claim("ntk")
    with pytest.raises(InvalidArgument, match="nu"):
        regime_claim(Regime("ntk", weights="aligned-signs"), nu=0.3)      # beyond the expansion's 1/4
    with pytest.raises(InvalidArgument, match="ladder"):
        regime_claim(Regime("ntk"), ladder=(100,))
    with pytest.raises(InvalidArgument, match="bracket"):
        boundary_claim(Regime("ntk"), grid=(0.3, 0.4))                     # nu* = 1/4 lies below
    with pytest.raises(InvalidArgument, match="expansion"):
        boundary_claim(Regime("mf"), grid=(0.4, 0.6))                      # nu* = 1/2 is the validity limit
    with pytest.raises(InvalidArgument, match="boundary"):
        BoundaryBand(Regime("ntk", "identity"), "S2/S1", 0.08)               # S2 = 0: no boundary


def test_check_claims_build_a_scaling_and_a_boundary_claim_when_the_grid_fits():
    ids = [c.id for c in check_claims(Regime("ntk", target_mean=True))]
    assert ids == ["derived.regime.ntk.relu.isotropic.mean", "derived.boundary.s2_s1.ntk.relu.isotropic.mean"]
    assert [c.id for c in check_claims(Regime("mf"))] == ["derived.regime.mf.relu.isotropic.centred"]  # nu* = 1/2
    band = check_claims(Regime("ntk", target_mean=True))[1].prediction
    assert band({}, dps=15) == ((0.21, 0.29),) and band.slope == 2
    assert dataclasses.replace(band, boundary_shift=1 / 12)({}, dps=15)[0][0] > 0.29 - 1e-12


@dataclasses.dataclass(frozen=True)
class _Linear:
    """A stand-in for ScalingSlope: slope 2 nu - 1/2 plus N(0, 0.05^2) noise, per seed."""

    quantities: tuple = ("S2/S1",)

    def slopes(self, values, seed):
        rng = np.random.default_rng([seed, int(values["nu"] * 1000)])
        return np.array([2 * values["nu"] - 0.5 + 0.05 * rng.standard_normal()])


def test_boundary_root_recovers_the_root_within_its_error_and_refuses_bad_grids():
    root = BoundaryRoot(_Linear(), (0.1, 0.2, 0.3, 0.45))
    est = root({}, rng=np.random.default_rng(1), n=200)
    assert abs(est.value[0] - 0.25) < 4 * est.std_error[0] and est.std_error[0] < 0.01 and est.dof == 199
    with pytest.raises(InvalidArgument, match="nu grid"):
        BoundaryRoot(_Linear(), (0.3, 0.2))
    with pytest.raises(InvalidArgument, match="ratio"):
        BoundaryRoot(ScalingSlope(Setup("relu"), ("S2/S1", "S12/S1")), (0.1, 0.3))


def test_only_a_callable_allowance_is_declared():
    """A prediction whose ``allowance`` is a data field (the input-noise law's (lower, upper)) declares none; the
    exponent band's method does."""
    from verify._protocols import allowance_of

    noise = verify.get("lowrank.input_noise.law.relu")
    assert allowance_of(noise.prediction, noise.values) is None
    regime = verify.get(REGISTERED_IDS[0])
    name, value, centres = allowance_of(regime.prediction, regime.values)
    assert (name, value) == ("band", BAND) and len(centres) == 2
