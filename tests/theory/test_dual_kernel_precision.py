"""Covers theory/_dual_kernel.py and theory/_dual_quad.py: ``dual_kernel`` delivers the requested digits.

The reference is written here and is independent of the library's quadrature: rotated
coordinates u = s (alpha a + beta b), v = s (alpha a - beta b), alpha = sqrt((1 + rho) / 2),
beta = sqrt((1 - rho) / 2), a and b standard normal, integrated by composite fixed-order
Gauss-Legendre (24 nodes per panel, our own nodes) over [-12, 12], panels no wider than the distance
to tanh's poles allows, split at the kink lines (inner variable a) and at their
crossings (outer variable b). The library instead integrates z1, z2 with
v = s (rho z1 + c z2) by a trapezoid / Gauss-Legendre ladder.
"""

import functools
import itertools

import mpmath
import pytest

import theory

NAMES = ("gelu", "tanh", "softplus", "silu", "elu")
RHOS = (-0.999, -0.5, 0.3, 0.97, 0.999)
SCALES = (0.5, 1.0, 2.0)
DPS = 30
TOLERANCE = mpmath.mpf(10) ** -25
_N = 24  # Gauss-Legendre nodes per panel
_L = 12


def _panels(lo, hi, width, cuts):
    """Breakpoints on [lo, hi]: the cuts inside, then each piece cut into equal panels <= width."""
    points = [lo, *sorted({p for p in cuts if lo < p < hi}), hi]
    out = [lo]
    for a, b in zip(points, points[1:]):
        n = int(mpmath.ceil((b - a) / width))
        out += [a + (b - a) * i / n for i in range(1, n + 1)]
    return out


def _gl(f, breaks, nodes):
    total = mpmath.mpf(0)
    for a, b in zip(breaks, breaks[1:]):
        mid, half = (a + b) / 2, (b - a) / 2
        total += half * mpmath.fsum(w * f(mid + half * x) for x, w in nodes)
    return total


def reference(name, derivative, r, scale):
    """E[f(u) f(v)] in rotated coordinates by composite Gauss-Legendre, at 45 digits."""
    act = theory.activation(name)
    f = act.mpmath if derivative == 0 else act.mpmath_derivative
    with mpmath.workdps(45):
        nodes = _legendre(_N)
        r, s = mpmath.mpf(r), mpmath.mpf(scale)
        alpha, beta = mpmath.sqrt((1 + r) / 2), mpmath.sqrt((1 - r) / 2)
        ks = [mpmath.mpf(k) / s for k in act.kinks]
        width = lambda g: min(4, mpmath.pi / 2 / (s * g))  # noqa: E731  (tanh's poles: the nearest)

        def inner(b):
            cuts = [(k - beta * b) / alpha for k in ks] + [(k + beta * b) / alpha for k in ks]
            g = lambda a: f(s * (alpha * a + beta * b)) * f(s * (alpha * a - beta * b)) * mpmath.npdf(a)  # noqa: E731
            return _gl(g, _panels(-_L, _L, width(alpha), cuts), nodes) * mpmath.npdf(b)

        crossings = [(k1 - k2) / (2 * beta) for k1, k2 in itertools.product(ks, ks)]
        return _gl(inner, _panels(-_L, _L, width(beta), crossings), nodes)


@functools.lru_cache(maxsize=None)
def _legendre(n):
    """n-point Gauss-Legendre nodes on [-1, 1] by Newton's method on P_n (our own, not mpmath's rule)."""
    out = []
    for i in range(1, n + 1):
        x = mpmath.cos(mpmath.pi * (i - mpmath.mpf(1) / 4) / (n + mpmath.mpf(1) / 2))
        for _ in range(100):
            p0, p1 = mpmath.mpf(1), x
            for k in range(2, n + 1):
                p0, p1 = p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k
            dp = n * (x * p1 - p0) / (x * x - 1)
            step = p1 / dp
            x -= step
            if abs(step) < mpmath.mpf(10) ** (-mpmath.mp.dps - 2):
                break
        out.append((x, 2 / ((1 - x * x) * dp * dp)))
    return out


def _check(name, derivative, r, scale):
    got = theory.dual_kernel(name, r, scale=scale, derivative=derivative, dps=DPS)
    expected = reference(name, derivative, r, scale)
    with mpmath.workdps(45):
        rel = abs(got.value - expected) / abs(expected)
        assert rel < TOLERANCE, (got, expected, rel)
        # the reference's own accuracy is ~1e-27 relative (24-node panels; tanh' at s = 0.5, rho = 0.999: 3e-27)
        assert abs(got.value - expected) <= 10 * got.error + mpmath.mpf(10) ** -26 * abs(expected)
    return rel


#: Every activation but elu (its 2-D quadrature takes ~20-40 s; it is in the slow grid), both derivatives, both
#: extreme correlations, s = 0.5; each takes 20-30 s on one core, so the default run keeps two of them.
QUICK = [("tanh", 1, 0.999), ("softplus", 0, -0.999)]
MORE = [("tanh", 0, -0.999), ("gelu", 0, 0.999), ("gelu", 1, -0.999), ("softplus", 1, 0.999), ("silu", 0, 0.999),
        ("silu", 1, -0.999)]


@pytest.mark.parametrize("name,derivative,r", [*QUICK, *(pytest.param(*c, marks=pytest.mark.slow) for c in MORE)])
def test_dual_kernel_meets_dps_against_rotated_quadrature(name, derivative, r):
    _check(name, derivative, r, 0.5)


@pytest.mark.slow
@pytest.mark.parametrize("name,derivative,r,scale", list(itertools.product(NAMES, (0, 1), RHOS, SCALES)))
def test_dual_kernel_meets_dps_on_the_full_grid(name, derivative, r, scale):
    _check(name, derivative, r, scale)


def test_reference_reproduces_a_closed_form():
    """The reference itself is right: the erf kernel (Williams 1997) at rho = 0.97, s = 0.5."""
    exact = theory.dual_kernel("erf", 0.97, scale=0.5, dps=40).value
    with mpmath.workdps(45):
        assert abs(reference("erf", 0, 0.97, 0.5) - exact) < mpmath.mpf(10) ** -28


@pytest.mark.parametrize("kwargs,match", [
    (dict(dps=10), "`dps` must be an integer >= 15"),
    (dict(rho_value=1.001), r"`rho` must be in \[-1, 1\]"),
    (dict(derivative=2), "`derivative` must be 0 or 1"),
    (dict(method="quad"), "`method` must be"),
])
def test_bad_input_is_still_a_typed_error(kwargs, match):
    args = dict(rho_value=0.97) | kwargs
    with pytest.raises(theory.InvalidArgument, match=match):
        theory.dual_kernel("tanh", args.pop("rho_value"), **args)


def test_method_says_what_was_done():
    near = theory.dual_kernel("tanh", 0.999, scale=1.0, dps=15)
    assert near.method.startswith("iterated 2-D quadrature") and near.error < 1e-15
    small = theory.dual_kernel("tanh", 0.1, scale=0.5, dps=15)
    assert small.method.startswith("Hermite series") and small.error < 1e-15
    assert theory.dual_kernel("tanh", 0.97, scale=2.0, dps=15, method="series").error > 1e-10
