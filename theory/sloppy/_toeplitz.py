r"""The infinite-horizon limit of a single GD trajectory's second moments: a Cauchy / Toeplitz matrix.

Sloppiness pack (arXiv 2505.08915; our note ``sloppiness.md`` section 4.4, claim A7), **derived by us**.
With ``sigma0 = 0`` and gradient flow to horizon ``tau``, ``tau K_kl -> 1 / (lambda_k + lambda_l)`` as
``tau -> infinity``, so ``tau M_kl -> w*_k w*_l sqrt(lambda_k lambda_l) / (lambda_k + lambda_l)``; for
``lambda_k = e^{-c k}`` and ``w* = 1`` this is the Toeplitz matrix ``T_kl = 1 / (2 cosh(c (k - l) / 2))`` with symbol

    f(theta) = sum_m e^{i m theta} / (2 cosh(c m / 2)) = (pi / c) sum_n sech(pi (theta + 2 pi n) / c)

(Poisson summation; the Fourier transform of ``1 / (2 cosh(c x / 2))`` is ``(pi / c) sech(pi omega / c)``).
``f`` is largest at 0 and smallest at pi, so every eigenvalue of ``T_d`` lies in ``[f(pi), f(0)]`` and the extreme
ones tend to those ends as d grows (Szego; monotonically, by Cauchy interlacing of the nested ``T_d``). The note's
approximations ``f(0) ~ pi / c`` and ``f(pi) ~ (4 pi / c) e^{-pi^2 / c}`` keep the leading Poisson terms.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import mpmath
import numpy as np
import sympy as sp

from .._matrices import count, positive

__all__ = ["CauchyLimit", "cauchy_limit", "toeplitz_limit_matrix", "toeplitz_symbol", "ToeplitzEnds",
           "toeplitz_ends"]


@dataclass(frozen=True)
class CauchyLimit:
    """SymPy's ``lim_{tau -> inf} tau K_kl(tau)`` (gradient flow) and two residuals that must be 0.

    ``limit_residual = limit - 1 / (lambda_k + lambda_l)``; ``cosh_residual`` is
    ``sqrt(lambda_k lambda_l) / (lambda_k + lambda_l) - 1 / (2 cosh(c (k - l) / 2))`` at ``lambda_k = e^{-c k}``.
    """

    limit: sp.Expr
    limit_residual: sp.Expr
    cosh_residual: sp.Expr


@lru_cache(maxsize=1)
def cauchy_limit() -> CauchyLimit:
    """The tau -> infinity limit of note 4.4, by ``sympy.limit`` (A7).

    >>> r = cauchy_limit()
    >>> r.limit, r.limit_residual, r.cosh_residual
    (1/(lambda_k + lambda_l), 0, 0)
    """
    a, b, tau, c = sp.symbols("lambda_k lambda_l tau c", positive=True)
    k, l_ = sp.symbols("k l", integer=True)
    mean = lambda lam: (1 - sp.exp(-lam * tau)) / (lam * tau)  # noqa: E731  (A_k in gradient flow)
    K = (1 - sp.exp(-(a + b) * tau)) / ((a + b) * tau) - mean(a) * mean(b)
    limit = sp.limit(tau * K, tau, sp.oo)
    lk, ll = sp.exp(-c * k), sp.exp(-c * l_)
    cosh = sp.sqrt(lk * ll) / (lk + ll) - 1 / (2 * sp.cosh(c * (k - l_) / 2))
    return CauchyLimit(limit, sp.simplify(limit - 1 / (a + b)), sp.simplify(cosh.rewrite(sp.exp)))


def toeplitz_limit_matrix(d: int, c: float) -> np.ndarray:
    """``T_kl = 1 / (2 cosh(c (k - l) / 2))``, k, l = 1..d (the limit of ``tau M`` for ``w* = 1``, note 4.4).

    >>> toeplitz_limit_matrix(2, 2 * np.log(2.0)).round(6).tolist()  # 1 / (2 cosh(log 2)) = 0.4
    [[0.5, 0.4], [0.4, 0.5]]
    """
    n = count("d", d, 20_000)
    slope = positive("c", c)
    i = np.arange(n)
    return 0.5 / np.cosh(slope * (i[:, None] - i[None, :]) / 2)


def toeplitz_symbol(theta_over_pi: float, c: float, *, dps: int, route: str = "poisson"):
    """``f(pi x)``, ``x = theta_over_pi``, of the module docstring at ``dps`` digits, by the Poisson (sech) sum or
    the Fourier series.

    Both converge geometrically (``mpmath.nsum`` with 10 guard digits); the Fourier series cancels heavily near
    ``theta = pi`` for small c, which the extra precision absorbs.

    >>> a = toeplitz_symbol(0.0, 1.0, dps=30)
    >>> b = toeplitz_symbol(0.0, 1.0, dps=30, route="fourier")
    >>> abs(a - b) < 1e-28, mpmath.nstr(a, 12)
    (True, '3.14159268721')
    """
    from .._errors import InvalidArgument

    slope = positive("c", c)
    digits = count("dps", dps, 1000)
    if route not in ("poisson", "fourier"):
        raise InvalidArgument("route", route, "'poisson' or 'fourier'")
    extra = int(mpmath.ceil(mpmath.pi**2 / (slope * mpmath.log(10)))) if route == "fourier" else 0
    with mpmath.workdps(digits + 10 + extra):
        th, cc = mpmath.pi * mpmath.mpf(float(theta_over_pi)), mpmath.mpf(slope)
        if route == "poisson":
            value = mpmath.pi / cc * mpmath.nsum(lambda n: mpmath.sech(mpmath.pi * (th + 2 * mpmath.pi * n) / cc),
                                                 [-mpmath.inf, mpmath.inf])
        else:
            value = mpmath.mpf(1) / 2 + mpmath.nsum(lambda m: mpmath.cos(m * th) / mpmath.cosh(cc * m / 2),
                                                    [1, mpmath.inf])
    with mpmath.workdps(digits):
        return +value


@dataclass(frozen=True)
class ToeplitzEnds:
    """``f(0)`` and ``f(pi)`` (exact, by the Poisson sum) and the note's approximations ``pi / c`` and
    ``(4 pi / c) e^{-pi^2 / c}``."""

    top: object
    bottom: object
    top_approx: object
    bottom_approx: object


def toeplitz_ends(c: float, *, dps: int) -> ToeplitzEnds:
    """The ends of the symbol's range: the limits of the extreme eigenvalues of ``T_d`` (A7).

    >>> e = toeplitz_ends(1.0, dps=20)
    >>> mpmath.nstr(e.bottom, 6), mpmath.nstr(e.bottom_approx, 6)
    ('0.000649973', '0.000649973')
    """
    slope = positive("c", c)
    with mpmath.workdps(count("dps", dps, 1000) + 10):
        pi, cc = mpmath.pi, mpmath.mpf(slope)
        approx = (pi / cc, 4 * pi / cc * mpmath.exp(-pi**2 / cc))
    with mpmath.workdps(dps):
        return ToeplitzEnds(toeplitz_symbol(0.0, slope, dps=dps), toeplitz_symbol(1.0, slope, dps=dps),
                            +approx[0], +approx[1])
