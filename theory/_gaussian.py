r"""Closed forms of Gaussian expectations of activations at input scale s.

For Z ~ N(0, 1) and s > 0 this module gives, as SymPy expressions in the
symbol :data:`s`,

* ``mean_derivative``: :math:`\mu(s) = E[\sigma'(sZ)]`, the linear Hermite
  component (Stein: :math:`\mu(s) = E[Z\sigma(sZ)]/s`), which sets the residue
  spike S1 of arXiv 2510.01303 (our note, section 3.4);
* ``second_moment``: :math:`E[\sigma(sZ)^2]`, the diagonal of the dual kernel.

Provenance: **derived by us** (the note's section 3.4 table is ours, not the
paper's). Derivations, with Z ~ N(0, 1):

* ReLU and leaky ReLU (slope b): sigma' is 1 on x > 0 and b below, so
  mu = (1 + b)/2; sigma^2 = x^2 on x > 0 and b^2 x^2 below, so E = s^2 (1 + b^2)/2.
* erf: E[erf'(sZ)] = (2/sqrt(pi)) E[exp(-s^2 Z^2)] = 2/sqrt(pi (1 + 2 s^2));
  E[erf(aZ) erf(bZ)] = (2/pi) asin(2ab / sqrt((1 + 2a^2)(1 + 2b^2)))
  (Williams 1997, "Computing with infinite networks"), at a = b = s.
* GELU x Phi(x): sigma' = Phi(x) + x phi(x); E[Phi(sZ)] = 1/2 and x phi(x) is
  odd, so mu = 1/2. For the second moment, Stein's identity on Z^2 Phi(sZ)^2 gives
  E[Phi(sZ)^2] + 2s E[Z phi(sZ) Phi(sZ)], with E[Phi(sZ)^2] = 1/4 + asin(s^2/(1+s^2))/(2 pi)
  and E[Z phi(sZ) Phi(sZ)] = s / (2 pi (1 + s^2) sqrt(1 + 2 s^2)).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

import mpmath
import sympy as sp

from ._activations import Activation, activation, activation_parameters
from ._domain import POSITIVE
from ._errors import InvalidArgument, UnknownName
from ._evaluate import evaluate

__all__ = ["s", "PARAMETER_SYMBOLS", "QUANTITIES", "gaussian_moment", "gaussian_integrand", "GaussianMoment"]

#: The input scale: the pre-activation is s*Z with Z standard normal.
s = sp.Symbol("s", positive=True)

#: Names of the Gaussian functionals with closed forms here.
QUANTITIES = ("mean_derivative", "second_moment")

_b = sp.Symbol("slope", nonnegative=True)

#: Symbols of activation parameters in the closed forms (bound at evaluation time
#: to the exact binary value of the float, like the numeric integrands).
PARAMETER_SYMBOLS = {"slope": _b}
_pi = sp.pi

_FORMS: dict[tuple[str, str], sp.Expr] = {
    ("identity", "mean_derivative"): sp.Integer(1),
    ("identity", "second_moment"): s**2,
    ("relu", "mean_derivative"): sp.Rational(1, 2),
    ("relu", "second_moment"): s**2 / 2,
    ("leaky_relu", "mean_derivative"): (1 + _b) / 2,
    ("leaky_relu", "second_moment"): s**2 * (1 + _b**2) / 2,
    ("erf", "mean_derivative"): 2 / sp.sqrt(_pi * (1 + 2 * s**2)),
    ("erf", "second_moment"): 2 / _pi * sp.asin(2 * s**2 / (1 + 2 * s**2)),
    ("gelu", "mean_derivative"): sp.Rational(1, 2),
    ("gelu", "second_moment"): s**2 / 4 + s**2 / (2 * _pi) * sp.asin(s**2 / (1 + s**2))
    + s**4 / (_pi * (1 + s**2) * sp.sqrt(1 + 2 * s**2)),
}


def _check_quantity(quantity: str) -> None:
    if quantity not in QUANTITIES:
        raise UnknownName("Gaussian quantity", quantity, QUANTITIES)


def gaussian_moment(name: str, quantity: str) -> sp.Expr:
    """The closed form of ``quantity`` for activation ``name``, a SymPy expression in :data:`s`
    and the activation's parameter symbols (:data:`PARAMETER_SYMBOLS`).

    >>> gaussian_moment("leaky_relu", "second_moment")
    s**2*(slope**2 + 1)/2
    >>> gaussian_moment("erf", "mean_derivative")
    2/(sqrt(pi)*sqrt(2*s**2 + 1))
    """
    _check_quantity(quantity)
    activation_parameters(name)  # validates the name
    if (name, quantity) not in _FORMS:
        raise UnknownName("closed form", f"{name}.{quantity}", [f"{a}.{q}" for a, q in _FORMS])
    return _FORMS[(name, quantity)]


def gaussian_integrand(act: Activation, quantity: str, backend: str) -> Callable:
    """The function g with E[g(sZ)] = ``quantity``: sigma' or sigma^2, for ``backend`` 'numpy' or 'mpmath'."""
    _check_quantity(quantity)
    if backend not in ("numpy", "mpmath"):
        raise InvalidArgument("backend", backend, "'numpy' or 'mpmath'")
    if quantity == "mean_derivative":
        return act.numpy_derivative if backend == "numpy" else act.mpmath_derivative
    f = act.numpy if backend == "numpy" else act.mpmath
    return lambda v: f(v) * f(v)


def split_parameters(name: str, params: Mapping[str, object]) -> tuple[tuple[float, ...], dict[str, float]]:
    """Split a claim's parameters into the scales ``s`` (as a tuple) and the activation's own."""
    if "s" not in params:
        raise InvalidArgument("parameters", sorted(params), "a mapping with the scale 's'")
    scales = params["s"] if isinstance(params["s"], tuple) else (params["s"],)
    POSITIVE.validate("s", scales)
    own = {k: float(params[k]) for k in activation_parameters(name) if k in params}
    return tuple(float(v) for v in scales), own


@dataclass(frozen=True)
class GaussianMoment:
    """Prediction callable: the closed form of ``quantity`` at every scale in ``params['s']``.

    >>> pred = GaussianMoment("relu", "second_moment")
    >>> [str(v) for v in pred({"s": (1.0, 2.0)}, dps=10)]
    ['0.5', '2.0']
    """

    activation: str
    quantity: str

    def expression(self, params: Mapping[str, object] | None = None) -> sp.Expr:
        """The closed form, in :data:`s` and the activation's parameter symbols."""
        return gaussian_moment(self.activation, self.quantity)

    def __call__(self, params: Mapping[str, object], *, dps: int) -> tuple[mpmath.mpf, ...]:
        scales, own = split_parameters(self.activation, params)
        activation(self.activation, **own)  # validates the parameter values
        bound = {PARAMETER_SYMBOLS[k]: v for k, v in own.items()}
        return tuple(evaluate(self.expression(), {s: v, **bound}, dps=dps) for v in scales)
