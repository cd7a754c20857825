r"""Exact Hermite coefficients c_k(s) = E[sigma(sZ) He_k(Z)] as SymPy expressions in s, for general k.

He_k are the probabilists' Hermite polynomials (He_2 = z^2 - 1), Z ~ N(0, 1),
s > 0. Every formula below is **derived by us** from three standard facts:

* generating function: sum_k He_k(z) t^k / k! = exp(t z - t^2/2);
* Rodrigues: (He_{k-1} phi)' = -He_k phi, so int_0^inf He_k phi = He_{k-1}(0) phi(0);
* recurrence: z He_k = He_{k+1} + k He_{k-1}; and He_n(0) = 0 (n odd), (-1)^(n/2) (n-1)!! (n even).

Resulting closed forms (phi0 = 1/sqrt(2 pi); [P] is 1 if P holds, else 0):

* monomial x^m: c_k = s^m m! / (2^j j!) with m - k = 2j >= 0 (else 0); polynomials by linearity.
* exp: c_k = s^k e^{s^2/2}.  cos: (-1)^(k/2) s^k e^{-s^2/2} [k even].  sin: (-1)^((k-1)/2) s^k e^{-s^2/2} [k odd].
* Gaussian-weighted G(a, k) := E[e^{-a Z^2} He_k(Z)] = (1+2a)^(-1/2) k!/j! (-a/(1+2a))^j [k = 2j].
  gaussian e^{-x^2/2}: c_k = G(s^2/2, k).  erf: c_k = (2 s / sqrt(pi)) G(s^2, k-1) (Stein, k >= 1).
* step 1{x>0}: c_0 = 1/2, c_k = phi0 He_{k-1}(0).  sign: c_0 = 0, c_k = 2 phi0 He_{k-1}(0).
* relu: c_k = s R_k with R_0 = phi0, R_1 = 1/2, R_k = phi0 (He_k(0) + k He_{k-2}(0)) (k >= 2).
  leaky_relu(b) = b x + (1-b) relu; abs = 2 relu - x.
* gelu x Phi(x): c_k = s (P_{k+1} + k P_{k-1}), with P_0 = 1/2 and P_m = s phi0 G(s^2/2, m-1) (m >= 1)
  the coefficients of Phi(sx).
"""

from __future__ import annotations

import functools
from typing import Callable

import sympy as sp

from ._activation import x
from ._errors import InvalidArgument, UnknownName

__all__ = ["hermite_coefficient_expr", "CLOSED_FORM_HERMITE", "check_order", "gaussian_integral"]

s = sp.Symbol("s", positive=True)
_PHI0 = 1 / sp.sqrt(2 * sp.pi)


def check_order(name: str, k: object) -> int:
    """``k`` as a non-negative int, or InvalidArgument naming ``name``."""
    if isinstance(k, bool) or not isinstance(k, int) or k < 0:
        raise InvalidArgument(name, k, "a non-negative integer")
    return k


def _he0(n: int) -> sp.Integer:
    """He_n(0)."""
    if n < 0 or n % 2:
        return sp.Integer(0)
    return (-1) ** (n // 2) * sp.factorial2(n - 1)


def _monomial(m: int, k: int) -> sp.Expr:
    """E[(sZ)^m He_k(Z)]."""
    if k > m or (m - k) % 2:
        return sp.Integer(0)
    j = (m - k) // 2
    return s**m * sp.factorial(m) / (2**j * sp.factorial(j))


def _gauss_weighted(a: sp.Expr, k: int) -> sp.Expr:
    """E[exp(-a Z^2) He_k(Z)]."""
    if k < 0 or k % 2:
        return sp.Integer(0)
    j = k // 2
    return sp.factorial(k) / sp.factorial(j) * (-a / (1 + 2 * a)) ** j / sp.sqrt(1 + 2 * a)


def _relu_unit(k: int) -> sp.Expr:
    if k == 0:
        return _PHI0
    if k == 1:
        return sp.Rational(1, 2)
    return _PHI0 * (_he0(k) + k * _he0(k - 2))


def _phi_cdf(m: int) -> sp.Expr:
    """E[Phi(sZ) He_m(Z)]."""
    return sp.Rational(1, 2) if m == 0 else s * _PHI0 * _gauss_weighted(s**2 / 2, m - 1)


def _delta(k: int, j: int) -> int:
    return int(k == j)


def _polynomial(coeffs: tuple) -> Callable[[int], sp.Expr]:
    exact = [sp.Rational(c) if not isinstance(c, int) else sp.Integer(c) for c in coeffs]
    return lambda k: sp.Add(*(c * _monomial(m, k) for m, c in enumerate(exact)))


def _hermite_poly(n: int) -> Callable[[int], sp.Expr]:
    z = sp.Symbol("z")
    coeffs = sp.Poly(sp.hermite_prob(n, z), z).all_coeffs()[::-1]
    return _polynomial(tuple(int(c) for c in coeffs))


_SLOPE = sp.Symbol("slope", nonnegative=True)

CLOSED_FORM_HERMITE: dict[str, Callable[..., Callable[[int], sp.Expr]]] = {
    "identity": lambda: lambda k: s * _delta(k, 1),
    "quadratic": lambda: lambda k: _monomial(2, k),
    "cubic": lambda: lambda k: _monomial(3, k),
    "polynomial": lambda coeffs: _polynomial(tuple(coeffs)),
    "hermite": lambda k: _hermite_poly(k),
    "exp": lambda: lambda k: s**k * sp.exp(s**2 / 2),
    "cos": lambda: lambda k: (-1) ** (k // 2) * s**k * sp.exp(-s**2 / 2) if k % 2 == 0 else sp.Integer(0),
    "sin": lambda: lambda k: (-1) ** ((k - 1) // 2) * s**k * sp.exp(-s**2 / 2) if k % 2 else sp.Integer(0),
    "gaussian": lambda: lambda k: _gauss_weighted(s**2 / 2, k),
    "erf": lambda: lambda k: 2 * s / sp.sqrt(sp.pi) * _gauss_weighted(s**2, k - 1) if k else sp.Integer(0),
    "step": lambda: lambda k: sp.Rational(1, 2) if k == 0 else _PHI0 * _he0(k - 1),
    "sign": lambda: lambda k: sp.Integer(0) if k == 0 else 2 * _PHI0 * _he0(k - 1),
    "relu": lambda: lambda k: s * _relu_unit(k),
    "leaky_relu": lambda slope=None: lambda k: _SLOPE * s * _delta(k, 1) + (1 - _SLOPE) * s * _relu_unit(k),
    "abs": lambda: lambda k: 2 * s * _relu_unit(k) - s * _delta(k, 1),
    "gelu": lambda: lambda k: s * (_phi_cdf(k + 1) + k * _phi_cdf(k - 1)) if k else s * _phi_cdf(1),
}


def hermite_coefficient_expr(name: str, k: int, /, **params: object) -> sp.Expr:
    """The exact c_k(s) = E[sigma(sZ) He_k(Z)] of activation ``name`` as a SymPy expression.

    The expression is in the scale symbol ``s`` (and ``slope`` for leaky ReLU,
    bound at evaluation). Raises UnknownName where no closed form exists
    (tanh, sigmoid, softplus, silu, elu: use :func:`theory.hermite_coefficients`).

    >>> hermite_coefficient_expr("relu", 2)
    sqrt(2)*s/(2*sqrt(pi))
    >>> hermite_coefficient_expr("erf", 3)
    -4*s**3/(sqrt(pi)*(2*s**2 + 1)**(3/2))
    """
    from ._activations import activation  # local: the catalogue imports nothing from here

    check_order("k", k)
    if name not in CLOSED_FORM_HERMITE:
        raise UnknownName("activation with closed-form Hermite coefficients", name, list(CLOSED_FORM_HERMITE))
    bound = activation(name, **params).params  # validates the parameters (before the cache) and fills in defaults
    own = tuple(sorted((key, tuple(v) if isinstance(v, list) else v) for key, v in bound.items() if key != "slope"))
    try:
        hash(own)
    except TypeError:  # a parameter value that cannot key a cache
        return _closed_form.__wrapped__(name, k, own)
    return _closed_form(name, k, own)


@functools.lru_cache(maxsize=4096)  # SymPy expressions are immutable; simplify() makes a repeat costly (~15 ms)
def _closed_form(name: str, k: int, own: tuple) -> sp.Expr:
    """c_k of ``name`` from its factory, for validated parameters ``own`` ((name, value) pairs, slope left out)."""
    expr = CLOSED_FORM_HERMITE[name](**dict(own))(k)
    return sp.simplify(expr) if k <= 2 else expr


#: the standard normal variable of the integrals a prediction without a closed form shows
z = sp.Symbol("z", real=True)


def gaussian_integral(g: sp.Expr, weight: sp.Expr = sp.Integer(1)) -> sp.Integral:
    """E[g(sZ) weight(Z)], Z ~ N(0, 1), as an unevaluated integral over z: ``g`` is in the activation variable
    :data:`x`, ``weight`` in ``z``. What a prediction without a closed form computes numerically, for display.

    >>> gaussian_integral(sp.tanh(x))
    Integral(sqrt(2)*exp(-z**2/2)*tanh(s*z)/(2*sqrt(pi)), (z, -oo, oo))
    """
    return sp.Integral(g.subs(x, s * z) * weight * sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi), (z, -sp.oo, sp.oo))
