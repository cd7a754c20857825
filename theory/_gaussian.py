r"""Gaussian moments of an activation at input scale s, Z ~ N(0, 1):

* ``mean``: E[sigma(sZ)] = c_0;
* ``mean_derivative``: E[sigma'(sZ)] = c_1 / s (Stein);
* ``mean_second_derivative``: E[sigma''(sZ)] = c_2 / s^2 (Stein, twice; distributional sigma'');
* ``second_moment``: E[sigma(sZ)^2] = K_0(rho = 1);
* ``variance_derivative``: Var sigma'(sZ) = K_1(1) - (c_1/s)^2,

with c_k the Hermite coefficients of :mod:`theory._hermite` and K_j the dual
kernels of :mod:`theory._dual_kernel`. These moments set the residue spike (c_1),
the data-spike drift (c_2) and the NTK initial mean (c_0) of arXiv 2510.01303
(our note, section 3.4). Provenance: **derived by us**.

GELU's second moment has no dual-kernel closed form here; it is derived
directly: Stein's identity on Z^2 Phi(sZ)^2 gives E[Phi(sZ)^2] + 2s E[Z phi(sZ) Phi(sZ)], with
E[Phi(sZ)^2] = 1/4 + asin(s^2/(1+s^2))/(2 pi) and E[Z phi(sZ) Phi(sZ)] = s / (2 pi (1+s^2) sqrt(1+2s^2)).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Mapping

import mpmath
import sympy as sp

from ._activations import activation as _activation
from ._activations import split_parameters
from ._coefficients import check_dps, check_scale, hermite_expansion, parameter_values
from ._derivatives import derivative_function
from ._dual_kernel import KernelValue, dual_kernel, dual_kernel_expr, rho
from ._errors import InvalidArgument, UnknownName
from ._evaluate import GUARD_DIGITS, evaluate_with_error
from ._hermite import gaussian_integral, hermite_coefficient_expr, s

__all__ = ["s", "PARAMETER_SYMBOLS", "QUANTITIES", "gaussian_moment", "gaussian_moment_integral",
           "gaussian_moment_value", "gaussian_integrand", "GaussianMoment"]

#: Names of the Gaussian moments.
QUANTITIES = ("mean", "mean_derivative", "mean_second_derivative", "second_moment", "variance_derivative")

#: Symbols of activation parameters in the closed forms (bound at evaluation time
#: to the exact binary value of the float, like the numeric integrands).
PARAMETER_SYMBOLS = {"slope": sp.Symbol("slope", nonnegative=True)}

_pi = sp.pi
_GELU_SECOND = (s**2 / 4 + s**2 / (2 * _pi) * sp.asin(s**2 / (1 + s**2))
                + s**4 / (_pi * (1 + s**2) * sp.sqrt(1 + 2 * s**2)))
_NO_DERIVATIVE_VARIANCE = ("step", "sign")


def _check_quantity(quantity: str) -> None:
    if quantity not in QUANTITIES:
        raise UnknownName("Gaussian quantity", quantity, QUANTITIES)


def _structural(params: Mapping[str, object]) -> tuple:
    """The parameters that change the form of a closed form (all but the symbolic ``slope``), hashable."""
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items() if k != "slope"))


@lru_cache(maxsize=256)
def _closed(name: str, quantity: str, frozen: tuple) -> sp.Expr:
    params = dict(frozen)
    if quantity == "variance_derivative" and name in _NO_DERIVATIVE_VARIANCE:
        raise InvalidArgument("quantity", quantity, f"defined for {name} (its derivative is a point mass)")
    if quantity in ("mean", "mean_derivative", "mean_second_derivative"):
        k = QUANTITIES.index(quantity)
        return sp.simplify(hermite_coefficient_expr(name, k, **params) / s**k)
    if quantity == "second_moment":
        return _GELU_SECOND if name == "gelu" else sp.simplify(dual_kernel_expr(name, 0, **params).subs(rho, 1))
    mu = hermite_coefficient_expr(name, 1, **params) / s
    return sp.simplify(dual_kernel_expr(name, 1, **params).subs(rho, 1) - mu**2)


def gaussian_moment(activation: str, quantity: str, **params: object) -> sp.Expr:
    """The closed form of ``quantity`` for ``activation``, in :data:`s` (and ``slope``).

    >>> gaussian_moment("leaky_relu", "second_moment")
    s**2*(slope**2 + 1)/2
    >>> gaussian_moment("erf", "mean_derivative")
    2/(sqrt(pi)*sqrt(2*s**2 + 1))
    >>> gaussian_moment("relu", "mean_second_derivative")
    sqrt(2)/(2*sqrt(pi)*s)
    """
    _check_quantity(quantity)
    _activation(activation, **params)  # validates the activation and the parameters
    return _closed(activation, quantity, _structural(params))


def gaussian_moment_integral(activation: str, quantity: str, **params: object) -> sp.Expr:
    """``quantity`` as its defining Gaussian integral in :data:`s`, unevaluated: what is computed by quadrature
    where :func:`gaussian_moment` has no closed form (shown by reports instead of "numerical").

    >>> gaussian_moment_integral("tanh", "mean_derivative")
    Integral(sqrt(2)*(1 - tanh(s*z)**2)*exp(-z**2/2)/(2*sqrt(pi)), (z, -oo, oo))
    """
    _check_quantity(quantity)
    act = _activation(activation, **params)
    if quantity == "variance_derivative":
        return gaussian_integral(act.derivative_expr(1) ** 2) - gaussian_integral(act.derivative_expr(1)) ** 2
    if quantity == "second_moment":
        return gaussian_integral(act.expr**2)
    return gaussian_integral(act.derivative_expr(QUANTITIES.index(quantity)) if quantity != "mean" else act.expr)


def gaussian_moment_value(activation: str, quantity: str, *, scale: float = 1, dps: int = 30,
                          **params: object) -> KernelValue:
    """``quantity`` at ``scale`` with an error bound: the closed form where one exists, else quadrature."""
    _check_quantity(quantity)
    scale, act = check_scale(scale), _activation(activation, **params)
    check_dps(dps)
    try:
        expr = gaussian_moment(activation, quantity, **params)
    except UnknownName:
        return _numeric(activation, quantity, scale, dps, params)
    value, error = evaluate_with_error(expr, {s: scale, **parameter_values(act.params)}, dps=dps)
    return KernelValue(value, error, "closed form (SymPy)")


def _numeric(name: str, quantity: str, scale: float, dps: int, params: dict) -> KernelValue:
    if quantity == "second_moment":
        return dual_kernel(name, 1.0, scale=scale, dps=dps, **params)
    if quantity == "variance_derivative":
        second = dual_kernel(name, 1.0, scale=scale, derivative=1, dps=dps, **params)
        mu = gaussian_moment_value(name, "mean_derivative", scale=scale, dps=dps, **params)
        with mpmath.workdps(dps + GUARD_DIGITS):
            value = second.value - mu.value**2
            error = second.error + 2 * abs(mu.value) * mu.error + mu.error**2
        return KernelValue(value, error, second.method)
    k = QUANTITIES.index(quantity)
    e = hermite_expansion(name, k, scale=scale, dps=dps, **params)
    with mpmath.workdps(dps + GUARD_DIGITS):
        div = mpmath.mpf(scale) ** k
        return KernelValue(e.coefficients[k] / div, e.errors[k] / div, e.method)


def gaussian_integrand(act, quantity: str, backend: str) -> Callable:
    """g with E[g(sZ)] = ``quantity`` for ``mean``, ``mean_derivative``, ``second_moment`` and
    ``mean_second_derivative`` (the last only for activations without kinks, where sigma'' has no point mass)."""
    if quantity not in ("mean", "mean_derivative", "second_moment", "mean_second_derivative"):
        raise InvalidArgument("quantity", quantity, "'mean', 'mean_derivative', 'mean_second_derivative' or "
                              "'second_moment' for an integrand")
    if backend not in ("numpy", "mpmath"):
        raise InvalidArgument("backend", backend, "'numpy' or 'mpmath'")
    if quantity == "mean_second_derivative":
        if act.kinks:
            raise InvalidArgument("activation", act.name, "an activation without kinks (sigma'' would carry a "
                                  "point mass that an integrand cannot represent)")
        return derivative_function(act.name, 2, backend=backend, **dict(act.params))
    f = act.numpy if backend == "numpy" else act.mpmath
    if quantity == "mean":
        return f
    if quantity == "mean_derivative":
        return act.numpy_derivative if backend == "numpy" else act.mpmath_derivative
    return lambda v: f(v) * f(v)


@dataclass(frozen=True)
class GaussianMoment:
    """Prediction callable: ``quantity`` at every scale in ``params['s']``, from its closed form
    (or, where none exists, from arbitrary-precision quadrature, see :func:`gaussian_moment_value`).

    >>> pred = GaussianMoment("relu", "second_moment")
    >>> [str(v) for v in pred({"s": (1.0, 2.0)}, dps=10)]
    ['0.5', '2.0']
    """

    activation: str
    quantity: str

    def expression(self, params: Mapping[str, object] | None = None) -> sp.Expr | None:
        """The closed form, in :data:`s` and the activation's parameter symbols; where there is none, the defining
        integral, unevaluated (the prediction is then that integral by quadrature)."""
        own = split_parameters(self.activation, params)[1] if params else {}
        try:
            return gaussian_moment(self.activation, self.quantity, **own)
        except UnknownName:
            return gaussian_moment_integral(self.activation, self.quantity, **own)

    def __call__(self, params: Mapping[str, object], *, dps: int) -> tuple[mpmath.mpf, ...]:
        return tuple(k.value for k in self._values(params, dps))

    def errors(self, params: Mapping[str, object], *, dps: int) -> tuple:
        """Error bounds of the predicted values (rounding for closed forms, quadrature bounds otherwise)."""
        return tuple(k.error for k in self._values(params, dps))

    def _values(self, params: Mapping[str, object], dps: int) -> tuple[KernelValue, ...]:
        scales, own = split_parameters(self.activation, params)
        return tuple(gaussian_moment_value(self.activation, self.quantity, scale=v, dps=max(dps, 15), **own)
                     for v in scales)
