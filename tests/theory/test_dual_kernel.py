"""Covers theory/_dual_kernel.py and theory/_gaussian.py: dual-kernel laws and Gaussian moments."""

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import theory

PARAMS = {"leaky_relu": {"slope": 0.3}, "polynomial": {"coeffs": (1.0, -0.5, 0.25)}, "hermite": {"k": 3}}
CLOSED = ["relu", "leaky_relu", "abs", "step", "sign", "erf", "exp", "sin", "cos", "gaussian", "identity",
          "quadratic", "cubic", "polynomial", "hermite"]
SMOOTH_DERIVATIVE = [n for n in CLOSED if n not in ("step", "sign")]


def _one_d(act, f, g, scale):
    with mpmath.workdps(40):
        sc = mpmath.mpf(scale)
        return mpmath.quad(lambda z: f(sc * z) * g(sc * z) * mpmath.npdf(z), [-mpmath.inf, 0, mpmath.inf])


#: step' and sign' are point masses: K_1 is infinite at rho = 1 and has no series bound.
POINT_MASS = {("step", 1), ("sign", 1)}
PAIRS = [(n, j) for n in CLOSED for j in (0, 1) if (n, j) not in POINT_MASS]


@pytest.mark.parametrize("name,derivative", PAIRS)
def test_kernel_at_rho_one_is_the_second_moment_and_at_zero_the_squared_mean(name, derivative):
    params, scale = PARAMS.get(name, {}), 0.8
    act = theory.activation(name, **params)
    f = act.mpmath if derivative == 0 else act.mpmath_derivative
    at_one = theory.dual_kernel(name, 1.0, scale=scale, derivative=derivative, dps=30, **params).value
    at_zero = theory.dual_kernel(name, 0.0, scale=scale, derivative=derivative, dps=30, **params).value
    mean = theory.hermite_coefficients(name, 1, scale=scale, dps=30, **params)[derivative]
    with mpmath.workdps(40):
        assert abs(at_one - _one_d(act, f, f, scale)) < mpmath.mpf(10) ** -25 * max(1, abs(at_one))
        expected_zero = mean**2 if derivative == 0 else (mean / scale) ** 2
        assert abs(at_zero - expected_zero) < mpmath.mpf(10) ** -25 * max(1, abs(at_zero))


#: For polynomials the closed form is the finite Hermite series itself: comparing would be circular.
NON_POLYNOMIAL = [(n, j) for n, j in PAIRS if n not in ("identity", "quadratic", "cubic", "polynomial", "hermite")]


@pytest.mark.parametrize("name,derivative", NON_POLYNOMIAL)
@settings(max_examples=3)
@given(r=st.floats(-0.4, 0.4))
def test_closed_form_kernel_equals_its_hermite_series(name, derivative, r):
    params = PARAMS.get(name, {})
    exact = theory.dual_kernel(name, r, scale=0.9, derivative=derivative, dps=30, **params)
    series = theory.dual_kernel(name, r, scale=0.9, derivative=derivative, dps=30, method="series", **params)
    with mpmath.workdps(40):
        assert abs(exact.value - series.value) <= series.error + exact.error
    assert series.error < 1e-18  # 0.4^61 times the tail


@pytest.mark.parametrize("name", ["relu", "erf", "cos", *(pytest.param(n, marks=pytest.mark.slow) for n in
                                                            ("tanh", "gelu"))])  # 2-D quadratures: minutes
def test_kernel_matrix_is_symmetric_positive_semidefinite(name):
    rng = np.random.default_rng(0)
    points = rng.standard_normal((6, 3))
    points /= np.linalg.norm(points, axis=1, keepdims=True)
    gram = np.clip(points @ points.T, -1.0, 1.0)
    matrix = np.array([[float(theory.dual_kernel(name, float(r), scale=1.0, dps=15).value) for r in row]
                       for row in gram])
    assert np.allclose(matrix, matrix.T)
    assert np.linalg.eigvalsh(matrix).min() > -1e-10 * np.abs(matrix).max()


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "softplus", "silu", "gelu"])
def test_series_kernel_reports_a_useful_bound(name):
    k = theory.dual_kernel(name, 0.3, scale=1.0, dps=30, method="series")
    assert k.method.startswith("Hermite series") and k.error < 1e-25


@pytest.mark.parametrize("kwargs,match", [
    (dict(rho_value=1.5), r"`rho` must be in \[-1, 1\]"),
    (dict(rho_value=float("nan")), r"`rho` must be in \[-1, 1\]"),
    (dict(derivative=2), "`derivative` must be 0 or 1"),
    (dict(scale=0.0), r"`scale` must be in \(0, inf\)"),
    (dict(dps=10), "`dps` must be an integer >= 15"),
    (dict(name="step", derivative=1, rho_value=1.0), r"`rho` must be in \(-1, 1\)"),
    (dict(method="magic"), "`method` must be"),
    (dict(name="sign", derivative=1, method="series"), "no tail bound"),
])
def test_bad_input_is_a_typed_error(kwargs, match):
    args = dict(name="relu", rho_value=0.5) | kwargs
    name, r = args.pop("name"), args.pop("rho_value")
    with pytest.raises(theory.InvalidArgument, match=match):
        theory.dual_kernel(name, r, **args)


def test_gaussian_moments_match_the_stein_identities():
    """E[sigma'] = c_1/s and E[sigma''] = c_2/s^2 (here for tanh, by quadrature)."""
    c = theory.hermite_coefficients("tanh", 2, scale=0.6, dps=30)
    mu = theory.gaussian_moment_value("tanh", "mean_derivative", scale=0.6, dps=30)
    second = theory.gaussian_moment_value("tanh", "mean_second_derivative", scale=0.6, dps=30)
    with mpmath.workdps(40):
        assert abs(mu.value - c[1] / 0.6) < 1e-28 and abs(second.value) < 1e-28  # tanh'' is odd


def test_variance_of_a_point_mass_derivative_is_refused():
    with pytest.raises(theory.InvalidArgument, match="point mass"):
        theory.gaussian_moment("step", "variance_derivative")


def test_polynomial_kernel_equals_isserlis_moments():
    """E[p(u) p(v)] for p = x^3 by Wick/Isserlis: 9 s^6 rho + 6 s^6 rho^3."""
    for r in (-0.7, 0.2, 0.9):
        value = theory.dual_kernel("cubic", r, scale=1.3, dps=30).value
        with mpmath.workdps(40):
            s6 = mpmath.mpf(1.3) ** 6
            expected = s6 * (9 * mpmath.mpf(r) + 6 * mpmath.mpf(r) ** 3)
            assert abs(value - expected) < mpmath.mpf(10) ** -25 * abs(expected)


def test_cancelling_closed_forms_report_the_digits_they_lose():
    near = theory.dual_kernel("relu", -1 + 1e-12, dps=30)
    with mpmath.workdps(90):
        exact = theory.dual_kernel("relu", -1 + 1e-12, dps=80).value
        assert abs(near.value - exact) <= near.error


@pytest.mark.parametrize(("name", "derivative"), [("tanh", 1), ("gelu", 0)])
def test_the_shown_double_integral_is_the_kernel(name, derivative):
    """Where no closed form exists a report shows the defining double integral; integrated from its printed
    integrand (lambdified to numpy, SciPy's dblquad over [-9, 9]^2, where the Gaussian weight leaves out < 1e-17)
    it equals the kernel we compute (series or quadrature in mpmath, another code path)."""
    import sympy as sp
    from scipy.integrate import dblquad

    shown = theory.dual_kernel_integral(name, derivative)
    z1, z2 = sp.symbols("z1 z2", real=True)
    f = sp.lambdify((z2, z1), shown.function.subs({theory.s: 1, theory.rho: sp.Rational(3, 10)}), "numpy")
    value, error = dblquad(f, -9, 9, -9, 9, epsabs=1e-12, epsrel=1e-12)
    expected = theory.dual_kernel(name, 0.3, scale=1.0, derivative=derivative, dps=15).value
    assert abs(value - float(expected)) <= 1e-9 + error, (value, float(expected), error)
    assert theory.DualKernel(name, derivative).expression({"s": 1.0, "rho": (0.3,)}) == shown
