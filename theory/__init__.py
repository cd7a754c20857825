"""Closed forms (SymPy) for the theory verifier. ``theory`` never samples.

Public surface: the activation library (symbolic, numpy and mpmath forms);
Hermite coefficients (exact closed forms for general k, arbitrary-precision
quadrature elsewhere); dual kernels; Gaussian moments; scoped-precision
evaluation; parameter domains; formulas parsed from untrusted text by a
whitelist parser (claims files); and the project's exception family.
"""

from ._activations import Activation, activation, activation_parameters, activations, has_closed_form, x
from ._coefficients import HermiteCoefficients, HermiteExpansion, hermite_coefficients, hermite_expansion
from ._domain import COUNT, INDEX, NONNEGATIVE, POSITIVE, REAL, UNIT, Interval
from ._dual_kernel import SERIES_ORDER, DualKernel, KernelValue, dual_kernel, dual_kernel_expr, hermite_series, rho
from ._hermite_quad import hermite_quadrature
from ._errors import InvalidArgument, NoConvergence, UnknownName, VerifierError
from ._evaluate import GUARD_DIGITS, evaluate, evaluate_with_error
from ._gaussian import (PARAMETER_SYMBOLS, QUANTITIES, GaussianMoment, gaussian_integrand, gaussian_moment,
                        gaussian_moment_value, s, split_parameters)
from ._hermite import hermite_coefficient_expr
from ._vectorised import derivative_function, moment_function
from ._moment_predictions import GaussianMoments, VanishingByParity
from ._formula import CONSTANTS, FUNCTIONS, Formula, FormulaError, parse_formula
from ._formula_claims import FormulaPrediction, FormulaRange, components
from ._regimes import REGIME_SCALINGS, REGIME_WEIGHTS, ExponentBand, Regime, derive_lowrank

__all__ = [
    "Activation", "activation", "activation_parameters", "activations", "has_closed_form", "x",
    "HermiteCoefficients", "HermiteExpansion", "hermite_coefficients", "hermite_quadrature", "hermite_series", "hermite_expansion", "hermite_coefficient_expr",
    "SERIES_ORDER", "DualKernel", "KernelValue", "dual_kernel", "dual_kernel_expr", "rho",
    "Interval", "COUNT", "INDEX", "NONNEGATIVE", "POSITIVE", "REAL", "UNIT",
    "VerifierError", "InvalidArgument", "UnknownName", "NoConvergence",
    "evaluate", "evaluate_with_error", "GUARD_DIGITS",
    "PARAMETER_SYMBOLS", "QUANTITIES", "GaussianMoment", "gaussian_integrand", "gaussian_moment",
    "gaussian_moment_value", "s", "split_parameters",
    "derivative_function", "moment_function", "GaussianMoments", "VanishingByParity",
    "REGIME_SCALINGS", "REGIME_WEIGHTS", "ExponentBand", "Regime", "derive_lowrank",
    "CONSTANTS", "FUNCTIONS", "Formula", "FormulaError", "parse_formula",
    "FormulaPrediction", "FormulaRange", "components",
]
