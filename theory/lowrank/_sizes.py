r"""Ingredients of the low-rank regimes that depend on the activation and the bulk: Gaussian moments at the typical
pre-activation scale s, and s itself as a function of n for the bulk spectrum lambda_k = k^(-alpha).

**Derived by us** (our note, sections 3.3-3.4), not the paper's.

Moments (Z ~ N(0, 1)): mu0(s) = E sigma(sZ), mu(s) = E sigma'(sZ), mu2(s) = E sigma''(sZ) (distributional),
v(s) = sd sigma'(sZ). Each comes from the activation library's closed form in s. Where the library has none:

* it is 0 when parity forces it (sigma^(k) odd, checked symbolically: sigmoid'' is odd because sigmoid - 1/2 is);
* at alpha = 0 (s = Theta(1)) it is a named non-zero constant (its value does not change exponents of n);
* at alpha > 0 (s -> 0) its leading term as s -> 0 is the Taylor expansion at 0, E sigma^(k)(sZ) =
  sum_j sigma^(k+2j)(0) s^(2j) / (2^j j!), and sd sigma'(sZ) ~ |sigma^(1+i)(0)| sqrt(Var Z^i) s^i / i! with i >= 1
  the first order where sigma^(1+i)(0) != 0: valid only for an activation without kinks;
  for a kinked one without closed form (elu) the exponents at alpha > 0 are not derived.

Step and sign have a point mass for sigma': Var sigma'(sZ) is not finite, and v is a *formal* named constant.

Bulk: s^2 = tr(Sigma_hat)/d with tr(Sigma_hat^k) = H_d^(k alpha) = sum_{j <= d} j^(-k alpha), asymptotically
d (k alpha = 0), d^(1 - k alpha)/(1 - k alpha) (k alpha < 1), log d (k alpha = 1), zeta(k alpha) (k alpha > 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from .._activations import activation, x
from .._errors import InvalidArgument, UnknownName
from .._gaussian import PARAMETER_SYMBOLS, gaussian_moment, s
from ._exponents import n

__all__ = ["MOMENT_NAMES", "FORMULAS", "TERMS", "Moment", "moments", "bulk_trace", "typical_scale"]

#: key -> (symbol, library quantity, words).
MOMENT_NAMES = {
    "mean": (sp.Symbol("mu0", real=True), "mean", "E sigma(sZ)"),
    "mu": (sp.Symbol("mu", real=True), "mean_derivative", "E sigma'(sZ)"),
    "second": (sp.Symbol("mu2", real=True), "mean_second_derivative", "E sigma''(sZ)"),
    "sd": (sp.Symbol("v", nonnegative=True), "variance_derivative", "sd sigma'(sZ)"),
}
kappa, delta, rho, R, sigma_r, c_y = sp.symbols("kappa delta rho R sigma_r c_y", positive=True)
gamma, zeta, m, W_q, c = sp.symbols("gamma zeta m W_q c", positive=True)
rbar = sp.Symbol("rbar", real=True)
mu0, mu, mu2, v = (MOMENT_NAMES[k][0] for k in ("mean", "mu", "second", "sd"))

#: The sizes in the named symbols (c and rbar are replaced by their own orders).
FORMULAS = {
    "S1": gamma * rho * sp.Abs(mu) * sp.sqrt(m),
    "S2_drift": gamma * zeta**2 * sp.Abs(rbar) * sp.Abs(mu2) * W_q,
    "S2_fluctuation": gamma * zeta * sp.sqrt(m / n) * sigma_r * v,
    "S12_drift": gamma * zeta**2 * c * sp.Abs(mu) * sp.sqrt(m),
    "S12_fluctuation": gamma * zeta / sp.sqrt(n) * sigma_r * sp.Abs(mu) * sp.sqrt(m),
    "E_bulk": gamma * sigma_r * v,
    "E_spike": gamma * zeta * sp.sqrt(delta) * sigma_r * sp.Abs(mu2) * W_q,
}
TERMS = ("S2", "S12")

_ORDER = {"mean": 0, "mu": 1, "second": 2}
_TAYLOR_TERMS = 8


@dataclass(frozen=True)
class Moment:
    """One Gaussian moment: ``display`` (closed form in s, 0, or a named constant) for the printed sizes;
    ``leading`` its order-of-magnitude stand-in in s (the value at s = 1 for alpha = 0, else c s^p as s -> 0;
    None where it is not derived); ``source`` says where it comes from, in words."""

    key: str
    display: sp.Expr
    leading: sp.Expr | None
    source: str
    zero_by_parity: bool = False


def _odd(act, k: int) -> bool:
    f = act.derivative_expr(k)
    return sp.simplify(f.subs(x, -x) + f) == 0


def _derivative_at_zero(act, k: int) -> sp.Expr:
    value = sp.simplify(act.derivative_expr(k).subs(x, 0))
    return sp.nsimplify(value, rational=True) if value.has(sp.Float) else value


def _taylor_mean(act, k: int) -> sp.Expr | None:
    """Leading term of E sigma^(k)(sZ) as s -> 0, from the Taylor series of sigma at 0 (no kinks)."""
    for j in range(_TAYLOR_TERMS):
        c = _derivative_at_zero(act, k + 2 * j) / (2**j * sp.factorial(j))
        if c != 0:
            return c * s ** (2 * j)
    return None


def _taylor_sd(act) -> sp.Expr | None:
    """Leading term of sd sigma'(sZ) as s -> 0: |sigma^(1+i)(0)| sqrt(Var Z^i) s^i / i!, i the first order >= 1."""
    for i in range(1, _TAYLOR_TERMS):
        c = _derivative_at_zero(act, 1 + i)
        if c != 0:
            var = sp.factorial2(2 * i - 1) - (sp.factorial2(i - 1) if i % 2 == 0 else 0) ** 2
            return sp.Abs(c) * sp.sqrt(var) * s**i / sp.factorial(i)
    return None


def _exact(value: object) -> sp.Expr:
    """A parameter value as an exact number for display (0.3 -> 3/10, the decimal the user wrote)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    return sp.Integer(value) if isinstance(value, int) else sp.Rational(repr(float(value)))


def _closed(name: str, quantity: str, params: dict) -> sp.Expr | None:
    try:
        expr = gaussian_moment(name, quantity, **params)
    except UnknownName:
        return None
    except InvalidArgument:  # step, sign: sigma' is a point mass, Var sigma' is not finite
        return None
    if "slope" in params:
        expr = expr.subs(PARAMETER_SYMBOLS["slope"], _exact(params["slope"]))
    return sp.nsimplify(expr, rational=True) if expr.has(sp.Float) else expr


@lru_cache(maxsize=512)
def moments(name: str, params: tuple, small_scale: bool) -> dict[str, Moment]:
    """The four moments of ``name`` with ``params`` (sorted (key, value) pairs); ``small_scale``: s -> 0 (alpha > 0)
    instead of s = 1 (alpha = 0)."""
    kw = dict(params)
    act = activation(name, **kw)
    point_mass = name in ("step", "sign")
    out = {}
    for key, (symbol, quantity, words) in MOMENT_NAMES.items():
        closed = _closed(name, quantity, kw)
        parity = key != "sd" and _odd(act, _ORDER[key])
        if key == "sd" and closed is not None:
            closed = sp.sqrt(closed)
        if closed is not None:
            source = "closed form (activation library)"
            display = closed
            leading = sp.simplify(closed.subs(s, 1)) if not small_scale else _leading(closed)
        elif parity:
            odd = "sigma" + "'" * _ORDER[key]
            display, leading, source = sp.Integer(0), sp.Integer(0), f"zero by parity ({odd} is odd)"
        elif key == "sd" and act.derivative_expr(2) == 0:
            display, leading, source = sp.Integer(0), sp.Integer(0), "zero (sigma' is constant)"
        elif key == "sd" and point_mass:
            display = leading = symbol
            source = (f"formal named constant: {name}'s sigma' is a point mass at 0, so {words} is not finite; "
                      "the fluctuation sizes that carry v are formal")
        elif not small_scale:
            display = leading = symbol
            source = f"named non-zero constant: the library has no closed form of {words}"
        elif act.kinks:
            display, leading = symbol, None
            source = (f"not derived: no closed form of {words} in s, and the kink of {name} at 0 rules out a Taylor "
                      "expansion in s")
        else:
            display = symbol
            leading = _taylor_sd(act) if key == "sd" else _taylor_mean(act, _ORDER[key])
            leading = sp.Integer(0) if leading is None else leading
            source = f"no closed form; leading term as s -> 0 from the Taylor series of {name} at 0: {leading}"
        out[key] = Moment(key, display, leading, source, zero_by_parity=parity)
    return out


def _leading(expr: sp.Expr) -> sp.Expr:
    if expr == 0:
        return sp.Integer(0)
    return sp.simplify(expr.as_leading_term(s))


def bulk_trace(k: int, alpha: sp.Rational, d: sp.Expr) -> sp.Expr:
    """tr(Sigma_hat^k) = H_d^(k alpha) to leading order in d (see the module docstring).

    >>> bulk_trace(1, sp.Rational(1, 2), sp.Symbol("d", positive=True))
    2*sqrt(d)
    """
    a = k * alpha
    if a == 0:
        return d
    if a < 1:
        return d ** (1 - a) / (1 - a)
    if a == 1:
        return sp.log(d)
    return sp.zeta(a)


def typical_scale(alpha: sp.Rational, d: sp.Expr) -> sp.Expr:
    """s = sqrt(tr(Sigma_hat)/d) as a function of n: 1 at alpha = 0, Theta(n^(-alpha/2)) for 0 < alpha < 1,
    Theta(sqrt(log n / n)) at alpha = 1, Theta(n^(-1/2)) for alpha > 1."""
    return sp.sqrt(bulk_trace(1, alpha, d) / d)
