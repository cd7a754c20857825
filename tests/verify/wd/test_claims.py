"""Covers verify/packs/wd: the wd claims (C1-C20 of our note lowrank_bias_merging.md, and the coverage claims: the
squared-loss N1 and its bound, rank <= K, the merge slope) with their tags, their routes and their declared
thresholds (moving one turns the verdict), failing when a closed form is wrong, spending no rate but the slope's.

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
    """Every wd check is a deterministic bound: a regression of the merged loss change on eps was tried and
    dropped (the note predicts no coefficient, only M2b's bound, which it would have checked 250 times loosely)."""
    assert not [c.id for c in WD if c.spends_rate]

#: How each claim's estimate is independent of its prediction: trained networks (and GD runs) are simulations; two
#: computations of one quantity (I1's two sides, B-GD's two sides, SymPy against findroot) a second path; C1's
#: symbolic half holds by the definition of the GD map.
ROUTES = {"wd.c1.fixed_point_symbolic": "identity", "wd.c3.scale_invariance": "second_path",
          "wd.c8.lambert_constant": "second_path", "wd.c10.gd_balance_step": "second_path"}


def test_every_claim_declares_its_route():
    assert {c.id: c.route for c in WD} == {c.id: ROUTES.get(c.id, "simulation") for c in WD}


#: The thresholds we chose, per claim: every one a parameter read by the prediction or the estimator.
THRESHOLDS = {"wd.c2.alignment": {"tol_linear", "tol_relu"},
              "wd.c19.merge_performs_as_well": {"min_kept", "min_acc_change"},
              "wd.c20.trained_output_merge": {"min_change", "min_acc_change"}}


def test_the_chosen_thresholds_are_declared_parameters_with_their_rationale():
    assert {c.id: set(c.thresholds) for c in WD if c.thresholds} == THRESHOLDS
    for claim_id, names in THRESHOLDS.items():
        claim = verify.get(claim_id)
        assert names <= set(claim.parameters)
    assert "after seeing data" in verify.get("wd.c19.merge_performs_as_well").thresholds["min_kept"]
    assert "after seeing data" in verify.get("wd.c2.alignment").thresholds["tol_relu"]
    assert "after seeing data" in verify.get("wd.c20.trained_output_merge").thresholds["min_change"]


def test_derived_statements_are_not_called_the_papers():
    """The abstract states alignment, norm preservation, low rank and merging in words only: the claims it motivates
    are our derived statements, and say so."""
    assert not any("precise form" in c.provenance.note for c in WD)
    for claim_id in ("wd.c4.norm_preservation", "wd.c12.rank_data_span", "wd.c13.rank_one_linear",
                     "wd.c16.merge_exact"):
        provenance = verify.get(claim_id).provenance
        assert provenance.source == "derived" and "our statement, derived by us" in provenance.note


@pytest.mark.parametrize("claim_id, estimate, moved", [
    ("wd.c2.alignment", (1e-13,) * 5 + (5e-4,) * 4, {"tol_relu": 1e-4}),
    ("wd.c19.merge_performs_as_well", (0.95, 1.0), {"min_kept": 1.0}),
    ("wd.c20.trained_output_merge", (0.15, 0.0, 0.16, 0.0), {"min_change": 0.5}),
    ("wd.c20.trained_output_merge", (0.15, 0.0, 0.16, 0.0), {"min_acc_change": 0.05}),
])
def test_moving_a_threshold_far_enough_turns_the_verdict(claim_id, estimate, moved):
    from numerics import Estimate

    fixed = Fixed(Estimate(estimate, bound=(0.0,) * len(estimate), method="fixed"))
    claim = dataclasses.replace(verify.get(claim_id), estimator=fixed)
    assert verify.check(claim).outcome == verify.PASS
    assert verify.check(claim.with_values(**moved)).outcome == verify.FAIL


def test_c20s_threshold_turns_its_own_estimate():
    claim = verify.get("wd.c20.trained_output_merge")
    assert verify.check(claim).outcome == verify.PASS
    assert verify.check(claim.with_values(min_change=0.5)).outcome == verify.FAIL


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

    v = verify.check(_with(Estimate((0.5,), std_error=(0.1,), n_samples=2), ((0.0, 1.0),)))
    assert v.outcome == verify.FAIL and "deterministic" in v.reason  # the claim's code is wrong: its verdict says


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
    ("squared_common_norm", lambda f: lambda *a: 1.001 * f(*a), "wd.c7.common_norm_squared"),
    ("squared_norm_bound", lambda f: lambda *a: 0.1 * f(*a), "wd.c8.squared_norm_bound"),
]


@pytest.mark.parametrize("name, perturb, claim_id", MUTATIONS, ids=[f"{m[0]}-{m[2]}" for m in MUTATIONS])
def test_a_wrong_closed_form_fails_its_claim(monkeypatch, name, perturb, claim_id):
    from numerics.wd import _dynamics, _low_rank, _merging, _squared, _stationarity

    claim = verify.get(claim_id)
    assert verify.check(claim).outcome == verify.PASS
    for checks in (_stationarity, _dynamics, _low_rank, _merging, _squared):       # every module of checks that uses it
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
    ids = {"sloppy.a5.plateau", "sloppy.a7.toeplitz_extremes"}
    assert {c.id for c in verify.claims() if c.kind is Kind.INTERVAL and not c.spends_rate} >= ids
    assert verify.get("sloppy.ribbon_vs_plateau").spends_rate  # simulated ensembles: it samples


@pytest.mark.parametrize("name, value", [("c_reg", 3), ("c_reg", 0), ("lam", 0.0), ("lam", -1e-3), ("eps", 1.0)])
def test_bad_values_are_refused_by_the_domains(name, value):
    claim = verify.get("wd.c1.step_independence" if name != "eps" else "wd.c16.merge_exact")
    with pytest.raises(verify.InvalidArgument, match=name):
        claim.with_values(**{name: value})


def test_an_unstable_step_is_a_typed_error_in_the_claims_estimator():
    claim = verify.get("wd.c1.step_independence").with_values(etas=(0.5, 60.0))    # c eta lambda = 1.2
    with pytest.raises(verify.InvalidArgument, match="eta"):
        claim.estimator(claim.values)
