"""Covers the independence of every registered claim's evidence (verify/_claim.py ``route``, verify/_protocols.py
``ROUTES``): no claim scores a closed form against itself.

* every claim declares how its estimate is independent of its prediction (simulation, quadrature, a second code
  path, or an implementation identity, which the reports group apart);
* a paper-tagged claim is never checked by our own formula alone: its route is a simulation or a quadrature;
* the theory functions the prediction evaluates and those the estimator evaluates share no closed form
  (traced with ``sys.setprofile``), unless the claim is an implementation identity. What both routes may share
  is named below with the reason: the definitions (activations, validators, the Gaussian integrand built from an
  activation) and the problem's setting (a teacher's balanced minimum is where a simulation starts, not the
  formula it checks);
* the estimate of a paper's statement evaluates none of the theory's closed forms, beyond that shared setting.
  (Other claims may compare a simulation with a formula inside the estimator, a ratio measured/predicted at
  each draw's own quantities; the formula is then a field of the estimator, so a mutation can reach it.)

Tracing runs each estimator once at its first look's sample size. The default run traces a sample of claims per
pack (``SAMPLE_PER_PACK``, chosen by ``VERIFY_BATTERY_SEED``, default 0, so CI rotates it by setting the
variable); ``pytest -m slow`` traces every claim.
"""

import dataclasses
import os
import random
import sys

import numpy as np
import pytest

import numerics

import verify

from .test_battery import CLAIMS, DECLARED_BY, SLOW_CLAIMS

#: Theory modules that hold definitions and checks, not closed forms: both routes may call them.
DEFINITIONS = ("theory._activation", "theory._activations", "theory._activation_catalogue", "theory._derivatives",
               "theory._domain", "theory._errors", "theory._evaluate", "theory._vectorised", "theory._matrices",
               "theory._formula_parse", "theory._moved")
#: Numerical engines that live in theory (not closed forms): both routes may integrate with them, as long as
#: the integrands differ (the Hermite coefficient of sigma against Stein's identity on sigma').
TOOLS = ("theory._hermite_quad",)
#: Theory functions that build a problem's setting (both routes start from it; neither checks it).
SETTING = {
    "theory._gaussian.gaussian_integrand": "the integrand E[g(sZ)] built from the activation's definition",
    "theory.fluct._two_layer._teacher": "the teacher matrix of the two-layer setting",
    "theory.fluct._two_layer._weights": "validation of a weight pair",
    "theory.fluct._two_layer.balanced_minimum": "the balanced minimum the SGD chain starts from",
    "theory.fluct._two_layer.BalancedMinimum.__iter__": "unpacking the balanced minimum",
    "theory.fluct._two_layer.__create_fn__.<locals>.__init__": "a dataclass constructor",
    "theory.fluct._noise.__create_fn__.<locals>.__init__": "a dataclass constructor",
    "theory.fluct._noise._design": "the random design X the data are drawn from",
    "theory._gaussian._check_quantity": "argument check of a Gaussian moment's name",
    "theory._gaussian._closed": "mu = E sigma'(sZ), the centring of sigma' that defines the decomposition measured",
    "theory._hermite.hermite_coefficient_expr": "the same centring, through the Hermite coefficient c_1",
    "theory._hermite._gauss_weighted": "the same centring (a Gaussian integral inside c_1)",
    "theory._hermite._phi_cdf": "the same centring (the normal CDF inside c_1)",
    "theory._hermite.check_order": "argument check", "theory.sloppy._bhattacharyya._sigma2": "argument check",
    "theory.fluct._predictions.correlated_covariance": "the input covariance the samples are drawn from",
    "theory.fluct._two_layer.bottleneck_problem": "the bottleneck minimum the noise is measured at",
    "theory.fluct._two_layer.conserved": "the conserved quantity whose drift is measured",
    "theory.fluct._ivfr.flatness": "Feng-Tu flatness, the definition of the quantity on the x-axis of the fit",
    "theory.fluct._ivfr._above_one": "argument check",
    "theory.sloppy._ensemble.check_spectrum": "argument check", "theory.sloppy._ensemble.check_step": "argument check",
    "theory.sloppy._ensemble.geometric_spectrum": "the design's eigenvalues e^(-c k), the setting",
    "theory.sloppy._predictions.ground_truth": "the ground truth w* of the setting",
    "theory.sloppy._predictions.spectrum_of": "the eigenvalues of the setting's design",
    "theory.sloppy._predictions.sgd_components": "how the components are arranged (means, then a triangle)",
    "theory.wd._closed_forms.check_decay_step": "argument check (c_reg eta lambda < 1)",
    "theory.wd._closed_forms.check_regulariser": "argument check (lambda > 0, c_reg in {1, 2})",
    "theory._gaussian._structural": "whether a moment is a structural zero (parity), used to build the setting",
    "theory.fluct._two_layer.jacobian": "the Jacobian at the minimum, whose range the fluctuations are measured in",
    "theory.fluct._two_layer.range_projector": "the projector onto that range (which directions are measured)",
}
#: Routes by which a paper's statement may be checked: evidence from outside our formulas.
PAPER_ROUTES = ("simulation", "quadrature")

SAMPLE_PER_PACK = 2
SEED = int(os.environ.get("VERIFY_BATTERY_SEED", "0"))


#: Functions that choose between routes (their branches share nothing) or check arguments.
DISPATCHERS = {
    "theory._dual_kernel.dual_kernel": "returns the closed form or, with method='series', the Hermite series",
    "theory._dual_kernel.DualKernel.values": "the same choice, per correlation of the claim's grid",
    "theory.sloppy._toeplitz.toeplitz_symbol": "the Poisson (sech) sum or, with route='fourier', the Fourier series",
    "theory._dual_kernel._check_derivative": "argument check",
    "theory._coefficients.check_dps": "argument check", "theory._coefficients.check_scale": "argument check",
    "theory._coefficients.parameter_values": "an activation's parameters as numbers",
    "theory._coefficients.split_parameters": "the scales apart from an activation's parameters",
}
_PLUMBING = ("__init__", "__iter__", "__post_init__", "__hash__", "__eq__", "<genexpr>", "<listcomp>", "<lambda>",
             "<dictcomp>", "<setcomp>")


def _closed_form(name: str) -> bool:
    if name in SETTING or name in DISPATCHERS or name.endswith(_PLUMBING) or "__create_fn__" in name:
        return False
    module = ".".join(p for p in name.split(".<locals>")[0].split(".") if not p[:1].isupper())
    module = module.rsplit(".", 1)[0]
    return module not in DEFINITIONS and module not in TOOLS


def traced(fn) -> set[str]:
    """The ``theory`` functions ``fn()`` calls (module.qualname)."""
    seen: set[str] = set()

    def profile(frame, event, arg):
        if event == "call":
            module = frame.f_globals.get("__name__", "")
            if module == "theory" or module.startswith("theory."):
                seen.add(f"{module}.{frame.f_code.co_qualname}")

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(previous)
    return seen


def _sample(claims, per_pack: int, seed: int):
    by_pack: dict[str, list] = {}
    for c in claims:
        if c.id not in SLOW_CLAIMS:
            by_pack.setdefault(DECLARED_BY[c.id].name, []).append(c)
    rnd = random.Random(seed)
    return {c.id for cs in by_pack.values() for c in rnd.sample(cs, min(per_pack, len(cs)))}


SAMPLED = _sample(CLAIMS, SAMPLE_PER_PACK, SEED)


def _traced_params():
    return [pytest.param(c, id=c.id, marks=() if c.id in SAMPLED else (pytest.mark.slow,)) for c in CLAIMS]


@pytest.mark.parametrize("claim", CLAIMS, ids=[c.id for c in CLAIMS])
def test_every_claim_declares_its_route(claim):
    assert claim.route in verify.ROUTES, f"{claim.id}: estimator {type(claim.estimator).__name__} declares no route"
    if claim.provenance.source == "paper":
        assert claim.route in PAPER_ROUTES, f"{claim.id} is the paper's statement checked by {claim.route}"


def test_implementation_identities_are_grouped_apart():
    identities = [c.id for c in CLAIMS if c.checks_implementation]
    assert all(i.startswith("lowrank.identity.") for i in identities if i.startswith("lowrank."))
    assert {c.id for c in verify.select("lowrank.identity.*")} <= set(identities)


def _closed_forms(claim) -> tuple[set[str], set[str]]:
    """The closed forms the prediction evaluates, and those the estimator evaluates at its first look."""
    predicted = {f for f in traced(lambda: claim.prediction(claim.values, dps=claim.dps)) if _closed_form(f)}
    rng = np.random.default_rng(0)
    used = {f for f in traced(lambda: claim.estimator(claim.values, rng=rng, n=claim.n_start, dps=claim.dps))
            if _closed_form(f)}
    return predicted, used


@pytest.mark.parametrize("claim", _traced_params())
def test_the_estimator_evaluates_no_closed_form_of_the_prediction(claim):
    predicted, used = _closed_forms(claim)
    if claim.checks_implementation:
        return
    assert not predicted & used, f"{claim.id}: the estimator evaluates the prediction's {sorted(predicted & used)}"
    if claim.provenance.source == "paper":
        assert not used, f"{claim.id}: the paper's statement checked by a {claim.route} that evaluates the theory's " \
                         f"closed forms {sorted(used)}"


def test_a_self_scoring_estimator_is_caught():
    """The check can fail: the same claim with an estimator that evaluates the prediction's closed form (and wraps
    it as an estimate) shares closed forms with it; the real Monte Carlo estimator shares none."""
    claim = verify.get("gauss.relu.mean_derivative.mc")

    def self_scoring(values, *, rng, n, dps):
        return numerics.Estimate(tuple(claim.prediction(values, dps=dps)), std_error=(1e-3,) * 3, n_samples=n)

    predicted, used = _closed_forms(dataclasses.replace(claim, estimator=self_scoring, n_start=16))
    assert predicted & used and predicted, sorted(predicted)
    predicted, used = _closed_forms(dataclasses.replace(claim, n_start=16))
    assert predicted and not predicted & used
    assert _SAMPLE_IS_ROTATED


_SAMPLE_IS_ROTATED = _sample(CLAIMS, SAMPLE_PER_PACK, SEED) != _sample(CLAIMS, SAMPLE_PER_PACK, SEED + 1)
