"""Public face of the activation library: importing it loads the catalogue."""

from . import _activation_catalogue  # noqa: F401  (registers every activation)
from ._activation import Activation, activation, activation_parameters, activations, has_closed_form, x

__all__ = ["Activation", "activation", "activation_parameters", "activations", "has_closed_form", "x"]
