"""The built-in estimators a claims file may choose, and the fields each one reads.

Every estimator here is built from ``numerics``; its formulas come from
:func:`theory.parse_formula` (a whitelist parser: nothing in a claims file is
ever evaluated as Python).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping

from numerics import (GRADIENT_NORMS, GRADIENT_PARAMETERS, FormulaExpectationMC, FormulaExpectationQuad,
                      GradientNorms, Setup)

__all__ = ["EstimatorSpec", "ESTIMATORS", "SETUP_FIELDS"]

#: Fields of an optional ``[claim.setup]`` table (the gradient problem's non-numeric choices).
SETUP_FIELDS = ("activation", "weights", "target", "scaling", "loss", "mu")


@dataclass(frozen=True)
class EstimatorSpec:
    """What an estimator needs from a claim table.

    ``formula_field`` names the field holding the estimator's formula and
    ``variables`` the symbols that formula may use besides the parameters;
    ``build(formula, table)`` returns the estimator callable.
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


def _quad(formula, table):
    return FormulaExpectationQuad(formula, tuple(float(b) for b in table.get("breakpoints", ())))


#: A claims file's gradient problem unless its [claim.setup] says otherwise (numerics.Setup's own default is tanh).
SETUP_DEFAULTS = {"activation": "relu", "weights": "sphere"}


def _gradient(formula, table):
    return GradientNorms(formula, Setup(**{**SETUP_DEFAULTS, **dict(table.get("setup", {}))}))


ESTIMATORS = {spec.name: spec for spec in (
    EstimatorSpec("gaussian_expectation", "E[integrand(Z)], Z ~ N(0, 1), by Monte Carlo",
                  ("statistical", "interval"), "integrand", ("Z",), lambda f, t: FormulaExpectationMC(f)),
    EstimatorSpec("gaussian_expectation_quad", "E[integrand(Z)], Z ~ N(0, 1), by quadrature to dps digits",
                  ("exact",), "integrand", ("Z",), _quad, optional=("breakpoints",)),
    EstimatorSpec("gradient_norms", "mean over independent draws of a statistic of the low-rank gradient's "
                  f"spectral norms ({', '.join(GRADIENT_NORMS)})",
                  ("statistical", "interval"), "statistic", GRADIENT_NORMS, _gradient, optional=("setup",),
                  parameters=GRADIENT_PARAMETERS, integer_parameters=("n", "d", "m"), n_start=8),
)}
