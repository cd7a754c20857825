r"""Dual kernels K_j(rho) = E[sigma^(j)(u) sigma^(j)(v)], (u, v) centred Gaussian, Var = s^2, correlation rho.

Closed forms (j = 0 and j = 1; **derived by us** or classical, as noted):

* relu: s^2 (sqrt(1 - rho^2) + (pi - acos rho) rho) / (2 pi) and (pi - acos rho) / (2 pi)
  (arc-cosine kernels, Cho & Saul 2009).
* leaky_relu(b) = b x + (1-b) relu: K_0 = b s^2 rho + (1-b)^2 K_0^relu, K_1 = b + (1-b)^2 K_1^relu.
* abs = 2 relu - x: K_0 = 4 K_0^relu - s^2 rho, K_1 = (2/pi) asin rho.
* step: K_0 = (pi - acos rho)/(2 pi), K_1 = 1 / (2 pi s^2 sqrt(1 - rho^2)) (step' is a point mass).
* sign: K_0 = (2/pi) asin rho, K_1 = 2 / (pi s^2 sqrt(1 - rho^2)).
* erf: K_0 = (2/pi) asin(2 s^2 rho / (1 + 2 s^2)) (Williams 1997), K_1 = (4/pi) / sqrt((1+2s^2)^2 - 4 s^4 rho^2).
* exp: K_0 = K_1 = exp(s^2 (1 + rho)).  sin: e^{-s^2} sinh(s^2 rho), K_1 = e^{-s^2} cosh(s^2 rho); cos: swapped.
* gaussian: K_0 = ((1+s^2)^2 - s^4 rho^2)^(-1/2), K_1 = s^2 rho ((1+s^2)^2 - s^4 rho^2)^(-3/2).
* polynomials (identity, quadratic, cubic, polynomial, hermite): the finite Hermite series, exact.

Elsewhere (tanh, sigmoid, softplus, silu, elu, gelu) ``method="series"`` sums the
Hermite series sum_k c_k^2 rho^k / k! (for j = 1, the coefficients of sigma', c_{k+1}/s by
Stein) truncated at K = SERIES_ORDER, with the bound |rho|^(K+1) (E[sigma^(j)(sZ)^2] -
sum_{k<=K} c_k^2/k!) on the tail (every tail term is non-negative at rho = 1 and shrinks
by at least |rho|^(K+1)), plus the propagated errors of the coefficients; at |rho| = 1,
one-dimensional quadrature. That bound does not shrink with ``dps`` (at rho = 0.97,
s = 2 it is 1e-4 for elu'), so ``method="auto"`` uses the series only where its bound
already meets the target below, and otherwise the iterated two-dimensional quadrature
of :mod:`theory._dual_quad` (trapezoidal rule in z on smooth lines, Gauss-Legendre
between kinks, step halving until two levels agree to the target).

Precision delivered by ``method="auto"``: error <= 2 * 10^-dps * max(1, K_j(1)), where
K_j(1) = E[sigma^(j)(sZ)^2] >= |K_j(rho)| (so about ``dps`` significant digits unless
the kernel is far below its diagonal, or below 1). Closed forms and the series give a
bound (a closed form that cancels near rho = -1 reports the digits it loses); the
quadrature an estimate (see :mod:`theory._dual_quad`). Where the quadrature does not
reach the target within its refinement limits, the value with the smaller error is
returned, and ``method`` of a quadrature value says "target not reached".
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath
import sympy as sp

from ._activations import activation as _activation
from ._coefficients import check_dps, check_scale, hermite_expansion, parameter_values
from ._domain import Interval
from ._dual_quad import kernel_quadrature
from ._errors import InvalidArgument, UnknownName
from ._evaluate import GUARD_DIGITS, evaluate_with_error
from ._hermite import hermite_coefficient_expr, s

__all__ = ["rho", "KernelValue", "DualKernel", "dual_kernel", "dual_kernel_expr", "hermite_series", "SERIES_ORDER"]

rho = sp.Symbol("rho", real=True)
_b = sp.Symbol("slope", nonnegative=True)
_pi = sp.pi
_RELU0 = s**2 * (sp.sqrt(1 - rho**2) + (_pi - sp.acos(rho)) * rho) / (2 * _pi)
_RELU1 = (_pi - sp.acos(rho)) / (2 * _pi)
_GAUSS_DET = (1 + s**2) ** 2 - s**4 * rho**2

_FORMS: dict[tuple[str, int], sp.Expr] = {
    ("relu", 0): _RELU0, ("relu", 1): _RELU1,
    ("leaky_relu", 0): _b * s**2 * rho + (1 - _b) ** 2 * _RELU0, ("leaky_relu", 1): _b + (1 - _b) ** 2 * _RELU1,
    ("abs", 0): 4 * _RELU0 - s**2 * rho, ("abs", 1): 2 / _pi * sp.asin(rho),
    ("step", 0): _RELU1, ("step", 1): 1 / (2 * _pi * s**2 * sp.sqrt(1 - rho**2)),
    ("sign", 0): 2 / _pi * sp.asin(rho), ("sign", 1): 2 / (_pi * s**2 * sp.sqrt(1 - rho**2)),
    ("erf", 0): 2 / _pi * sp.asin(2 * s**2 * rho / (1 + 2 * s**2)),
    ("erf", 1): 4 / _pi / sp.sqrt((1 + 2 * s**2) ** 2 - 4 * s**4 * rho**2),
    ("exp", 0): sp.exp(s**2 * (1 + rho)), ("exp", 1): sp.exp(s**2 * (1 + rho)),
    ("sin", 0): sp.exp(-s**2) * sp.sinh(s**2 * rho), ("sin", 1): sp.exp(-s**2) * sp.cosh(s**2 * rho),
    ("cos", 0): sp.exp(-s**2) * sp.cosh(s**2 * rho), ("cos", 1): sp.exp(-s**2) * sp.sinh(s**2 * rho),
    ("gaussian", 0): 1 / sp.sqrt(_GAUSS_DET), ("gaussian", 1): s**2 * rho / _GAUSS_DET ** sp.Rational(3, 2),
}
_POLYNOMIALS = ("identity", "quadratic", "cubic", "polynomial", "hermite")
_SINGULAR_AT_ONE = {("step", 1), ("sign", 1)}

#: Truncation order of the Hermite series where no closed form exists.
SERIES_ORDER = 60


def _check_derivative(derivative: object) -> int:
    if isinstance(derivative, bool) or not isinstance(derivative, int) or derivative not in (0, 1):
        raise InvalidArgument("derivative", derivative, "0 or 1")
    return int(derivative)


def _poly_degree(name: str, params: dict) -> int:
    act = _activation(name, **params)
    degree = sp.degree(act.expr, _activation("identity").expr)
    return int(degree) if degree.is_finite else 0  # the zero polynomial has degree -oo


def dual_kernel_integral(activation: str, derivative: int = 0, **params: object) -> sp.Expr:
    """The dual kernel as its defining integral over independent standard normals z1, z2, unevaluated:
    u = s z1 and v = s (rho z1 + sqrt(1 - rho^2) z2) have variance s^2 and correlation rho.

    >>> dual_kernel_integral("tanh").function
    exp(-z1**2/2 - z2**2/2)*tanh(s*z1)*tanh(s*(rho*z1 + z2*sqrt(1 - rho**2)))/(2*pi)
    """
    from ._activation import x

    j = _check_derivative(derivative)
    g = _activation(activation, **params).derivative_expr(j)
    z1, z2 = sp.symbols("z1 z2", real=True)
    v = s * (rho * z1 + sp.sqrt(1 - rho**2) * z2)
    weight = sp.exp(-(z1**2 + z2**2) / 2) / (2 * sp.pi)
    return sp.Integral(g.subs(x, s * z1) * g.subs(x, v) * weight, (z1, -sp.oo, sp.oo), (z2, -sp.oo, sp.oo))


def dual_kernel_expr(activation: str, derivative: int = 0, **params: object) -> sp.Expr:
    """The closed form of the dual kernel in ``s`` and ``rho`` (and ``slope``), where one exists.

    >>> dual_kernel_expr("erf")
    2*asin(2*rho*s**2/(2*s**2 + 1))/pi
    """
    j = _check_derivative(derivative)
    _activation(activation, **params)
    if (activation, j) in _FORMS:
        return _FORMS[(activation, j)]
    if activation in _POLYNOMIALS:
        n = _poly_degree(activation, params)
        c = [hermite_coefficient_expr(activation, k, **params) for k in range(n + 1)]
        if j == 0:
            return sp.expand(sum(c[k] ** 2 * rho**k / sp.factorial(k) for k in range(n + 1)))
        return sp.expand(sum((c[k + 1] / s) ** 2 * rho**k / sp.factorial(k) for k in range(n)))
    raise UnknownName("activation with a closed-form dual kernel", activation,
                      sorted({n for n, _ in _FORMS} | set(_POLYNOMIALS)))


@dataclass(frozen=True)
class KernelValue:
    """A dual-kernel value with its error bound and the method that produced it."""

    value: mpmath.mpf
    error: mpmath.mpf
    method: str


_RHO = Interval(-1.0, 1.0)


def dual_kernel(activation: str, rho_value: float, *, scale: float = 1, derivative: int = 0, dps: int = 30,
                method: str = "auto", **params: object) -> KernelValue:
    """E[sigma^(j)(u) sigma^(j)(v)] for Var u = Var v = scale^2, corr(u, v) = ``rho_value``, j = ``derivative``.

    ``method`` is ``"auto"`` (the closed form where one exists, 1-D quadrature at
    |rho| = 1, else the Hermite series where its tail bound meets the target, else
    2-D quadrature) or ``"series"`` (always the series, with its bound: an independent
    check of a closed form, whose error need not meet ``dps``).

    ``dps`` is the precision delivered by ``"auto"``: the returned ``error`` is at most
    2 * 10^-dps * max(1, E[sigma^(j)(sZ)^2]) (a bound for closed forms and series, an estimate
    for quadrature); ``KernelValue.method`` names what was done.

    >>> k = dual_kernel("relu", 1.0, dps=20)
    >>> mpmath.nstr(k.value, 10), k.method
    ('0.5', 'closed form (SymPy)')
    """
    j = _check_derivative(derivative)
    _RHO.validate("rho", rho_value)
    scale = check_scale(scale)
    check_dps(dps)
    act = _activation(activation, **params)
    r = float(rho_value)
    if (activation, j) in _SINGULAR_AT_ONE and abs(r) == 1:
        raise InvalidArgument("rho", r, "in (-1, 1) for the derivative kernel of step/sign (point masses)")
    if method not in ("auto", "series"):
        raise InvalidArgument("method", method, "'auto' or 'series'")
    if method == "auto" and ((activation, j) in _FORMS or activation in _POLYNOMIALS):
        value, error = evaluate_with_error(dual_kernel_expr(activation, j, **params),
                                           {s: scale, rho: r, **parameter_values(act.params)}, dps=dps)
        return KernelValue(value, error, "closed form (SymPy)")
    if (activation, j) in _SINGULAR_AT_ONE and method == "series":
        raise InvalidArgument("method", method, f"'auto' for the derivative kernel of {activation} "
                              "(E[sigma'(sZ)^2] is infinite, so the series has no tail bound)")
    if abs(r) == 1 and method == "auto":
        return _diagonal(act, j, r, scale, dps)
    series, diagonal = _series(activation, act, params, j, r, scale, dps)
    if method == "series":
        return series
    with mpmath.workdps(dps + GUARD_DIGITS):
        target = 2 * mpmath.mpf(10) ** (-dps) * max(1, diagonal)
    if series.error <= target:
        return series
    return _quadrature(act, j, r, scale, dps, target, series)


def _quadrature(act, j: int, r: float, scale: float, dps: int, target, series: KernelValue) -> KernelValue:
    value, error, _, converged = kernel_quadrature(_kernel_integrand(act, j), act.kinks, r, scale, dps, GUARD_DIGITS)
    method = "iterated 2-D quadrature (trapezoid / Gauss-Legendre split at kinks, step halving) with error estimate"
    if error > target or not converged:
        if series.error < error:
            return series
        method += " (target not reached)"
    with mpmath.workdps(dps):
        return KernelValue(+value, +error, method)


def _kernel_integrand(act, j: int):
    return act.mpmath if j == 0 else act.mpmath_derivative


def _diagonal(act, j: int, r: float, scale: float, dps: int) -> KernelValue:
    f = _kernel_integrand(act, j)
    with mpmath.workdps(dps + GUARD_DIGITS):
        sc = mpmath.mpf(scale)
        g = lambda z: f(sc * z) * f(r * sc * z) * mpmath.npdf(z)  # noqa: E731
        points = [-mpmath.inf, *(mpmath.mpf(k) / sc for k in act.kinks), mpmath.inf]
        value, err = mpmath.quad(g, points, error=True)
        error = 2 * err + abs(value) * mpmath.mpf(10) ** (-dps)
    with mpmath.workdps(dps):
        return KernelValue(+value, +error, "one-dimensional tanh-sinh quadrature (|rho| = 1)")


def _series(name: str, act, params: dict, j: int, r: float, scale: float, dps: int):
    expansion = hermite_expansion(name, SERIES_ORDER + j, scale=scale, dps=dps, **params)
    total = _diagonal(act, j, 1.0, scale, dps)
    return hermite_series(expansion.coefficients, expansion.errors, total.value, total.error, r,
                          derivative=j, scale=scale, dps=dps), total.value


def hermite_series(coefficients, errors, diagonal, diagonal_error, rho_value: float, *, derivative: int,
                   scale: float, dps: int) -> KernelValue:
    """sum_k a_k^2 rho^k / k! with a_k = c_{k+j} / s^j, and a bound on truncation and coefficient errors.

    ``diagonal`` is E[sigma^(j)(sZ)^2] (the series at rho = 1) with its error; the
    tail beyond the last term is at most |rho|^(K+1) (diagonal - partial sum at rho = 1).
    """
    j = _check_derivative(derivative)
    _RHO.validate("rho", rho_value)
    order = len(coefficients) - 1 - j
    if order < 0:
        raise InvalidArgument("coefficients", len(coefficients), f"at least {j + 1} Hermite coefficients")
    with mpmath.workdps(dps + GUARD_DIGITS):
        c, e = coefficients[j:], errors[j:]
        div = mpmath.mpf(scale) ** (2 * j)
        terms = [c[k] ** 2 / mpmath.factorial(k) / div for k in range(order + 1)]
        value = sum(t * mpmath.mpf(rho_value) ** k for k, t in enumerate(terms))
        coeff_err = sum((2 * abs(c[k]) * e[k] + e[k] ** 2) / mpmath.factorial(k) / div for k in range(order + 1))
        tail = max(diagonal - sum(terms), 0) + diagonal_error + coeff_err
        error = abs(mpmath.mpf(rho_value)) ** (order + 1) * tail + coeff_err + abs(value) * mpmath.mpf(10) ** (-dps)
    with mpmath.workdps(dps):
        return KernelValue(+value, +error, f"Hermite series to order {order} with tail bound")


@dataclass(frozen=True)
class DualKernel:
    """Prediction callable: the dual kernel at every correlation in ``params['rho']``, scale ``params['s']``.

    ``method`` is passed to :func:`dual_kernel` (``"auto"``: the closed form where one exists).
    """

    activation: str
    derivative: int = 0
    method: str = "auto"

    def expression(self, params=None):
        """The closed form in ``s`` and ``rho``; where there is none, the defining double Gaussian integral,
        unevaluated (:func:`dual_kernel_integral`; the prediction is then computed numerically)."""
        own = {k: v for k, v in (params or {}).items() if k not in ("s", "rho")}
        try:
            return dual_kernel_expr(self.activation, self.derivative, **own)
        except UnknownName:
            return dual_kernel_integral(self.activation, self.derivative, **own)

    def __call__(self, params, *, dps: int) -> tuple:
        return tuple(k.value for k in self.values(params, dps=dps))

    def errors(self, params, *, dps: int) -> tuple:
        """Error bounds of the predicted values."""
        return tuple(k.error for k in self.values(params, dps=dps))

    def values(self, params, *, dps: int) -> tuple[KernelValue, ...]:
        """The kernel values with their error bounds."""
        if "rho" not in params or "s" not in params:
            raise InvalidArgument("parameters", sorted(params), "a mapping with the scale 's' and correlations 'rho'")
        rhos = params["rho"] if isinstance(params["rho"], tuple) else (params["rho"],)
        if isinstance(params["s"], tuple):
            raise InvalidArgument("s", params["s"], "a single number in (0, inf)")
        own = {k: v for k, v in params.items() if k not in ("s", "rho")}
        return tuple(dual_kernel(self.activation, float(r), scale=params["s"], derivative=self.derivative,
                                 dps=max(dps, 15), method=self.method, **own) for r in rhos)
