"""Public face of the activation library: importing it loads the catalogue."""

from __future__ import annotations

from typing import Mapping

from . import _activation_catalogue  # noqa: F401  (registers every activation)
from ._activation import Activation, activation, activation_parameters, activations, has_closed_form, x
from ._domain import POSITIVE
from ._errors import InvalidArgument

__all__ = ["Activation", "activation", "activation_parameters", "activations", "has_closed_form", "x",
           "split_parameters"]


def split_parameters(activation: str, params: Mapping[str, object]) -> tuple[tuple[float, ...], dict[str, object]]:
    """Split a claim's parameters into the scales ``s`` (as a tuple) and the activation's own."""
    if "s" not in params:
        raise InvalidArgument("parameters", sorted(params), "a mapping with the scale 's'")
    scales = params["s"] if isinstance(params["s"], tuple) else (params["s"],)
    POSITIVE.validate("s", scales)
    own = {k: params[k] for k in activation_parameters(activation) if k in params}
    return tuple(float(v) for v in scales), own
