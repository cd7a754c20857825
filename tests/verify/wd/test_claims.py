"""Covers verify/packs/wd: the wd claims (C1-C20 of our note lowrank_bias_merging.md) with their tags, failing when
a closed form is wrong, spending no rate.

The generic properties (well-formed, provenance tagged, PASS with ranges moved past the estimate FAILing, pictures
rendering) are tested for every claim in tests/verify/test_battery.py.
"""

import dataclasses

import pytest

import verify
from verify import Kind
from verify._interval import Ranges

WD = verify.select("wd.*")


def test_every_c_claim_is_present_with_its_tag():
    numbers = {c.id.split(".")[1] for c in WD}
    assert numbers == {f"c{k}" for k in range(1, 21)}
    tags = {c.id: c.provenance.source for c in WD}
    assert {i for i, s in tags.items() if s == "paper"} == {"wd.c19.merge_performs_as_well"}
    assert {i for i, s in tags.items() if s == "observed"} == {"wd.c2.alignment", "wd.c20.trained_output_merge"}
    assert set(tags.values()) == {"paper", "observed", "derived"}
    paper = verify.get("wd.c19.merge_performs_as_well").provenance
    assert paper.arxiv == "2502.17340" and paper.version == "v2" and "abstract" in paper.locator


def test_no_wd_claim_spends_the_run_rate():
    assert not any(c.spends_rate for c in WD)
    others = [c for c in verify.claims() if not c.id.startswith("wd.")]
    assert verify.per_claim_rate(verify.claims(), 1e-3) == verify.per_claim_rate(others, 1e-3)


@dataclasses.dataclass(frozen=True)
class Fixed:
    """A declared-deterministic estimator returning a fixed estimate."""

    estimate: object
    deterministic = True

    def __call__(self, values, *, rng, n, dps):
        return self.estimate


def _with(estimate, ranges):
    return dataclasses.replace(verify.get("wd.c20.trained_output_merge"), estimator=Fixed(estimate),
                               prediction=Ranges(ranges, "r"))


def test_a_declared_deterministic_estimator_must_return_a_bound():
    from numerics import Estimate

    with pytest.raises(verify.InvalidArgument, match="deterministic"):
        verify.check(_with(Estimate((0.5,), std_error=(0.1,), n_samples=2), ((0.0, 1.0),)))


#: A theory function used by an estimator, a perturbed version, and the claim that must then FAIL: the closed forms
#: enter the estimators (the predictions are residuals), so a wrong formula must show as a discrepancy.
MUTATIONS = [
    ("common_norm_sq", lambda f: lambda *a: 1.01 * f(*a), "wd.c7.common_norm_linear"),
    ("common_norm_sq", lambda f: lambda *a: 1.05 * f(*a), "wd.c7.common_norm_relu"),
    ("gf_balance_factor", lambda f: lambda t, lam, c: f(1.01 * t, lam, c), "wd.c9.gf_balancing"),
    ("decay_factor", lambda f: lambda *a: f(*a) * (1 + 1e-6), "wd.c10.gd_balance_step"),
    ("decay_factor", lambda f: lambda *a: f(*a) * (1 + 1e-6), "wd.c11.data_span_decay"),
    ("stationary_chain", lambda f: lambda *a: dataclasses.replace(f(*a), s=f(*a).s * (1 + 1e-6)),
     "wd.c1.step_independence"),
    ("transfer_kappa", lambda f: lambda *a: 1.001 * f(*a), "wd.c18.merge_deep_linear"),
    ("schatten_cost", lambda f: lambda *a: 1.001 * f(*a), "wd.c14.schatten"),
    ("norm_bound", lambda f: lambda *a: 0.3 * f(*a), "wd.c8.norm_bound"),
    ("stable_rank_bound", lambda f: lambda *a: 0.005 * f(*a), "wd.c15.stable_rank_bound"),
    ("merge_bound", lambda f: lambda *a: 1e-4 * f(*a), "wd.c17.merge_bound"),
]


@pytest.mark.parametrize("name, perturb, claim_id", MUTATIONS, ids=[f"{m[0]}-{m[2]}" for m in MUTATIONS])
def test_a_wrong_closed_form_fails_its_claim(monkeypatch, name, perturb, claim_id):
    from numerics.wd import _dynamics, _low_rank, _merging, _stationarity

    claim = verify.get(claim_id)
    assert verify.check(claim).outcome == verify.PASS
    for checks in (_stationarity, _dynamics, _low_rank, _merging):       # every module of checks that uses it
        if hasattr(checks, name):
            monkeypatch.setattr(checks, name, perturb(getattr(checks, name)))
    assert verify.check(claim).outcome == verify.FAIL


def test_a_bound_straddling_a_range_end_is_decided_in_one_look():
    from numerics import Estimate

    claim = _with(Estimate((1.0,), bound=(0.5,), method="straddles 1.2"), ((0.0, 1.2),))
    verdict = verify.check(claim)
    assert verdict.outcome == verify.INCONCLUSIVE and len(verdict.looks) == 1
    assert not claim.spends_rate and dataclasses.replace(claim, estimator=lambda *a, **k: None).spends_rate


def test_the_sloppy_bound_interval_claims_spend_no_rate():
    ids = {"sloppy.a5.plateau", "sloppy.a7.toeplitz_extremes", "sloppy.ribbon_vs_plateau"}
    assert {c.id for c in verify.claims() if c.kind is Kind.INTERVAL and not c.spends_rate} >= ids


@pytest.mark.parametrize("name, value", [("c_reg", 3), ("c_reg", 0), ("lam", 0.0), ("lam", -1e-3), ("eps", 1.0)])
def test_bad_values_are_refused_by_the_domains(name, value):
    claim = verify.get("wd.c1.step_independence" if name != "eps" else "wd.c16.merge_exact")
    with pytest.raises(verify.InvalidArgument, match=name):
        claim.with_values(**{name: value})


def test_an_unstable_step_is_a_typed_error_in_the_claims_estimator():
    claim = verify.get("wd.c1.step_independence").with_values(etas=(0.5, 60.0))    # c eta lambda = 1.2
    with pytest.raises(verify.InvalidArgument, match="eta"):
        claim.estimator(claim.values)
