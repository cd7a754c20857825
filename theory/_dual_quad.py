r"""Dual kernels by iterated two-dimensional quadrature, to a requested precision.

K_j(rho) = E[f(u) f(v)], f = sigma^(j), u = s z1, v = s (rho z1 + c z2), c = sqrt(1 - rho^2),
z1, z2 independent standard normal:

    K = int phi(z1) f(s z1) g(z1) dz1,   g(z1) = int phi(z2) f(s (rho z1 + c z2)) dz2.

Both integrals run over [-L, L], phi(L) far below the target. Where the integrand has
no kink on a line the rule is the trapezoidal rule in z (exponentially convergent for
analytic Gaussian-weighted integrands), refined by halving its step (each level reuses
the previous nodes). Where it has kinks (z1 = k / s; z2 = (k / s - rho z1) / c) the line
is split there, and at z1 = k / (s rho), where g bends over a width ~ c, with breaks
graded geometrically (c 4^i) towards it; each piece gets Gauss-Legendre, refined by
doubling its nodes (12 to 768). Refinement stops when two successive levels differ by
d with d^2 / A below the target (A = int |integrand|): the errors of these rules fall
like exp(-C n) in the node count n, so a level squares the relative error of the one
before, and 10 d^2 / A is the error estimate of the last level.

Error: that estimate, plus the inner errors propagated through the outer rule
(sum of w |f(s z1)| phi(z1) err_g(z1)), plus a Gaussian-tail estimate of the truncation
at +-L, plus rounding at the working precision. It is an estimate, not a rigorous
bound; the activation is assumed to grow at most polynomially.
"""

from __future__ import annotations

import mpmath
from mpmath.calculus.quadrature import GaussLegendre

__all__ = ["kernel_quadrature", "MAX_LEVEL", "MAX_GL_LEVEL"]

#: Most step halvings of the trapezoidal rule (the step is then 2^-MAX_LEVEL of the first).
MAX_LEVEL = 9
#: Most doublings of the Gauss-Legendre rule (from 12 nodes to 3 * 2^(MAX_GL_LEVEL + 2)).
MAX_GL_LEVEL = 6
_H0 = mpmath.mpf(1) / 2


class _Trapezoid:
    """The trapezoidal rule in z on [-L, L]; level m has step 2^-m / 2 and reuses level m - 1's nodes."""

    def __init__(self, big_l):
        self.big_l, self.sums = big_l, None

    def level(self, h, m: int):
        step = _H0 / 2**m
        n = int(self.big_l / step)
        new = [mpmath.mpf(0)] * 3
        for k in range(-n, n + 1):
            if m and not k % 2:
                continue
            y, e = h(k * step)
            new[0] += y
            new[1] += abs(y)
            new[2] += e
        old = self.sums or [0, 0, 0]
        self.sums = [o / 2 + v * step for o, v in zip(old, new)] if m else [v * step for v in new]
        return self.sums


class _GaussLegendre:
    """Gauss-Legendre on [a, b] with 3 * 2^(m + 2) nodes at level m (the pieces between kinks)."""

    def __init__(self, a, b):
        self.a, self.b = a, b

    def level(self, h, m: int):
        mid, half = (self.a + self.b) / 2, (self.b - self.a) / 2
        sums = [mpmath.mpf(0)] * 3
        for x, w in _gl_nodes(m + 3):
            y, e = h(mid + half * x)
            sums[0] += w * y
            sums[1] += w * abs(y)
            sums[2] += w * e
        return [v * half for v in sums]


_GL: dict = {}


def _gl_nodes(degree: int) -> list:
    key = (degree, mpmath.mp.prec)
    if key not in _GL:
        _GL[key] = GaussLegendre(mpmath.mp).calc_nodes(degree, mpmath.mp.prec)
    return _GL[key]


def _ladder(h, lines, max_level, rel):
    """sum over ``lines`` of int h: (value, error estimate, abs integral, converged)."""
    previous = diff_before = None
    for m in range(max_level + 1):
        parts = [line.level(h, m) for line in lines]
        total, absolute, propagated = (sum(p[i] for p in parts) for i in range(3))
        if previous is not None:
            diff = abs(total - previous)
            noise = absolute * mpmath.mpf(10) ** (4 - mpmath.mp.dps)  # differences of rounding only
            settled = diff <= noise or (diff_before is not None and diff <= diff_before)
            if absolute == 0 or (settled and diff**2 <= rel * absolute**2 / 10):
                estimate = 10 * diff**2 / absolute if absolute else diff
                return total, estimate + propagated, absolute, True
            diff_before = diff
        previous = total
    return total, diff_before + propagated, absolute, False


def _lines(points, big_l):
    inside = sorted({p for p in points if -big_l < p < big_l})
    if not inside:
        return [_Trapezoid(big_l)], MAX_LEVEL
    cuts = [-big_l, *inside, big_l]
    return [_GaussLegendre(a, b) for a, b in zip(cuts, cuts[1:])], MAX_GL_LEVEL


def kernel_quadrature(f, kinks, rho_value, scale, dps: int, guard: int):
    """(value, error, abs integral, converged) of E[f(u) f(v)] by iterated quadrature.

    Runs at ``dps + guard`` digits and aims at a relative error 10^-(dps + 1) of
    int |integrand|. ``converged`` is False where a rule reached :data:`MAX_LEVEL`
    first (its last difference is then the error).
    """
    with mpmath.workdps(dps + guard):
        r, sc = mpmath.mpf(rho_value), mpmath.mpf(scale)
        c = mpmath.sqrt((1 - r) * (1 + r))
        rel = mpmath.mpf(10) ** (-(dps + 1))
        digits = dps + guard
        big_l = mpmath.sqrt(2 * (dps + 8) * mpmath.log(10)) + 1
        tail_weight = 2 * mpmath.npdf(big_l) / big_l
        ks = [mpmath.mpf(k) for k in kinks]
        pdf: dict = {}
        norm = 1 / mpmath.sqrt(2 * mpmath.pi)
        converged = [True]

        def weight(z):
            if z not in pdf:
                pdf[z] = mpmath.exp(-z * z / 2) * norm
            return pdf[z]

        def inner(z1):
            shift = r * z1
            h = lambda z2: (f(sc * (shift + c * z2)) * weight(z2), 0)  # noqa: E731
            value, err, _, ok = _ladder(h, *_lines([(k / sc - shift) / c for k in ks], big_l), rel / 10)
            converged[0] = converged[0] and ok
            tail = tail_weight * (abs(f(sc * (shift + c * big_l))) + abs(f(sc * (shift - c * big_l))))
            return value, err + tail

        def outer(z1):
            front = f(sc * z1) * weight(z1)
            if front == 0:
                return front, 0
            g, err = inner(z1)
            return front * g, abs(front) * err

        shadows = [k / (sc * r) for k in ks] if r != 0 else []
        # g bends over a width ~ c at a shadow: breaks graded geometrically towards it
        grading = [q * c * 4**i for q in (-1, 1) for i in range(8) if c * 4**i < 2 * big_l]
        shadows += [p + d for p in shadows for d in grading]
        value, err, absolute, ok = _ladder(outer, *_lines([k / sc for k in ks] + shadows, big_l), rel)
        ends = [abs(f(sc * z)) * sum(abs(f(sc * (r * z + d))) for d in (0, c * big_l, -c * big_l))
                for z in (-big_l, big_l)]
        error = err + tail_weight * sum(ends) + absolute * mpmath.mpf(10) ** (2 - digits)
        return value, error, absolute, converged[0] and ok
