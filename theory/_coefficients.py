"""Hermite coefficients to arbitrary precision: exact where a closed form exists, quadrature elsewhere."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import mpmath

from ._activations import activation as _activation
from ._activations import has_closed_form, split_parameters
from ._domain import POSITIVE
from ._errors import InvalidArgument, UnknownName
from ._evaluate import evaluate_with_error
from ._hermite import check_order, gaussian_integral, hermite_coefficient_expr, s, z
from ._hermite_quad import hermite_quadrature

__all__ = ["HermiteExpansion", "hermite_expansion", "hermite_coefficients", "check_dps", "check_scale",
           "parameter_values", "HermiteCoefficients"]

MIN_DPS = 15


def check_dps(dps: object) -> int:
    if isinstance(dps, bool) or not isinstance(dps, int) or dps < MIN_DPS:
        raise InvalidArgument("dps", dps, f"an integer >= {MIN_DPS}")
    return dps


def check_scale(scale: object) -> float:
    POSITIVE.validate("scale", scale)
    return float(scale)


def parameter_values(params: dict) -> dict:
    """Bindings of an activation's parameter symbols (e.g. ``slope``) for evaluation."""
    import sympy as sp

    return {sp.Symbol("slope", nonnegative=True): float(params["slope"])} if "slope" in params else {}


@dataclass(frozen=True)
class HermiteExpansion:
    """c_0..c_kmax of sigma(scale * Z) with an error bound per coefficient and the method used."""

    activation: str
    params: tuple
    scale: float
    dps: int
    coefficients: tuple
    errors: tuple
    method: str


def _freeze(params: dict) -> tuple:
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))


@lru_cache(maxsize=1024)
def _expansion(name: str, frozen: tuple, k_max: int, scale: float, dps: int) -> HermiteExpansion:
    params = dict(frozen)
    act = _activation(name, **params)
    if has_closed_form(name):
        # Closed forms can cancel (GELU's odd coefficients are differences of equal terms), so
        # each is evaluated at two precisions and their difference joins the rounding bound.
        binding = {s: scale, **parameter_values(act.params)}
        own = {k: v for k, v in params.items() if k != "slope"}
        pairs = [evaluate_with_error(hermite_coefficient_expr(name, k, **own), binding, dps=dps)
                 for k in range(k_max + 1)]
        return HermiteExpansion(name, frozen, scale, dps, tuple(v for v, _ in pairs), tuple(e for _, e in pairs),
                                "closed form (SymPy)")
    values, errors = hermite_quadrature(act.mpmath, scale, k_max, dps=dps, kinks=act.kinks)
    return HermiteExpansion(name, frozen, scale, dps, values, errors, "tanh-sinh quadrature (mpmath), split at kinks")


def hermite_expansion(activation: str, k_max: int, *, scale: float = 1, dps: int = 30,
                      **params: object) -> HermiteExpansion:
    """Hermite coefficients with their error bounds and method; cached per arguments.

    In the example, c_1 of tanh at s = 1 is E[tanh'(Z)] by Stein's identity; the
    table of our paper notes (low_rank_gradients, section 3.4) lists 0.605706.

    >>> e = hermite_expansion("tanh", 3, scale=1.0, dps=20)
    >>> mpmath.nstr(e.coefficients[1], 15), e.method.startswith("tanh-sinh")
    ('0.605705509602159', True)
    """
    check_order("k_max", k_max)
    scale = check_scale(scale)
    check_dps(dps)
    _activation(activation, **params)  # validates activation and parameter values before caching
    return _expansion(activation, _freeze(params), k_max, scale, dps)


def hermite_coefficients(activation: str, k_max: int, *, scale: float = 1, dps: int = 30, **params: object) -> tuple:
    r"""c_k = E[sigma(scale Z) He_k(Z)], k = 0..k_max, as mpmath numbers correct to ``dps`` digits.

    He_k are the probabilists' Hermite polynomials, Z ~ N(0, 1). Exact closed
    forms (:func:`theory.hermite_coefficient_expr`) are used where they exist,
    arbitrary-precision quadrature otherwise. Results are cached.

    >>> [mpmath.nstr(c, 10) for c in hermite_coefficients("relu", 3, dps=20)]
    ['0.3989422804', '0.5', '0.3989422804', '0.0']
    """
    return hermite_expansion(activation, k_max, scale=scale, dps=dps, **params).coefficients




@dataclass(frozen=True)
class HermiteCoefficients:
    """Prediction callable: c_0..c_kmax at every scale in ``params['s']``, concatenated scale by scale.

    ``derivative=1`` predicts the coefficients of sigma' through Stein's identity,
    c_k(sigma') = c_{k+1}(sigma) / s.
    """

    activation: str
    k_max: int
    derivative: int = 0

    def expression(self, params=None):
        """c_k(s) for k = 0..min(k_max, 3), as a SymPy tuple; where no closed form exists, their defining integrals
        E[sigma^(d)(sZ) He_k(Z)], unevaluated (the prediction is then those integrals by quadrature)."""
        import sympy as sp

        own = split_parameters(self.activation, params)[1] if params else {}
        shown = range(min(self.k_max, 3) + 1)
        try:
            return sp.Tuple(*(hermite_coefficient_expr(self.activation, k + self.derivative, **own)
                              / s**self.derivative for k in shown))
        except UnknownName:
            g = _activation(self.activation, **own).derivative_expr(self.derivative)
            return sp.Tuple(*(gaussian_integral(g, sp.hermite_prob(k, z)) for k in shown))

    def __call__(self, params, *, dps: int) -> tuple:
        return self._values(params, dps, 0)

    def labels(self, params) -> tuple[str, ...]:
        """The name of each component, in the order of the values: ``k=<index>, s=<scale>``."""
        scales, _ = split_parameters(self.activation, params)
        return tuple(f"k={k}, s={scale:g}" for scale in scales for k in range(self.k_max + 1))

    def errors(self, params, *, dps: int) -> tuple:
        """Error bounds of the predicted values (rounding for closed forms, quadrature bounds otherwise)."""
        return self._values(params, dps, 1)

    def _values(self, params, dps: int, which: int) -> tuple:
        scales, own = split_parameters(self.activation, params)
        out = []
        for scale in scales:
            e = hermite_expansion(self.activation, self.k_max + self.derivative, scale=scale, dps=dps, **own)
            values = (e.coefficients, e.errors)[which]
            with mpmath.workdps(dps + 10):
                out.extend(v / mpmath.mpf(scale) ** self.derivative for v in values[self.derivative:])
        return tuple(out)
