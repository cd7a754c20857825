"""Catalogue parameters of activations, with the domains the activation library enforces."""

from __future__ import annotations

from theory import NONNEGATIVE, REAL, UNIT

from verify._claim import Parameter

__all__ = ["activation_parameters", "ACTIVATION_PARAMETERS"]

#: Domain of each activation parameter (theory.activation checks the same).
DOMAINS = {"slope": UNIT, "alpha": NONNEGATIVE, "coeffs": REAL, "k": NONNEGATIVE}


def activation_parameters(**values: object) -> dict[str, Parameter]:
    """Claim parameters for an activation's own parameters (a tuple value is a vector parameter)."""
    return {k: Parameter(v, DOMAINS[k], vector=isinstance(v, tuple)) for k, v in values.items()}


#: Parameters of the parameterised activations in the hermite and kernel families.
ACTIVATION_PARAMETERS = {
    "leaky_relu": activation_parameters(slope=0.3),
    "elu": activation_parameters(alpha=0.5),
    "polynomial": activation_parameters(coeffs=(1.0, -0.5, 0.25, 2.0)),
    "hermite": activation_parameters(k=5),
}
