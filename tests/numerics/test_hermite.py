"""Covers numerics/_hermite.py: the independent Hermite quadrature and the dual-kernel estimators."""

import mpmath
import numpy as np
import pytest

import numerics
import theory


def test_independent_quadrature_agrees_with_closed_forms_within_its_bound():
    est = numerics.HermiteQuadrature("erf", 6)({"s": (0.5, 2.0)}, dps=30)
    exact = theory.HermiteCoefficients("erf", 6)({"s": (0.5, 2.0)}, dps=30)
    with mpmath.workdps(40):
        assert all(abs(v - p) <= b for v, p, b in zip(est.value, exact, est.bound))
    assert len(est.value) == 14 and est.dps == 30 and not est.statistical


def test_derivative_quadrature_gives_the_coefficients_of_sigma_prime():
    # relu' = step, so c_k(relu') = c_k(step), a closed form
    est = numerics.HermiteQuadrature("relu", 5, derivative=1)({"s": 1.5}, dps=30)
    exact = theory.hermite_coefficients("step", 5, scale=1.5, dps=30)
    with mpmath.workdps(40):
        assert all(abs(v - p) <= b + 1e-30 for v, p, b in zip(est.value, exact, est.bound))


def test_dual_kernel_mc_is_reproducible_and_unbiased():
    rng = lambda: np.random.default_rng(np.random.SeedSequence(3))  # noqa: E731
    params = {"s": 1.0, "rho": (0.0, 0.5, 0.9)}
    a, b = (numerics.DualKernelMC("erf")(params, rng=rng(), n=200_000),
            numerics.DualKernelMC("erf")(params, rng=rng(), n=200_000))
    assert a == b
    exact = theory.DualKernel("erf")(params, dps=20)
    for v, p, se in zip(a.value, exact, a.std_error):
        assert abs(v - float(p)) < 5 * se


def test_dual_kernel_series_estimator_reports_its_bound():
    est = numerics.DualKernelSeries("relu", 1)({"s": 0.9, "rho": (-0.4, 0.4)}, dps=30)
    assert all(b < 1e-20 for b in est.bound) and est.method.startswith("Hermite series")


@pytest.mark.parametrize("kwargs,match", [
    (dict(rhos=(1.5,)), "`rho`"), (dict(n=1), "`n`"), (dict(rng=None), "`rng`"),
])
def test_dual_kernel_mc_bad_input(kwargs, match):
    args = dict(rhos=(0.5,), n=100, rng=np.random.default_rng(0)) | kwargs
    with pytest.raises(theory.InvalidArgument, match=match):
        numerics.dual_kernel_mc(np.tanh, args.pop("rhos"), 1.0, **args)
