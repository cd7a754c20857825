"""Family ``hermite``: Hermite coefficients c_k(s) = E[sigma(sZ) He_k(Z)] of the activation library.

* ``hermite.<activation>.closed_form`` (exact): the general-k SymPy closed form
  against independent tanh-sinh quadrature (other node set, 40 guard digits),
  k = 0..30 at s = 0.5 and 2, to 25 digits at dps 30.
* ``hermite.<activation>.stein`` (exact), where no closed form exists: Stein's
  identity c_{k+1}(sigma) = s c_k(sigma'), the left side from the library's
  quadrature of sigma, the right from an independent quadrature of sigma', k = 0..20.

Provenance: derived by us (mathematical facts, not a paper's statements); the
coefficients govern the gradient components of arXiv 2510.01303 (our notes,
section 3.4).
"""

from __future__ import annotations

from numerics import HermiteQuadrature
from theory import POSITIVE, HermiteCoefficients, activations, has_closed_form

from verify._claim import Claim, Kind, Parameter, Provenance
from ._parameters import ACTIVATION_PARAMETERS

SCALES = (0.5, 2.0)
K_MAX = 30
K_STEIN = 20
#: The library's bar: closed forms agree with independent quadrature to 25 digits at dps 30.
RESOLUTION = 1e-25
#: Two quadratures (sigma and sigma') near analytic poles (sigmoid at s = 2) agree to about 22 digits.
STEIN_RESOLUTION = 1e-20
#: Structural zeros (parity) come out of quadrature as ~1e-50, not 0: compare them absolutely
#: below this size, with absolute tolerance 1e-25 * 1e-5 = 1e-30 (non-zero coefficients down to
#: 8.2e-10, cos at s = 0.5 and k = 30, are then checked to about 21 relative digits).
SCALE_FLOOR = 1e-5

PROVENANCE = Provenance("derived", arxiv="2510.01303",
                        note="closed forms and derivations in theory/_hermite.py (general k)")


def _parameters(name: str) -> dict[str, Parameter]:
    return {"s": Parameter(SCALES, POSITIVE, vector=True), **ACTIVATION_PARAMETERS.get(name, {})}


def _claims():
    for name in activations():
        if has_closed_form(name):
            yield Claim(id=f"hermite.{name}.closed_form", kind=Kind.EXACT, resolution=RESOLUTION,
                        scale_floor=SCALE_FLOOR,
                        title=f"Hermite coefficients c_0..c_{K_MAX} of {name}: closed form = quadrature",
                        provenance=PROVENANCE, parameters=_parameters(name),
                        prediction=HermiteCoefficients(name, K_MAX), estimator=HermiteQuadrature(name, K_MAX),
                        assumptions=("Z ~ N(0, 1)", "He_k probabilists' Hermite polynomials", "s > 0"))
        else:
            yield Claim(id=f"hermite.{name}.stein", kind=Kind.EXACT, resolution=STEIN_RESOLUTION,
                        scale_floor=SCALE_FLOOR,
                        title=f"Stein's identity c_(k+1)(sigma) = s c_k(sigma') for {name}, k = 0..{K_STEIN}",
                        provenance=Provenance("derived", arxiv="2510.01303",
                                              note="Stein's lemma E[g'(Z)] = E[Z g(Z)] with He_(k+1) = z He_k - He_k'"),
                        parameters=_parameters(name),
                        prediction=HermiteCoefficients(name, K_STEIN, derivative=1),
                        estimator=HermiteQuadrature(name, K_STEIN, derivative=1),
                        assumptions=("Z ~ N(0, 1)", "sigma absolutely continuous", "s > 0"))


def claims() -> tuple:
    """This module's claims, in order."""
    return tuple(_claims())
