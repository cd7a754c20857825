"""The estimators a claims file may choose: the generic ones, and the specification packs add their own with.

Every estimator is built from ``numerics``; its formulas come from :func:`theory.parse_formula` (a whitelist parser:
nothing in a claims file is ever evaluated as Python). A pack contributes an :class:`EstimatorSpec` through its
:class:`verify.Pack` (``estimators=``); :func:`verify._pack.estimators` gathers them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

from numerics import FormulaExpectationMC, FormulaExpectationQuad

__all__ = ["EstimatorSpec", "GENERIC_ESTIMATORS", "QuadraturePrediction"]


@dataclass(frozen=True)
class EstimatorSpec:
    """What an estimator needs from a claim table.

    ``formula_field`` names the field holding the estimator's formula and
    ``variables`` the symbols that formula may use besides the parameters;
    ``build(formula, table)`` returns the estimator callable. ``setup_fields`` are
    the keys an optional ``[claim.setup]`` table may hold (non-numeric choices; the
    table is allowed only when ``"setup"`` is among ``optional``).
    """

    name: str
    description: str
    kinds: tuple[str, ...]
    formula_field: str
    variables: tuple[str, ...]
    build: Callable[[object, Mapping[str, object]], object]
    optional: tuple[str, ...] = ()
    parameters: tuple[str, ...] = ()
    integer_parameters: tuple[str, ...] = ()
    n_start: int = 1 << 14
    setup_fields: tuple[str, ...] = ()


def _quad(formula, table):
    return FormulaExpectationQuad(formula, tuple(float(b) for b in table.get("breakpoints", ())))


#: The estimators every installation has (a pack's come on top, see :func:`verify._pack.estimators`).
GENERIC_ESTIMATORS = (
    EstimatorSpec("gaussian_expectation", "E[integrand(Z)], Z ~ N(0, 1), by Monte Carlo",
                  ("statistical", "interval"), "integrand", ("Z",), lambda f, t: FormulaExpectationMC(f)),
    EstimatorSpec("gaussian_expectation_quad", "E[integrand(Z)], Z ~ N(0, 1), by quadrature to dps digits",
                  ("exact",), "integrand", ("Z",), _quad, optional=("breakpoints",)),
)


@dataclass(frozen=True)
class QuadraturePrediction:
    """A claims file's ``prediction_by = "quadrature"``: the prediction is the quadrature of the estimator's own
    integrand to the claim's dps (:class:`numerics.FormulaExpectationQuad`), with its error bound, so a file can
    check Monte Carlo against quadrature for one integrand without a closed form."""

    quadrature: FormulaExpectationQuad

    def __call__(self, values, *, dps: int) -> tuple:
        return self.quadrature(values, dps=dps).value

    def errors(self, values, *, dps: int) -> tuple:
        return self.quadrature(values, dps=dps).bound

    def expression(self, params=None) -> str:
        return f"E[{self.quadrature.integrand.text}] by quadrature"
