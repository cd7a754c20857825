"""Covers theory/lowrank/_bulk.py, numerics/lowrank/_coverage.py and verify/packs/lowrank/_coverage_claims.py: the
bulk-trace, input-noise-law and S2-drift claims (our note, section 6 items 9, 20 and 15).

Mutations, each the way a wrong theory would be wrong: the trace with alpha off by 1/9 either way; the noise law
s^2/(s^2 + tau^2) (E sigma'' proportional to 1/s^2) in place of s/sqrt(s^2 + tau^2); a drift linear in zeta, and mu
= E sigma' in place of E sigma''. Checks at a claim's registered sizes that take over ~15 s are marked slow (the
pack battery, tests/verify/test_battery.py, runs every registered claim at the standard budget anyway).
"""

import dataclasses

import mpmath
import numpy as np
import pytest
import sympy as sp

import verify
from numerics.lowrank import BulkTraceMC, DriftRatio, NoiseSpikeRatio, Setup, s2_norm
from theory import InvalidArgument, NoConvergence, UnknownName, evaluate
from theory.lowrank import _bulk
from theory.lowrank._bulk import (BulkTrace, NoiseLaw, S2Size, bulk_trace, bulk_trace_variances, fluctuation_ratio,
                                  noise_law, noise_law_expr, spike_moment_expr)
from verify._compare import compare
from verify._interval import compare_interval
from verify._verdict import decide
from verify.packs.lowrank import _coverage_claims as coverage

#: The false-fail rate a full run gives each claim (the brief's; the battery computes its own).
RATE = 1.76e-6
CLAIMS = {c.id: c for c in coverage.claims()}
IDS = ("lowrank.bulk.trace.alpha5_9", "lowrank.bulk.trace.alpha8_9", "lowrank.input_noise.law.relu",
       "lowrank.s2_drift.relu.nu1_4", "lowrank.s2_drift.relu.nu3_8", "lowrank.s12_response.relu.nu3_8")
SMALL = {"n": 300, "d": 400, "m": 500}


def _check(claim, **kw):
    return verify.check(claim, false_fail_rate=RATE, **kw)


# -- theory: closed forms ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("alpha", [sp.Integer(0), sp.Rational(5, 9), sp.Rational(8, 9), sp.Integer(1),
                                   sp.Rational(3, 2)])
def test_bulk_trace_is_the_generalised_harmonic_number(alpha):
    exact = sp.harmonic(1000, alpha).evalf(40)
    assert abs(bulk_trace(1000, float(alpha), dps=30) - mpmath.mpf(str(exact))) < 1e-12 * float(exact)
    at = {sp.Symbol("d", positive=True, integer=True): 7, sp.Symbol("alpha", nonnegative=True): alpha}
    assert abs((_bulk.bulk_trace_expr().subs(at).doit() - sp.harmonic(7, alpha)).evalf(30)) < 1e-25


def test_the_note_s_reference_traces():
    """Our note, section 6 item 9: 46.779 (alpha = 5/9) and 10.960 (alpha = 8/9) at d = 1000."""
    assert round(float(bulk_trace(1000, 5 / 9)), 3) == 46.779
    assert round(float(bulk_trace(1000, 8 / 9)), 3) == 10.960
    h, mean = BulkTrace()({"d": 1000, "alpha": 5 / 9}, dps=20)
    assert abs(mean - h / 1000) < 1e-15 * mean


@pytest.mark.parametrize("alpha", [0.0, 5 / 9, 1.0, 1.5])
def test_the_hurwitz_route_agrees_with_the_direct_sum(alpha, monkeypatch):
    direct = bulk_trace(3000, alpha, dps=25)
    monkeypatch.setattr(_bulk, "DIRECT_SUM_UP_TO", 10)
    assert abs(bulk_trace(3000, alpha, dps=25) - direct) < 1e-20 * direct


def test_the_euler_integral_stands_in_where_mpmath_s_hypergeometric_gives_up(monkeypatch):
    with mpmath.workdps(30):
        direct = mpmath.hyper([1, 1.5], [501], -143)

        def refuse(*args, **kwargs):
            raise ValueError("no convergence")

        monkeypatch.setattr(_bulk.mpmath, "hyper", refuse)
        assert abs(_bulk._hyper([1, 1.5], [501], -143) - direct) < 1e-18 * direct
        with pytest.raises(NoConvergence):
            _bulk._hyper([1], [2, 3], -1)


@pytest.mark.parametrize("d,alpha,dps", [(0, 0.5, 30), (2.5, 0.5, 30), (10, -0.1, 30), (10, 0.5, 3)])
def test_bulk_trace_refuses_bad_input(d, alpha, dps):
    with pytest.raises(InvalidArgument):
        bulk_trace(d, alpha, dps=dps)


def test_a_mutated_trace_is_the_trace_at_the_moved_alpha():
    h = BulkTrace(alpha_shift=1 / 9)({"d": 1000, "alpha": 5 / 9}, dps=20)[0]
    assert abs(h - bulk_trace(1000, 6 / 9, dps=20)) < 1e-13 * h and "1/9" in str(BulkTrace(1 / 9).expression())


@pytest.mark.parametrize("c,z2,d,p", [(1.0, 72.0, 400, 1), (5.0, 143.0, 1000, 1), (2.0, 10.0, 9, 2)])
def test_spike_moment_is_the_beta_expectation(c, z2, d, p):
    """E[omega^2 (c + zeta^2 omega^2)^(-p)] with omega^2 ~ Beta(1/2, (d-1)/2), by quadrature of the density."""
    with mpmath.workdps(30):
        a, b = mpmath.mpf(1) / 2, mpmath.mpf(d - 1) / 2
        density = lambda x: x ** (a - 1) * (1 - x) ** (b - 1) / mpmath.beta(a, b)  # noqa: E731
        quad = mpmath.quad(lambda x: x * (c + z2 * x) ** (-p) * density(x), [0, 1 / mpmath.mpf(d), 1])
    sym = {name: sp.Symbol(name, positive=True) for name in ("c", "zeta2", "p")}
    at = {sym["c"]: c, sym["zeta2"]: z2, sym["p"]: p, sp.Symbol("d", positive=True, integer=True): d}
    assert abs(evaluate(spike_moment_expr(), at, dps=25) - quad) < 1e-18 * quad


def test_noise_law_limits_and_ordering():
    b, tau = sp.Symbol("b", positive=True), sp.Symbol("tau", positive=True)
    weak = {sp.Symbol("zeta2", positive=True): 0}
    assert sp.simplify(sp.hyperexpand(noise_law_expr(1).subs(weak)) - sp.sqrt(b / (b + tau**2))) == 0
    assert sp.simplify(sp.hyperexpand(noise_law_expr(2).subs(weak)) - b / (b + tau**2)) == 0
    values = {"n": 300, "d": 400, "nu": 0.375, "alpha": 0.0}
    laws = [float(noise_law(values, t)) for t in (0.5, 1.0, 2.0)]
    assert laws == sorted(laws, reverse=True) and 0 < laws[-1] < 1
    # neurons with a larger omega weigh more and have a larger scale: R lies between the law at the typical
    # scale s^2 = 1 + zeta^2/d and at the size-biased one 1 + 3 zeta^2/d
    z2d = 300**0.75 / 400
    for t, r in zip((0.5, 1.0, 2.0), laws):
        assert np.sqrt((1 + z2d) / (1 + z2d + t**2)) < r < np.sqrt((1 + 3 * z2d) / (1 + 3 * z2d + t**2))


def test_noise_law_prediction_and_its_errors():
    values = {**SMALL, "nu": 0.375, "alpha": 0.0, "tau": (0.5, 2.0)}
    ranges = NoiseLaw((0.05, 0.15))(values, dps=20)
    for (lo, hi), t in zip(ranges, (0.5, 2.0)):
        r = float(noise_law(values, t))
        assert lo == pytest.approx(0.95 * r) and hi == pytest.approx(1.15 * r)
    for allowance in ((-0.1, 0.1), (1.0, 0.1), (0.1, -0.1)):
        with pytest.raises(InvalidArgument, match="allowance"):
            NoiseLaw(allowance)
    for power in (0, True, 1.5):
        with pytest.raises(InvalidArgument, match="power"):
            NoiseLaw((0.05, 0.15), power=power)
    for taus in ((0.0,), (), (1.0, -1.0)):
        with pytest.raises(InvalidArgument, match="tau"):
            NoiseLaw((0.05, 0.15))({**values, "tau": taus}, dps=20)


def test_fluctuation_ratio_follows_its_leading_order():
    """phi^2 ~ (1 + Var r / rbar^2) pi d s^2 / (2 n zeta^2) when zeta^2 omega^2 is small against s^2 (large d)."""
    values = {"n": 100, "d": 100_000, "nu": 0.25, "alpha": 0.0, "target_mean": 2.0}
    var_r = 1 + (1 + 10 / 100_000) * (np.pi - 1) / (2 * np.pi)
    leading = np.sqrt((1 + var_r / 4) * np.pi * 100_000 / (2 * 100 * 10))
    assert float(fluctuation_ratio(values)) == pytest.approx(leading, rel=1e-3)
    claim = {**SMALL, "nu": 0.375, "alpha": 0.0, "target_mean": 2.0}
    phis = [float(fluctuation_ratio(claim, t)) for t in (0.0, 1.0, 2.0)]
    assert phis == sorted(phis)
    with pytest.raises(InvalidArgument, match="target_mean"):
        fluctuation_ratio({**claim, "target_mean": 0.0})


def test_the_noise_allowance_covers_the_derived_fluctuation_bias():
    """The rationale of NOISE_ALLOWANCE: the bias sqrt((1 + phi(tau)^2)/(1 + phi(0)^2)) at the claim's values, plus
    3% for the terms the law neglects, fits the upper end; the fall 1 - 1/sqrt(1 + phi(0)^2) fits the lower."""
    values = CLAIMS["lowrank.input_noise.law.relu"].values
    lower, upper = coverage.NOISE_ALLOWANCE
    phi0 = float(fluctuation_ratio(values, 0.0))
    for t in values["tau"]:
        assert np.sqrt((1 + float(fluctuation_ratio(values, t)) ** 2) / (1 + phi0**2)) - 1 + 0.03 <= upper
    assert 1 - 1 / np.sqrt(1 + phi0**2) <= lower


def test_s2_size_is_the_note_s_formula():
    rng = np.random.default_rng(3)
    omega, s = rng.standard_normal(40) / 20, 1 + rng.random(40)
    kw = {"gamma": 0.1, "zeta": 5.0, "rbar": -2.0, "omega": omega, "s": s}
    drift = 0.1 * 25 * 2 * np.linalg.norm(omega / (s * np.sqrt(2 * np.pi)))
    assert S2Size().drift(**kw) == pytest.approx(drift, rel=1e-13)
    assert S2Size(spike_power=1).drift(**kw) == pytest.approx(drift / 5, rel=1e-13)
    assert S2Size(moment="mean_derivative").drift(**kw) == pytest.approx(0.1 * 25 * 2 * np.linalg.norm(omega) / 2)
    fluctuation = S2Size().fluctuation(gamma=0.1, zeta=5.0, n=300, rms=2.5, s=s)
    assert fluctuation == pytest.approx(0.1 * 5 * 2.5 * np.sqrt(40 / (4 * 300)), rel=1e-13)


def test_s2_size_refuses_bad_input():
    for kw in ({"spike_power": 0}, {"spike_power": True}):
        with pytest.raises(InvalidArgument, match="spike_power"):
            S2Size(**kw)
    for kw in ({"activation": "nope"}, {"moment": "third"}):
        with pytest.raises(UnknownName):
            S2Size(**kw)
    size = S2Size()
    for omega, s in (([0.1, 0.2], [1.0]), ([], []), ([0.1], [0.0]), ([np.nan], [1.0])):
        with pytest.raises(InvalidArgument):
            size.drift(gamma=1.0, zeta=1.0, rbar=1.0, omega=omega, s=s)
    with pytest.raises(InvalidArgument, match="n"):
        size.fluctuation(gamma=1.0, zeta=1.0, n=0, rms=1.0, s=[1.0])


# -- numerics: estimators --------------------------------------------------------------------------------------------

def test_bulk_trace_mc_is_unbiased_with_the_closed_form_spread():
    values, n = {"d": 30, "alpha": 8 / 9}, 40_000
    est = BulkTraceMC(chunk=1 << 12)(values, rng=np.random.default_rng(7), n=n)
    predicted = BulkTrace()(values, dps=20)
    for v, se, p, var in zip(est.value, est.std_error, predicted, bulk_trace_variances(30, 8 / 9)):
        assert abs(v - float(p)) < 5 * se
        assert se * np.sqrt(n) == pytest.approx(float(mpmath.sqrt(var)), rel=0.05)


def _problem(**extra):
    return Setup("relu", "sphere").problem({**SMALL, "nu": 0.375, "alpha": 0.0, "target_mean": 2.0, "seed": 5,
                                            **extra})


def test_s2_norm_holds_the_mean_residual_where_asked():
    problem = _problem()
    data = problem.data
    norm, rbar = s2_norm(problem, data.X_B, data.bulk)
    assert norm > 0 and rbar == pytest.approx(float(np.mean(problem.network.output(data.X) - problem.y)))
    assert s2_norm(problem, data.X_B, data.bulk, -2.0)[1] == pytest.approx(-2.0, abs=1e-12)
    logistic = Setup("relu", "sphere", loss="logistic").problem({**SMALL, "nu": 0.375, "seed": 5})
    with pytest.raises(InvalidArgument, match="loss"):
        s2_norm(logistic, logistic.data.X_B, logistic.data.bulk, -2.0)


def test_noise_ratio_is_one_without_noise_and_falls_with_tau():
    values = {**SMALL, "nu": 0.375, "alpha": 0.0, "target_mean": 2.0, "tau": (1e-9, 0.5, 1.0, 2.0)}
    ratios = NoiseSpikeRatio(Setup("relu", "sphere")).ratios(values, 11)
    assert ratios[0] == pytest.approx(1.0, abs=1e-6)
    assert list(ratios) == sorted(ratios, reverse=True)


def test_a_drift_linear_in_zeta_multiplies_the_ratio_by_zeta():
    values = {**SMALL, "nu": 0.375, "alpha": 0.0, "target_mean": 2.0}
    right = DriftRatio(Setup("relu", "sphere")).ratios(values, 4)
    wrong = DriftRatio(Setup("relu", "sphere"), S2Size(spike_power=1)).ratios(values, 4)
    assert wrong[0] == pytest.approx(right[0] * 300**0.375, rel=1e-12)


def test_estimators_refuse_bad_input():
    with pytest.raises(InvalidArgument, match="loss"):
        NoiseSpikeRatio(Setup("relu", loss="logistic"))
    with pytest.raises(InvalidArgument, match="activation"):
        DriftRatio(Setup("tanh"), S2Size("relu"))
    noise = NoiseSpikeRatio(Setup("relu", "sphere"))
    values = {**SMALL, "nu": 0.375, "alpha": 0.0, "target_mean": 2.0, "tau": (1.0,)}
    rng = np.random.default_rng(0)
    with pytest.raises(InvalidArgument, match="target_mean"):
        noise({**values, "target_mean": 0.0}, rng=rng, n=4)
    with pytest.raises(InvalidArgument, match="tau"):
        noise({**values, "tau": (0.0,)}, rng=rng, n=4)
    for n in (1, True, 2.5):
        with pytest.raises(InvalidArgument, match="draws"):
            noise(values, rng=rng, n=n)
        with pytest.raises(InvalidArgument, match="draws"):
            DriftRatio(Setup("relu", "sphere"))(values, rng=rng, n=n)
    with pytest.raises(InvalidArgument, match="alpha"):
        BulkTraceMC()({"d": 10, "alpha": -1.0}, rng=rng, n=10)


# -- verify: the claims ----------------------------------------------------------------------------------------------

def test_the_claims_are_well_formed_and_derived():
    assert tuple(CLAIMS) == IDS
    for claim in CLAIMS.values():
        assert claim.provenance.source == "derived" and claim.provenance.arxiv == "2510.01303"
        where = "section 3.3" if ".s12_response." in claim.id else "section 6 item"  # S12's mechanism: no item
        assert where in claim.provenance.note and claim.title and claim.assumptions and claim.formula()
        for name, p in claim.parameters.items():
            p.domain.validate(name, p.value)
    assert CLAIMS["lowrank.input_noise.law.relu"].values["tau"] == coverage.NOISE_TAUS


@pytest.mark.parametrize("claim_id", IDS[:2])
def test_trace_claims_pass_and_alpha_off_by_a_ninth_fails_on_their_evidence(claim_id):
    claim = CLAIMS[claim_id]
    verdict = _check(claim)
    assert verdict.outcome == verify.PASS, verdict.reason
    last = verdict.comparison
    for shift in (1 / 9, -1 / 9):
        wrong = BulkTrace(alpha_shift=shift)(claim.values, dps=claim.dps)
        again = compare(wrong, last.estimate, resolution=claim.resolution, alpha=last.alpha, beta=last.beta,
                        dps=claim.dps)
        assert decide(again) == verify.FAIL


def test_alpha_off_by_a_ninth_fails_when_checked_from_scratch():
    claim = CLAIMS["lowrank.bulk.trace.alpha5_9"]
    assert _check(dataclasses.replace(claim, prediction=BulkTrace(alpha_shift=1 / 9))).outcome == verify.FAIL


def test_noise_law_claim_passes_and_the_squared_law_fails_on_its_evidence():
    claim = CLAIMS["lowrank.input_noise.law.relu"]
    verdict = _check(claim)
    assert verdict.outcome == verify.PASS, verdict.reason
    last = verdict.comparison
    squared = NoiseLaw(coverage.NOISE_ALLOWANCE, power=2)(claim.values, dps=claim.dps)
    again = compare_interval(squared, last.estimate, alpha=last.alpha, beta=last.beta, resolution=claim.resolution)
    assert again.significant  # the intervals that fit s/sqrt(s^2 + tau^2) miss s^2/(s^2 + tau^2)
    assert [u < lo for (lo, _), u in zip(squared, again.upper)][1:] == [False, False]
    assert [l_ > hi for (_, hi), l_ in zip(squared, again.lower)][1:] == [True, True]


@pytest.mark.slow
def test_the_squared_law_fails_when_checked_from_scratch():
    claim = CLAIMS["lowrank.input_noise.law.relu"]
    wrong = dataclasses.replace(claim, prediction=NoiseLaw(coverage.NOISE_ALLOWANCE, power=2))
    assert _check(wrong).outcome == verify.FAIL


def test_a_drift_linear_in_zeta_fails_at_small_sizes():
    claim = CLAIMS["lowrank.s2_drift.relu.nu3_8"].with_values(**SMALL)
    wrong = dataclasses.replace(claim, n_start=16, estimator=DriftRatio(Setup("relu", "sphere"), S2Size(spike_power=1)))
    assert _check(wrong).outcome == verify.FAIL


@pytest.mark.slow
@pytest.mark.parametrize("claim_id", IDS[3:5])
def test_drift_claims_pass_and_wrong_drift_formulas_fail(claim_id):
    """About 12 s per check at the paper's sizes: the claim PASSes; a drift linear in zeta and one with mu =
    E sigma'(sZ) = 1/2 in place of E sigma''(sZ) = 1/(s sqrt(2 pi)) FAIL."""
    claim = CLAIMS[claim_id]
    assert _check(claim).outcome == verify.PASS
    for size in (S2Size(spike_power=1), S2Size(moment="mean_derivative")):
        wrong = dataclasses.replace(claim, estimator=DriftRatio(Setup("relu", "sphere"), size))
        assert _check(wrong).outcome == verify.FAIL


# --- the interpolant's mechanism: z^T r ~ zeta c ||z||^2 -----------------------------------------------------------

def test_interpolant_response_recovers_the_first_order_slope_and_rejects_a_doubled_response():
    """At small sizes the slope is already near 1 (0.89 +- 0.05 at (300, 400, 500), nu = 3/8); a theory that counted
    the response twice (beta = 2) is far outside the interval. Same generator, same numbers."""
    from numerics.lowrank import InterpolantResponse

    values = {"n": 200, "d": 260, "m": 330, "nu": 0.375, "alpha": 0.0, "target_mean": 0.0}
    est = InterpolantResponse(Setup("relu", "sphere"))
    first = est(values, rng=np.random.default_rng(3), n=40)
    again = est(values, rng=np.random.default_rng(3), n=40)
    assert first.value == again.value and first.dof == 39
    beta, se = first.value[0], first.std_error[0]
    assert 0.6 < beta < 1.2 and abs(beta - 2) > 8 * se
    with pytest.raises(InvalidArgument, match="n"):
        est(values, rng=np.random.default_rng(0), n=2)


def test_the_response_claim_is_in_the_papers_setting_and_its_range_excludes_a_doubled_or_absent_response():
    claim = verify.get("lowrank.s12_response.relu.nu3_8")
    assert (claim.values["n"], claim.values["d"], claim.values["m"], claim.values["target_mean"]) == (750, 1000,
                                                                                                      1250, 0.0)
    (lo, hi), = claim.prediction(claim.values, dps=15)
    assert lo < 1 < hi and not lo <= 2 <= hi and not lo <= 0 <= hi
    assert claim.provenance.source == "derived" and "after a pilot" in claim.provenance.note
