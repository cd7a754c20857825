"""Closed forms (SymPy) for the theory verifier. ``theory`` never samples.

The core, exported here: the activation library (symbolic, numpy and mpmath forms); Hermite coefficients (exact
closed forms for general k, arbitrary-precision quadrature elsewhere); dual kernels; Gaussian moments;
scoped-precision evaluation; parameter domains; formulas parsed from untrusted text by a whitelist parser (claims
files); and the project's exception family.

Each paper pack has a subpackage with its own names, imported on first use: :mod:`theory.lowrank` (low-rank
gradients), :mod:`theory.fluct` (SGD weight fluctuations), :mod:`theory.sloppy` (sloppiness of GD trajectories),
:mod:`theory.wd` (weight decay and merging).
"""

from ._activations import (Activation, activation, activation_parameters, activations, has_closed_form,
                           split_parameters, x)
from ._coefficients import HermiteCoefficients, HermiteExpansion, hermite_coefficients, hermite_expansion
from ._domain import COUNT, INDEX, NONNEGATIVE, POSITIVE, REAL, UNIT, Interval
from ._dual_kernel import (SERIES_ORDER, DualKernel, KernelValue, dual_kernel, dual_kernel_expr, dual_kernel_integral,
                           hermite_series, rho)
from ._hermite_quad import hermite_quadrature
from ._errors import InvalidArgument, NoConvergence, ResourceLimit, UnknownName, VerifierError
from ._evaluate import GUARD_DIGITS, evaluate, evaluate_with_error
from ._gaussian import (PARAMETER_SYMBOLS, QUANTITIES, GaussianMoment, gaussian_integrand, gaussian_moment,
                        gaussian_moment_integral, gaussian_moment_value, s)
from ._hermite import hermite_coefficient_expr
from ._derivatives import derivative_function
from ._vectorised import moment_function
from ._formula import CONSTANTS, FUNCTIONS, Formula, FormulaError, parse_formula
from ._formula_claims import FormulaPrediction, FormulaRange, components

from ._moved import facade_attribute as _facade_attribute

__all__ = [
    "Activation", "activation", "activation_parameters", "activations", "has_closed_form", "x", "HermiteCoefficients",
    "HermiteExpansion", "hermite_coefficients", "hermite_quadrature", "hermite_series", "hermite_expansion",
    "hermite_coefficient_expr", "SERIES_ORDER", "DualKernel", "KernelValue", "dual_kernel", "dual_kernel_expr",
    "dual_kernel_integral", "rho",
    "Interval", "COUNT", "INDEX", "NONNEGATIVE", "POSITIVE", "REAL", "UNIT", "VerifierError", "InvalidArgument",
    "UnknownName", "NoConvergence", "ResourceLimit", "evaluate", "evaluate_with_error", "GUARD_DIGITS",
    "PARAMETER_SYMBOLS",
    "QUANTITIES", "GaussianMoment", "gaussian_integrand", "gaussian_moment", "gaussian_moment_integral",
    "gaussian_moment_value", "s",
    "split_parameters", "derivative_function", "moment_function", "CONSTANTS", "FUNCTIONS", "Formula", "FormulaError",
    "parse_formula", "FormulaPrediction", "FormulaRange", "components"
]


def __getattr__(name: str):
    """Packs as subpackages imported on first use (``theory.wd``); old spellings of their names warn."""
    return _facade_attribute(__name__, name)
