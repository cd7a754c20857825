"""The activation catalogue. Conventions (x is the pre-activation):

identity; relu = max(x, 0); leaky_relu(slope) = max(x, slope x), 0 <= slope <= 1;
abs = |x|; step = 1{x > 0}; sign; erf = erf(x); tanh; sigmoid = 1/(1 + e^-x);
softplus = log(1 + e^x); gelu = x Phi(x) (exact, Phi the standard normal CDF);
silu = x sigmoid(x); elu(alpha) = x for x > 0, alpha (e^x - 1) below, alpha >= 0;
sin; cos; exp; gaussian = exp(-x^2/2); quadratic = x^2; cubic = x^3;
polynomial(coeffs) = sum_m coeffs[m] x^m; hermite(k) = He_k(x) (probabilists').

``numpy_derivative`` and ``mpmath_derivative`` are the derivatives almost
everywhere (step' = sign' = 0 there); the distributional parts (point masses)
are in :meth:`Activation.derivative_expr`.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import sympy as sp
from numpy.polynomial import hermite_e, polynomial as npoly
from scipy import special

from ._activation import Activation, define, x
from ._domain import NONNEGATIVE, UNIT
from ._errors import InvalidArgument

__all__: list[str] = []

_SQRT_2PI = math.sqrt(2 * math.pi)


def _slope(v: object) -> None:
    UNIT.validate("slope", v)


def _alpha(v: object) -> None:
    NONNEGATIVE.validate("alpha", v)


def _coeffs(v: object) -> None:
    ok = isinstance(v, (tuple, list)) and len(v) > 0 and all(
        isinstance(c, (int, float)) and not isinstance(c, bool) and math.isfinite(c) for c in v)
    if not ok:
        raise InvalidArgument("coeffs", v, "a non-empty tuple of finite real numbers")


def _order(v: object) -> None:
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise InvalidArgument("k", v, "a non-negative integer")


def _mp_sigmoid(v):
    return 1 / (1 + mpmath.exp(-v))


def _act(name, expr, f, df, mf, mdf, **kw) -> Activation:
    return Activation(name, kw.pop("params", {}), expr, f, df, mf, mdf, **kw)


@define("identity")
def _identity():
    return _act("identity", x, lambda v: np.asarray(v, float), lambda v: np.ones_like(v, dtype=float),
                lambda v: v, lambda v: mpmath.mpf(1), parity="odd", degree=1)


@define("relu")
def _relu():
    return _act("relu", sp.Max(x, 0), lambda v: np.maximum(v, 0.0), lambda v: (v > 0).astype(float),
                lambda v: v if v > 0 else mpmath.mpf(0), lambda v: mpmath.mpf(v > 0), kinks=(0.0,), degree=1)


@define("leaky_relu", {"slope": _slope})
def _leaky_relu(slope: float = 0.01):
    b = float(slope)
    return _act("leaky_relu", sp.Float(b) * x + (1 - sp.Float(b)) * sp.Max(x, 0),
                lambda v: np.where(v > 0, v, b * v), lambda v: np.where(v > 0, 1.0, b),
                lambda v: v if v > 0 else b * v, lambda v: mpmath.mpf(1) if v > 0 else mpmath.mpf(b),
                params={"slope": b}, kinks=(0.0,), degree=1)


@define("abs")
def _abs():
    return _act("abs", sp.Abs(x), np.abs, np.sign, abs, mpmath.sign, kinks=(0.0,), parity="even", degree=1)


@define("step")
def _step():
    return _act("step", sp.Heaviside(x), lambda v: (v > 0).astype(float), lambda v: np.zeros_like(v, dtype=float),
                lambda v: mpmath.mpf(v > 0), lambda v: mpmath.mpf(0), kinks=(0.0,), degree=0)


@define("sign")
def _sign():
    return _act("sign", sp.sign(x), np.sign, lambda v: np.zeros_like(v, dtype=float),
                mpmath.sign, lambda v: mpmath.mpf(0), kinks=(0.0,), parity="odd", degree=0)


@define("erf")
def _erf():
    return _act("erf", sp.erf(x), special.erf, lambda v: 2 / math.sqrt(math.pi) * np.exp(-np.square(v)),
                mpmath.erf, lambda v: 2 / mpmath.sqrt(mpmath.pi) * mpmath.exp(-v * v), parity="odd")


@define("tanh", closed_form=False)
def _tanh():
    return _act("tanh", sp.tanh(x), np.tanh, lambda v: 1 - np.tanh(v) ** 2,
                mpmath.tanh, lambda v: mpmath.sech(v) ** 2, parity="odd")


@define("sigmoid", closed_form=False)
def _sigmoid():
    return _act("sigmoid", 1 / (1 + sp.exp(-x)), special.expit, lambda v: special.expit(v) * special.expit(-v),
                _mp_sigmoid, lambda v: _mp_sigmoid(v) * _mp_sigmoid(-v))


@define("softplus", closed_form=False)
def _softplus():
    return _act("softplus", sp.log(1 + sp.exp(x)), lambda v: np.logaddexp(0.0, v), special.expit,
                lambda v: mpmath.log1p(mpmath.exp(v)), _mp_sigmoid)


@define("gelu")
def _gelu():
    return _act("gelu", x * (1 + sp.erf(x / sp.sqrt(2))) / 2, lambda v: v * special.ndtr(v),
                lambda v: special.ndtr(v) + v * np.exp(-np.square(v) / 2) / _SQRT_2PI,
                lambda v: v * mpmath.ncdf(v), lambda v: mpmath.ncdf(v) + v * mpmath.npdf(v))


@define("silu", closed_form=False)
def _silu():
    return _act("silu", x / (1 + sp.exp(-x)), lambda v: v * special.expit(v),
                lambda v: special.expit(v) * (1 + v * special.expit(-v)),
                lambda v: v * _mp_sigmoid(v), lambda v: _mp_sigmoid(v) * (1 + v * _mp_sigmoid(-v)))


@define("elu", {"alpha": _alpha}, closed_form=False)
def _elu(alpha: float = 1.0):
    a = float(alpha)
    A = sp.Float(a)
    first = sp.Heaviside(x) + A * sp.exp(x) * sp.Heaviside(-x)
    second = A * sp.exp(x) * sp.Heaviside(-x) + (1 - A) * sp.DiracDelta(x)
    return _act("elu", sp.Piecewise((x, x > 0), (A * (sp.exp(x) - 1), True)),
                lambda v: np.where(v > 0, v, a * np.expm1(np.minimum(v, 0.0))),
                lambda v: np.where(v > 0, 1.0, a * np.exp(np.minimum(v, 0.0))),
                lambda v: v if v > 0 else a * mpmath.expm1(v), lambda v: mpmath.mpf(1) if v > 0 else a * mpmath.exp(v),
                params={"alpha": a}, kinks=(0.0,), derivatives=(first, second))


@define("sin")
def _sin():
    return _act("sin", sp.sin(x), np.sin, np.cos, mpmath.sin, mpmath.cos, parity="odd")


@define("cos")
def _cos():
    return _act("cos", sp.cos(x), np.cos, lambda v: -np.sin(v), mpmath.cos, lambda v: -mpmath.sin(v), parity="even")


@define("exp")
def _exp():
    return _act("exp", sp.exp(x), np.exp, np.exp, mpmath.exp, mpmath.exp)


@define("gaussian")
def _gaussian():
    return _act("gaussian", sp.exp(-x**2 / 2), lambda v: np.exp(-np.square(v) / 2),
                lambda v: -v * np.exp(-np.square(v) / 2), lambda v: mpmath.exp(-v * v / 2),
                lambda v: -v * mpmath.exp(-v * v / 2), parity="even")


def _poly(name: str, coeffs: tuple, params: dict) -> Activation:
    c = tuple(float(v) for v in coeffs)
    dc = tuple(float(v) for v in npoly.polyder(c)) or (0.0,)
    exact = [sp.Integer(v) if float(v).is_integer() else sp.Rational(v) for v in c]
    expr = sp.Add(*(a * x**m for m, a in enumerate(exact)))
    odd = all(v == 0 for v in c[0::2])
    even = all(v == 0 for v in c[1::2])
    nonzero = [m for m, v in enumerate(c) if v != 0]
    degree = nonzero[0] if len(nonzero) == 1 else None
    return _act(name, expr, lambda v: npoly.polyval(v, c), lambda v: npoly.polyval(v, dc),
                lambda v: mpmath.polyval(list(c[::-1]), v), lambda v: mpmath.polyval(list(dc[::-1]), v),
                params=params, parity="odd" if odd and not even else "even" if even and not odd else None,
                degree=degree)


@define("quadratic")
def _quadratic():
    return _poly("quadratic", (0, 0, 1), {})


@define("cubic")
def _cubic():
    return _poly("cubic", (0, 0, 0, 1), {})


@define("polynomial", {"coeffs": _coeffs})
def _polynomial(coeffs: tuple = (0.0, 1.0)):
    return _poly("polynomial", tuple(coeffs), {"coeffs": tuple(float(v) for v in coeffs)})


def _mp_hermite(k: int, v):
    a, b = mpmath.mpf(1), v
    if k == 0:
        return a
    for n in range(1, k):
        a, b = b, v * b - n * a
    return b


@define("hermite", {"k": _order})
def _hermite(k: int = 1):
    basis = [0.0] * k + [1.0]
    return _act("hermite", sp.hermite_prob(k, x), lambda v: hermite_e.hermeval(v, basis),
                lambda v: k * hermite_e.hermeval(v, basis[1:]) if k else np.zeros_like(v, dtype=float),
                lambda v: _mp_hermite(k, v), lambda v: k * _mp_hermite(k - 1, v) if k else mpmath.mpf(0),
                params={"k": k}, parity="odd" if k % 2 else "even", degree=None)
