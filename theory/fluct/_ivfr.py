"""Reference cases and measurement formulas of the inverse variance-flatness relation (IVFR).

Derived by us (our note weight_fluctuations.md section 3.8, claim B15) from the Feng-Tu protocol
[CONTEXT: Feng & Tu, PNAS 118, e2015617118 (2021)]: flatness is the width of the interval on which
the loss stays below ``e * L0``; the fit is ``log sigma_i^2 = -psi log F_i + const``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real

import numpy as np
import sympy as sp

from .._errors import InvalidArgument, UnknownName
from .._matrices import array, positive, spd

__all__ = ["IVFR_CASES", "IvfrReference", "ivfr_reference", "ivfr_power_exponent", "flatness", "flatness_quadratic"]


def ivfr_power_exponent(q) -> sp.Expr:
    """IVFR exponent of ``S = c H^q``: ``psi = 2 q``, derived by SymPy (note 3.8, B15).

    Along an eigenvector with curvature h, ``sigma^2 = c h^q`` and the flatness is
    ``F = 2 sqrt(2 (f - 1) L0 / h)`` (so ``F ~ h^{-1/2}``); the protocol fits
    ``log sigma^2 = -psi log F + const``, so ``psi = -d ln sigma^2 / d ln F``.

    >>> ivfr_power_exponent(-1), ivfr_power_exponent(sp.Symbol("q"))
    (-2, 2*q)
    """
    h, c, L0, f = sp.symbols("h c L0 f", positive=True)
    var = c * h**q
    F = 2 * sp.sqrt(2 * (f - 1) * L0 / h)
    return sp.simplify(-sp.diff(sp.log(var), h) / sp.diff(sp.log(F), h))


_IVFR_POWERS = {"boltzmann": -1, "hessian": 0, "squared": 1}


def _matrix_power(H, p: int) -> np.ndarray:
    _, h, V = spd(H, "H")
    return (V * h**p) @ V.T


def _noise_builder(q: int):
    def build(H, scale: float = 1.0) -> np.ndarray:
        return positive("scale", scale) * _matrix_power(H, q + 1)
    build.__doc__ = f"IVFR reference noise ``C = scale * H^{q + 1}``."
    return build


#: name -> (noise builder ``(H, scale) -> C``, predicted exponent psi; None: no variance-flatness relation).
IVFR_CASES = {name: (_noise_builder(q), None if q == 0 else int(ivfr_power_exponent(q)))
              for name, q in _IVFR_POWERS.items()}


@dataclass(frozen=True)
class IvfrReference:
    """Noise C and its exact Lyapunov solution S of an IVFR reference case; unpacks as ``(C, S)``."""

    C: np.ndarray
    S: np.ndarray

    def __iter__(self):
        return iter((self.C, self.S))


def ivfr_reference(case: str, H, eta: float, scale: float = 1.0) -> IvfrReference:
    """Reference case of the IVFR protocol (note 3.8, B15): ``C = scale H^{q+1}``, ``S = (eta scale / 2) H^q``.

    ``boltzmann`` (q = -1, C = scale I, psi = -2), ``hessian`` (q = 0, S isotropic, no relation),
    ``squared`` (q = 1, C = scale H^2, psi = +2). S solves the Lyapunov equation because C commutes with H.

    >>> C, S = ivfr_reference("squared", [[2.0]], 0.5)
    >>> C, S
    (array([[4.]]), array([[0.5]]))
    """
    if case not in IVFR_CASES:
        raise UnknownName("IVFR case", case, list(IVFR_CASES))
    eta, q = positive("eta", eta), _IVFR_POWERS[case]
    C = IVFR_CASES[case][0](H, scale)
    return IvfrReference(C=C, S=(eta * scale / 2) * _matrix_power(H, q))


def _above_one(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value) or value <= 1:
        raise InvalidArgument(name, value, "a finite number in (1, inf)")
    return float(value)


def flatness(curvature, loss0: float, factor: float = math.e):
    """Feng-Tu flatness of a quadratic valley ``L0 + (kappa/2) theta^2``: ``2 sqrt(2 (factor - 1) L0 / kappa)``.

    The width of the interval where the loss stays below ``factor * L0`` (note 3.8, b = 0 case).
    ``curvature`` may be an array (elementwise).

    >>> round(flatness(2.0, 1.0), 6)
    2.621665
    """
    kappa = array("curvature", np.atleast_1d(curvature), 1)
    if not np.all(kappa > 0):
        raise InvalidArgument("curvature", float(kappa.min()), "in (0, inf)")
    F = 2 * np.sqrt(2 * (_above_one("factor", factor) - 1) * positive("loss0", loss0) / kappa)
    return float(F[0]) if np.ndim(curvature) == 0 else F


def flatness_quadratic(a: float, b: float, loss0: float, factor: float = math.e) -> float:
    """Root distance of ``a theta^2 + b theta + L0 = factor * L0``: ``sqrt(b^2 + 4 a (factor - 1) L0) / a`` (note 3.8).

    >>> round(flatness_quadratic(1.0, 0.0, 1.0), 6) == round(flatness(2.0, 1.0), 6)
    True
    """
    a, L0 = positive("a", a), positive("loss0", loss0)
    b = float(array("b", [b], 1)[0])
    return math.sqrt(b * b + 4 * a * (_above_one("factor", factor) - 1) * L0) / a
