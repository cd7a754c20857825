"""Covers numerics/_formula_estimators.py: formula-driven Gaussian expectations and gradient-norm statistics."""

import math

import numpy as np
import pytest

from numerics.lowrank import GRADIENT_NORMS, GradientNorms, Setup
from numerics import FormulaExpectationMC, FormulaExpectationQuad
from numerics._arrays import draw_seeds
from theory import InvalidArgument, NoConvergence, VerifierError, parse_formula


def _f(text, *extra):
    return parse_formula(text, ["s", "Z", *extra])


def test_monte_carlo_and_quadrature_agree_with_the_closed_form():
    integrand = _f("max(s*Z, 0)^2")
    mc = FormulaExpectationMC(integrand)({"s": (1.0, 2.0)}, rng=np.random.default_rng(0), n=200_000)
    quad = FormulaExpectationQuad(integrand, breakpoints=(0.0,))({"s": (1.0, 2.0)}, dps=20)
    for k, s in enumerate((1.0, 2.0)):
        assert abs(mc.value[k] - s * s / 2) < 5 * mc.std_error[k]
        assert abs(float(quad.value[k]) - s * s / 2) < 1e-15 and quad.bound[k] < 1e-15


def test_same_seed_same_estimate():
    est = lambda: FormulaExpectationMC(_f("cos(s*Z)"))({"s": 1.0}, rng=np.random.default_rng(5), n=1000)  # noqa: E731
    assert est() == est()


def test_a_non_finite_integrand_does_not_converge_and_says_where():
    with pytest.raises(NoConvergence, match="log\\(Z\\)"):
        FormulaExpectationMC(_f("log(Z)"))({"s": 1.0}, rng=np.random.default_rng(0), n=100)


def test_integrands_must_be_declared_over_z():
    with pytest.raises(InvalidArgument, match="integrand"):
        FormulaExpectationMC(parse_formula("s", ["s"]))


def test_gradient_norms_are_the_mean_over_draws_of_each_draws_decomposition():
    values = {"n": 60, "d": 80, "m": 100, "nu": 0.0}
    est = GradientNorms(parse_formula("S2/S1", list(GRADIENT_NORMS)), Setup("relu"))(
        values, rng=np.random.default_rng(2), n=3)
    assert est.dof == 2 and est.n_samples == 3
    ratios = []
    for seed in draw_seeds(np.random.default_rng(2), 3):  # the seeds the estimator draws, in order
        dec = Setup("relu").problem({**values, "seed": seed}).decomposition(k=2)
        ratios.append(np.linalg.norm(dec.S2) / np.linalg.norm(dec.S1))
    assert est.value[0] == pytest.approx(np.mean(ratios), rel=1e-12)
    assert est.std_error[0] == pytest.approx(np.std(ratios, ddof=1) / math.sqrt(3), rel=1e-12)


@pytest.mark.parametrize("setup, match", [(Setup("relu", weights="ones"), "weights"), (Setup("relux"), "relux"),
                                          (Setup("relu", scaling="sgd"), "scaling"), (Setup("relu", mu="exact"), "mu")])
def test_gradient_norms_refuse_unknown_setups(setup, match):
    with pytest.raises(VerifierError, match=match):  # InvalidArgument, or UnknownName for the activation
        GradientNorms(parse_formula("S1", list(GRADIENT_NORMS)), setup)


def test_gradient_norms_need_two_draws_and_a_norm():
    stat = GradientNorms(parse_formula("S1", list(GRADIENT_NORMS)), Setup("relu"))
    with pytest.raises(InvalidArgument, match="2 independent draws"):
        stat({"n": 20, "d": 20, "m": 20, "nu": 0.0}, rng=np.random.default_rng(0), n=1)
    with pytest.raises(InvalidArgument, match="statistic"):
        GradientNorms(parse_formula("n", ["n", *GRADIENT_NORMS]), Setup("relu"))
