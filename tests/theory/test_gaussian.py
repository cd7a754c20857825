"""Covers theory/_gaussian.py: closed forms against quadrature, Stein's identity, limits."""

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings, strategies as st

import theory
from theory import s

INTEGRABLE = ("mean", "mean_derivative", "second_moment")
PAIRS = [(a, q) for a in ("relu", "leaky_relu", "erf", "gelu", "identity", "sin", "gaussian") for q in INTEGRABLE]
scales = st.floats(0.05, 8.0)
slopes = st.floats(0.0, 1.0)


def _quad(g, scale, kinks=(0.0,)):
    sc = mpmath.mpf(scale)
    f = lambda z: g(sc * z) * mpmath.npdf(z)  # noqa: E731
    return mpmath.quad(f, [-mpmath.inf, *kinks, mpmath.inf])


@pytest.mark.parametrize("name,quantity", PAIRS)
@settings(max_examples=8)
@given(scale=scales, slope=slopes)
def test_closed_form_equals_quadrature(name, quantity, scale, slope):
    params = {"slope": slope} if name == "leaky_relu" else {}
    act = theory.activation(name, **params)
    pred = theory.GaussianMoment(name, quantity)({"s": scale, **params}, dps=25)[0]
    with mpmath.workdps(30):
        ref = _quad(theory.gaussian_integrand(act, quantity, "mpmath"), scale)
        assert abs(pred - ref) <= mpmath.mpf(10) ** -22 * max(1, abs(ref))


@pytest.mark.parametrize("name", ["relu", "erf", "gelu"])
@settings(max_examples=5)
@given(scale=scales)
def test_stein_identity_links_mean_derivative_to_first_hermite_coefficient(name, scale):
    """E[sigma'(sZ)] = E[Z sigma(sZ)] / s (Stein's lemma)."""
    act = theory.activation(name)
    mu = theory.GaussianMoment(name, "mean_derivative")({"s": scale}, dps=25)[0]
    with mpmath.workdps(30):
        c1 = _quad(lambda v: v / mpmath.mpf(scale) * act.mpmath(v), scale) / mpmath.mpf(scale)
        assert abs(mu - c1) < mpmath.mpf(10) ** -22


@pytest.mark.parametrize("name", ["relu", "leaky_relu", "erf", "gelu", "abs", "cos", "gaussian", "cubic"])
@settings(max_examples=4)
@given(scale=scales)
def test_second_derivative_mean_and_derivative_variance_equal_quadrature(name, scale):
    """E[sigma''(sZ)] = E[sigma(sZ)(Z^2 - 1)]/s^2 (Stein), Var sigma'(sZ) = E[sigma'^2] - E[sigma']^2."""
    params = {"slope": 0.3} if name == "leaky_relu" else {}
    act = theory.activation(name, **params)
    curvature = theory.gaussian_moment_value(name, "mean_second_derivative", scale=scale, dps=25, **params)
    variance = theory.gaussian_moment_value(name, "variance_derivative", scale=scale, dps=25, **params)
    with mpmath.workdps(30):
        sc = mpmath.mpf(scale)
        stein = mpmath.quad(lambda z: act.mpmath(sc * z) * (z * z - 1) * mpmath.npdf(z),
                            [-mpmath.inf, 0, mpmath.inf]) / sc**2
        d = act.mpmath_derivative
        var = _quad(lambda v: d(v) ** 2, scale) - _quad(d, scale) ** 2
        assert abs(curvature.value - stein) <= mpmath.mpf(10) ** -20 * max(1, abs(stein))
        assert abs(variance.value - var) <= mpmath.mpf(10) ** -20 * max(1, abs(var))


def test_limits_of_the_closed_forms():
    erf2 = theory.gaussian_moment("erf", "second_moment")
    assert sp.limit(erf2, s, sp.oo) == 1  # erf(sZ)^2 -> sign(Z)^2 = 1
    gelu2 = theory.gaussian_moment("gelu", "second_moment")
    assert sp.limit(gelu2 / s**2, s, 0) == sp.Rational(1, 4)  # gelu(x) ~ x/2 near 0
    assert sp.limit(gelu2 / s**2, s, sp.oo) == sp.Rational(1, 2)  # gelu -> relu


def test_leaky_closed_form_reduces_to_relu_at_zero_slope():
    for q in theory.QUANTITIES:
        leaky = theory.gaussian_moment("leaky_relu", q).subs(theory.PARAMETER_SYMBOLS["slope"], 0)
        assert sp.simplify(leaky - theory.gaussian_moment("relu", q)) == 0


def test_prediction_is_correct_to_the_requested_digits():
    pred = theory.GaussianMoment("gelu", "second_moment")
    lo, hi = pred({"s": 0.7}, dps=30)[0], pred({"s": 0.7}, dps=60)[0]
    with mpmath.workdps(60):
        assert abs(lo - hi) < mpmath.mpf(10) ** -29 * abs(hi)


@pytest.mark.parametrize("bad", [0.0, -1.0, float("inf"), (1.0, -2.0), ()])
def test_scale_outside_domain_is_rejected(bad):
    with pytest.raises(theory.InvalidArgument, match="`s` must be"):
        theory.GaussianMoment("relu", "second_moment")({"s": bad}, dps=20)


def test_unknown_quantity_is_rejected():
    with pytest.raises(theory.UnknownName, match="Gaussian quantity"):
        theory.gaussian_moment("relu", "variance")
    with pytest.raises(theory.UnknownName, match="closed-form dual kernel"):
        theory.gaussian_moment("tanh", "second_moment")


def _integrated(expr, scale):
    """Every integral in ``expr`` at s = ``scale`` by mpmath's quadrature of the printed integrand (lambdified)."""
    z = sp.Symbol("z", real=True)
    done = {}
    for integral in expr.atoms(sp.Integral):
        f = sp.lambdify(z, integral.function.subs(s, scale), "mpmath")
        with mpmath.workdps(20):
            done[integral] = sp.Float(mpmath.quad(f, [-mpmath.inf, 0, mpmath.inf]), 20)
    return float(expr.xreplace(done).subs(s, scale))


@pytest.mark.parametrize(("name", "quantity"), [("tanh", "mean_derivative"), ("tanh", "second_moment"),
                                                ("elu", "mean"), ("relu", "variance_derivative")])
def test_the_shown_integral_is_the_predicted_quantity(name, quantity):
    """The integral a report shows where no closed form exists, integrated from its printed integrand (mpmath),
    equals the value the prediction computes (a closed form, or our own quadrature code)."""
    shown = theory.gaussian_moment_integral(name, quantity)
    assert shown.has(sp.Integral)
    value = theory.gaussian_moment_value(name, quantity, scale=0.7, dps=20).value
    assert abs(_integrated(shown, 0.7) - float(value)) <= 1e-10 * max(1.0, abs(float(value)))


def test_hermite_coefficients_without_a_closed_form_show_their_integrals():
    shown = theory.HermiteCoefficients("tanh", 10).expression({"s": (0.5, 2.0)})
    assert len(shown) == 4 and all(e.has(sp.Integral) for e in shown)
    values = theory.hermite_coefficients("tanh", 3, scale=2.0, dps=20)
    for k, e in enumerate(shown):
        assert abs(_integrated(e, 2.0) - float(values[k])) <= 1e-10
