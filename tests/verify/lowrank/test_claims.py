"""Covers verify/_catalogue/lowrank.py: the low-rank-gradient claims catch wrong implementations and wrong laws.

The generic battery (tests/verify/test_battery.py) already checks that every claim
PASSes and that a moved prediction, or range, FAILs. Here the *implementation* or the *law*
is broken instead, as a user's regression would break it.
"""

import dataclasses

import mpmath
import numpy as np
import pytest

import numerics
import numerics.lowrank._setup as lowrank_setup
import theory
import verify
from numerics.lowrank import PopulationMu, Setup


def test_claims_carry_the_notes_provenance():
    claims = verify.select("lowrank")
    assert len(claims) >= 30
    for c in claims:
        assert c.provenance.arxiv == "2510.01303"
        caption = c.id.startswith(("lowrank.figure1.", "lowrank.figure2.")) and "spike_on_top" not in c.id
        observed = ".top_svd." in c.id or ".odd_activation." in c.id
        expected = "observed" if observed else ("paper" if caption else "derived")
        assert c.provenance.source == expected, c.id
        assert "note" in c.provenance.note or "Stein" in c.provenance.note or "implementation" in c.provenance.note
    # The formula and the decomposition are the secondary sources', and the claims say so.
    assert "secondary" in verify.get("lowrank.prop21.tanh_mse").provenance.note


def test_a_decomposition_bug_of_one_part_in_a_billion_fails(monkeypatch):
    claim = verify.get("lowrank.identity.fast.relu")
    original = lowrank_setup.gradient_decomposition

    def broken(*args, **kwargs):
        dec = original(*args, **kwargs)
        return dataclasses.replace(dec, S12=dec.S12 * (1 + 1e-9))

    monkeypatch.setattr(lowrank_setup, "gradient_decomposition", broken)
    verdict = verify.check(claim)
    assert verdict.outcome == verify.FAIL
    assert verdict.looks[-1].discrepancy[2] > 5e-10   # the S12 component is the one flagged


def test_a_wrong_normalisation_of_prop21_fails(monkeypatch):
    claim = verify.get("lowrank.prop21.tanh_mse")
    original = numerics.lowrank.Network.loss_gradient

    def off_by_one(self, X, y, loss_name="mse"):  # 1/(n - 1) instead of 1/n
        return original(self, X, y, loss_name) * X.shape[0] / (X.shape[0] - 1)

    monkeypatch.setattr(numerics.lowrank.Network, "loss_gradient", off_by_one)
    assert verify.check(claim).outcome == verify.FAIL


def test_a_wrong_jacobian_gradient_fails(monkeypatch):
    import numerics.lowrank._gradients as checks

    original = checks.jacobian_penalty
    monkeypatch.setattr(checks, "jacobian_penalty", lambda net, X: (original(net, X)[0], original(net, X)[1] * 0.5))
    assert verify.check(verify.get("lowrank.regularizer.jacobian")).outcome == verify.FAIL


@dataclasses.dataclass(frozen=True)
class _WithoutFluctuation:
    """||mu||^2 alone: the residue-spike law with the 1/n fluctuation of the empirical mu forgotten."""

    setup: Setup

    def __call__(self, values, *, dps):
        mu = PopulationMu(self.setup)(values, dps=dps)
        with mpmath.workdps(dps + 10):
            return (sum(v**2 for v in mu),)


@pytest.mark.parametrize("name", ["relu", "tanh"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_forgetting_the_fluctuation_of_the_empirical_mu_fails(name, seed):
    """At the rate a full default run allots each statistical claim, not the whole 1e-3 of one check."""
    claim = verify.get(f"lowrank.residue_spike.empirical_mu.{name}")
    wrong = dataclasses.replace(claim, prediction=_WithoutFluctuation(Setup(name)))
    rate = verify.per_claim_rate(verify.claims(), verify.DEFAULT_FALSE_FAIL_RATE)
    assert verify.check(wrong, seed=seed, false_fail_rate=rate).outcome == verify.FAIL


def test_a_wrong_population_scale_fails():
    """mu_j at s_j^2 = w^T Sigma_hat w only (the spike forgotten) is detected for tanh, where mu depends on s."""

    @dataclasses.dataclass(frozen=True)
    class NoSpike:
        def __call__(self, values, *, dps):
            return PopulationMu(Setup("tanh", spike=False))(values, dps=dps)

    claim = verify.get("lowrank.population_mu.tanh").with_values(nu=0.5)
    assert verify.check(claim).outcome == verify.PASS
    assert verify.check(dataclasses.replace(claim, prediction=NoSpike())).outcome == verify.FAIL


@pytest.mark.parametrize(("name", "value"), [("n", 0), ("d", 2.5), ("m", -1), ("nu", -0.1), ("alpha", -1.0),
                                             ("seed", -1)])
def test_bad_parameters_are_typed_errors_naming_the_parameter(name, value):
    with pytest.raises(theory.InvalidArgument, match=f"`{name}`"):
        verify.get("lowrank.identity.sum.relu").with_values(**{name: value})


def test_other_seeds_and_sizes_pass_through_with_values():
    claim = verify.get("lowrank.identity.sum.tanh_aligned").with_values(seed=7, n=40, d=30, m=20, nu=0.6)
    assert verify.check(claim).outcome == verify.PASS


def test_the_identity_estimates_record_their_bounds():
    est = verify.get("lowrank.identity.norms.relu").estimator(verify.get("lowrank.identity.norms.relu").values)
    assert len(est.value) == 3 and all(0 < b < 5e-11 for b in est.bound)
    assert all(abs(v) <= b for v, b in zip(est.value, est.bound))
    assert np.isfinite(est.value).all()


def test_a_residue_direction_off_by_one_part_in_a_billion_fails(monkeypatch):
    """The vectors check is linear in the angle: a 1e-9 rotation of S1's left vector is caught."""
    original = lowrank_setup.gradient_decomposition

    def rotated(*args, **kwargs):
        dec = original(*args, **kwargs)
        u, s, vt = np.linalg.svd(dec.S1, full_matrices=False)
        kick = np.random.default_rng(0).standard_normal(u.shape[0])
        left = u[:, 0] + 1e-9 * kick / np.linalg.norm(kick)
        return dataclasses.replace(dec, S1=s[0] * np.outer(left / np.linalg.norm(left), vt[0]))

    claim = verify.get("lowrank.identity.vectors.relu")
    assert verify.check(claim).outcome == verify.PASS
    monkeypatch.setattr(lowrank_setup, "gradient_decomposition", rotated)
    assert verify.check(claim).outcome == verify.FAIL
