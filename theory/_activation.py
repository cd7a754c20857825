"""The Activation value and the registry: ``activations()`` lists names, ``activation(name, **params)`` builds one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

import sympy as sp

from ._errors import InvalidArgument, UnknownName

__all__ = ["Activation", "x", "activation", "activations", "activation_parameters", "define"]

#: The pre-activation symbol used in every activation expression.
x = sp.Symbol("x", real=True)


@dataclass(frozen=True)
class Activation:
    """One activation with its parameters bound.

    Attributes
    ----------
    name, params : the registry name and the bound parameter values.
    expr : SymPy expression in :data:`x`; derivatives are distributional
        (Heaviside, DiracDelta), see :meth:`derivative_expr`.
    numpy, numpy_derivative : vectorised float64 evaluations of sigma and sigma'.
    mpmath, mpmath_derivative : evaluations at the caller's mpmath precision.
    kinks : points where sigma or a derivative is not smooth (quadrature splits there).
    parity : ``"odd"``, ``"even"`` or None.
    degree : degree of positive homogeneity, sigma(c x) = c^degree sigma(x) for c > 0, or None.
    derivatives : hand-written distributional derivatives (first, second, ...) where
        SymPy's ``diff`` of ``expr`` would not give them in clean form.

    Examples
    --------
    >>> relu = activation("relu")
    >>> relu.derivative_expr(2)
    DiracDelta(x)
    """

    name: str
    params: Mapping[str, object]
    expr: sp.Expr
    numpy: Callable = field(repr=False)
    numpy_derivative: Callable = field(repr=False)
    mpmath: Callable = field(repr=False)
    mpmath_derivative: Callable = field(repr=False)
    kinks: tuple[float, ...] = ()
    parity: str | None = None
    degree: int | None = None
    derivatives: tuple[sp.Expr, ...] = ()

    def derivative_expr(self, order: int = 1) -> sp.Expr:
        """The ``order``-th (distributional) derivative as a SymPy expression."""
        if isinstance(order, bool) or not isinstance(order, int) or order < 0:
            raise InvalidArgument("order", order, "a non-negative integer")
        if order == 0:
            return self.expr
        if order <= len(self.derivatives):
            return self.derivatives[order - 1]
        base = self.derivatives[-1] if self.derivatives else self.expr
        return sp.diff(base, x, order - len(self.derivatives))


@dataclass(frozen=True)
class _Entry:
    factory: Callable[..., Activation]
    validators: Mapping[str, Callable[[object], None]]
    closed_form: bool


_REGISTRY: dict[str, _Entry] = {}


def define(name: str, validators: Mapping[str, Callable[[object], None]] | None = None, *,
           closed_form: bool = True) -> Callable:
    """Decorator registering an activation factory under ``name``."""

    def register(factory: Callable[..., Activation]) -> Callable[..., Activation]:
        _REGISTRY[name] = _Entry(factory, dict(validators or {}), closed_form)
        return factory

    return register


def activations() -> tuple[str, ...]:
    """The registered activation names, sorted."""
    return tuple(sorted(_REGISTRY))


def _entry(name: str) -> _Entry:
    if name not in _REGISTRY:
        raise UnknownName("activation", name, list(_REGISTRY))
    return _REGISTRY[name]


def activation_parameters(name: str) -> tuple[str, ...]:
    """Names of the parameters that ``activation(name, ...)`` accepts."""
    return tuple(_entry(name).validators)


def has_closed_form(name: str) -> bool:
    """Whether exact Hermite coefficients exist for ``name`` (else quadrature is used)."""
    return _entry(name).closed_form


def activation(name: str, /, **params: object) -> Activation:
    """The activation ``name`` with its parameters bound (each checked against its domain).

    >>> import numpy as np
    >>> activation("leaky_relu", slope=0.1).numpy(np.array([-1.0, 2.0])).tolist()
    [-0.1, 2.0]
    """
    entry = _entry(name)
    for key, value in params.items():
        if key not in entry.validators:
            allowed = ", ".join(entry.validators) or "no parameters"
            raise InvalidArgument(f"{name} parameter", key, f"one of: {allowed}")
        entry.validators[key](value)
    return entry.factory(**params)
