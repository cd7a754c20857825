"""Covers numerics/lowrank/_identities.py, numerics/lowrank/_gradients.py, numerics/_finite_difference.py and
numerics/lowrank/_mc.py: exact identities within their rounding bounds (and a planted error caught),
high-precision finite differences, and the low-rank Monte Carlo estimators (seeded, within standard errors)."""

import dataclasses

import mpmath
import numpy as np
import pytest

import numerics
import numerics.lowrank._identities as identities
import theory
from numerics.lowrank import GradientCheck, IdentityCheck, Setup

EPS = np.finfo(float).eps
SMALL = {"n": 20, "d": 7, "m": 9, "nu": 0.25, "alpha": 0.0, "seed": 0}
TINY = {"n": 6, "d": 3, "m": 4, "nu": 0.25, "alpha": 0.0, "seed": 1}


def _rng(seed=0):
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(23,)))


def _setup_for(name, activation="tanh"):
    if name == "linear":
        return Setup(activation="identity")
    if name == "no_spike":
        return Setup(activation=activation, spike=False)
    return Setup(activation=activation)


# ----------------------------------------------------------------------------------------------- identities

@pytest.mark.parametrize("name", list(numerics.lowrank.IDENTITIES))
@pytest.mark.parametrize("activation,mu", [("tanh", "population"), ("relu", "empirical")])
def test_identity_residuals_are_below_their_rounding_bounds(name, activation, mu):
    setup = dataclasses.replace(_setup_for(name, activation), mu=mu)
    est = IdentityCheck(setup, name)(SMALL)
    assert not est.statistical
    assert len(est.value) == identities.COMPONENTS[name]
    assert all(v <= b for v, b in zip(est.value, est.bound))
    # the a-priori float64 bounds are small: depth n + d + m + 10 = 46 times u times a magnitude of order ||G||
    assert all(b < 5e-11 for b in est.bound)


def test_a_planted_error_in_the_interpolant_is_detected(monkeypatch):
    """Scale S12 by 1 + 1e-8 in the reference route: the ``sum`` and ``fast`` residuals must exceed their bounds."""
    original = identities.reference_decomposition

    def broken(*args, **kwargs):
        ref = original(*args, **kwargs)
        return dataclasses.replace(ref, S12=ref.S12 * (1 + 1e-8))

    monkeypatch.setattr(identities, "reference_decomposition", broken)
    values = SMALL | {"nu": 0.5}  # a visible interpolant: ||S12|| / ||G|| = O(1e-2), so the error is ~1e-10 >> bound
    s = IdentityCheck(Setup(activation="tanh"), "sum")(values)
    assert s.value[0] > s.bound[0]
    fast = IdentityCheck(Setup(activation="tanh"), "fast")(values)
    # components G, S1, S12, S2, E: only S12 is off, and by 1e-8 relative
    assert fast.value[2] == pytest.approx(1e-8 / (1 + 1e-8), rel=1e-4) and fast.value[2] > fast.bound[2]
    assert all(v <= b for i, (v, b) in enumerate(zip(fast.value, fast.bound)) if i != 2)


def test_rounding_bound_is_gamma_k_times_the_magnitude():
    u = EPS / 2
    assert numerics.rounding_bound(10, 3.0) == pytest.approx(10 * u / (1 - 10 * u) * 3.0, rel=1e-15)
    assert numerics.rounding_bound(0, 5.0) == 0.0


def test_special_case_identities_refuse_the_wrong_setup():
    with pytest.raises(theory.InvalidArgument, match="`activation`"):
        IdentityCheck(Setup(activation="tanh"), "linear")(SMALL)
    with pytest.raises(theory.InvalidArgument, match="`zeta`"):
        IdentityCheck(Setup(activation="tanh"), "no_spike")(SMALL)


def test_unknown_identity_is_refused():
    with pytest.raises(theory.InvalidArgument, match="`identity`"):
        IdentityCheck(Setup(), "associativity")


def test_exact_identity_predicts_zeros():
    pred = numerics.ExactIdentity(3, "S2 = E = 0 and G = (gamma/n) X^T r a^T")
    assert pred(SMALL, dps=30) == (0, 0, 0)
    assert pred.expression() == "S2 = E = 0 and G = (gamma/n) X^T r a^T"


def test_identity_checks_are_deterministic():
    a = IdentityCheck(Setup(), "norms")(SMALL)
    b = IdentityCheck(Setup(), "norms")(SMALL)
    assert a == b


# ------------------------------------------------------------------------------------- finite differences

def test_finite_differences_of_a_cubic_are_exact_within_the_bound():
    W = _rng(1).standard_normal((3, 4))
    grad, bound = numerics.finite_difference_gradient(lambda Wm: (Wm**3).sum(), W)
    assert grad.shape == bound.shape == (4, 3)
    with mpmath.workdps(50):
        exact = np.vectorize(lambda w: float(3 * mpmath.mpf(w) ** 2))(W).T  # correctly rounded 3 w^2
    assert np.all(np.abs(grad - exact) <= bound)
    # the mpmath part of the bound (Richardson difference 3h^2/4 and the 10^(1-dps) rounding) is below 1e-20
    # relative; the code then adds eps |grad| for the final rounding to float64
    assert np.all(bound <= (EPS + 1e-20) * np.abs(grad))


def test_finite_differences_of_a_transcendental_function():
    W = _rng(2).standard_normal((2, 3))
    sin = np.vectorize(mpmath.sin, otypes=[object])
    grad, bound = numerics.finite_difference_gradient(lambda Wm: (sin(Wm) * Wm).sum(), W)
    with mpmath.workdps(50):
        def derivative(w):  # d/dw (w sin w) = sin w + w cos w
            w = mpmath.mpf(w)
            return float(mpmath.sin(w) + w * mpmath.cos(w))

        exact = np.vectorize(derivative)(W).T
    assert np.all(np.abs(grad - exact) <= bound)
    assert np.all(bound <= (EPS + 1e-20) * np.abs(grad))


def test_finite_differences_need_digits_beyond_float64():
    with pytest.raises(theory.InvalidArgument, match="`dps`"):
        numerics.finite_difference_gradient(lambda Wm: (Wm**2).sum(), np.ones((2, 2)), dps=20)


# -------------------------------------------------------------------------------------- gradient checks

@pytest.mark.parametrize("what,setup", [
    ("weight_decay", Setup(activation="tanh")),
    ("loss", Setup(activation="tanh")),
    ("loss", Setup(activation="gelu", loss="logistic")),
    ("jacobian", Setup(activation="tanh")),
    ("input_noise_expected", Setup(activation="tanh")),
])
def test_closed_form_gradients_match_high_precision_finite_differences(what, setup):
    est = GradientCheck(setup, what)(TINY)
    assert est.value[0] <= est.bound[0]
    assert est.bound[0] < 1e-10


def test_weight_decay_check_is_exact():
    # grad of ||W||^2/2 is W^T; the Richardson differences of a quadratic are exact, so the residual is 0
    est = GradientCheck(Setup(), "weight_decay")(TINY)
    assert est.value[0] <= est.bound[0] and est.value[0] < 1e-15


def test_gradient_check_refuses_unknown_gradients_and_non_mse_input_noise():
    with pytest.raises(theory.InvalidArgument, match="`what`"):
        GradientCheck(Setup(), "hessian")
    with pytest.raises(theory.InvalidArgument, match="`loss`"):
        GradientCheck(Setup(loss="logistic"), "input_noise_expected")(TINY)


# ------------------------------------------------------------------------------------------ Monte Carlo

def test_gaussian_moments_mc_matches_relu_closed_forms():
    scales = (0.5, 2.0)
    quantities = ("mean_derivative", "variance_derivative", "mean_second_derivative")
    est = numerics.lowrank.GaussianMomentsMC("relu", quantities)({"s": scales}, rng=_rng(3), n=40_000)
    # relu: E sigma' = 1/2, Var sigma' = 1/4, E sigma'' = 1/(s sqrt(2 pi)) (our note, section 3.4 table)
    exact = [0.5, 0.5, 0.25, 0.25] + [1 / (s * np.sqrt(2 * np.pi)) for s in scales]
    assert len(est.value) == 6 and est.n_samples == 40_000
    assert all(abs(v - e) <= 5 * se for v, e, se in zip(est.value, exact, est.std_error))


def test_gaussian_moments_mc_same_seed_same_estimate():
    mc = numerics.lowrank.GaussianMomentsMC("relu", ("mean_derivative",))
    a = mc({"s": (1.0,)}, rng=_rng(4), n=5_000)
    b = mc({"s": (1.0,)}, rng=_rng(4), n=5_000)
    assert a == b and a.seed == (4, 23)
    assert mc({"s": (1.0,)}, rng=_rng(5), n=5_000).value != a.value


def test_gaussian_moments_mc_refuses_unknown_quantities():
    with pytest.raises(theory.InvalidArgument, match="`quantity`"):
        numerics.lowrank.GaussianMomentsMC("relu", ("mean", "kurtosis"))


POP = {"n": 10, "d": 4, "m": 3, "nu": 0.4, "alpha": 0.5, "seed": 2}


def test_population_mu_mc_is_reproducible_and_agrees_with_the_prediction():
    mc = numerics.lowrank.PopulationMuMC(Setup(activation="erf"))
    a = mc(POP, rng=_rng(6), n=20_000)
    b = mc(POP, rng=_rng(6), n=20_000)
    assert a == b and len(a.value) == POP["m"]
    predicted = numerics.lowrank.PopulationMu(Setup(activation="erf"))(POP, dps=20)
    assert all(abs(v - float(p)) <= 5 * se for v, p, se in zip(a.value, predicted, a.std_error))


def test_empirical_residue_spike_mc_agrees_with_the_prediction():
    """E||mu_hat||^2 = ||mu||^2 + (1/n) sum_j Var sigma'(s_j Z) over fresh datasets (module docstring)."""
    setup = Setup(activation="erf")
    est = numerics.lowrank.EmpiricalResidueSpikeMC(setup)(POP, rng=_rng(7), n=300)
    predicted = float(numerics.lowrank.EmpiricalResidueSpike(setup)(POP, dps=20)[0])
    assert abs(est.value[0] - predicted) <= 5 * est.std_error[0]
    assert est == numerics.lowrank.EmpiricalResidueSpikeMC(setup)(POP, rng=_rng(7), n=300)
