"""Closed forms (SymPy) for the theory verifier. ``theory`` never samples.

Public surface: activations with their symbolic, numpy and mpmath forms; closed
forms of Gaussian expectations; scoped-precision evaluation; parameter domains;
and the project's exception family.
"""

from ._activations import Activation, activation, activation_parameters, activations, x
from ._domain import POSITIVE, REAL, UNIT, Interval
from ._errors import InvalidArgument, NoConvergence, UnknownName, VerifierError
from ._evaluate import GUARD_DIGITS, evaluate
from ._gaussian import PARAMETER_SYMBOLS, QUANTITIES, GaussianMoment, gaussian_integrand, gaussian_moment, s, split_parameters

__all__ = [
    "Activation", "activation", "activation_parameters", "activations", "x",
    "Interval", "POSITIVE", "REAL", "UNIT",
    "VerifierError", "InvalidArgument", "UnknownName", "NoConvergence",
    "evaluate", "GUARD_DIGITS",
    "PARAMETER_SYMBOLS", "QUANTITIES", "GaussianMoment", "gaussian_integrand", "gaussian_moment", "s", "split_parameters",
]
