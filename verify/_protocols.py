"""What the engine asks of a claim's prediction and estimator, as declared protocols.

A prediction is any callable ``(values, *, dps) -> tuple`` and an estimator any callable
``(values, *, rng, n, dps) -> numerics.Estimate``; the optional abilities below are declared by
implementing the method or attribute, and the engine asks for them only through the helpers here
(:func:`expression_of`, :func:`errors_of`, :func:`is_deterministic`, :func:`maps_draws`,
:func:`allowance_of`), never by probing names.
"""

from __future__ import annotations

from typing import Mapping, Protocol, runtime_checkable

import numpy as np

__all__ = ["Prediction", "Estimator", "ShowsExpression", "BoundsItsError", "DeclaresDeterminism", "DeclaresAllowance",
           "MapsDraws", "DeclaresRoute", "ROUTES", "allowance_of", "route_of",
           "expression_of", "errors_of", "is_deterministic", "maps_draws"]


@runtime_checkable
class Prediction(Protocol):
    """The closed form: predicted values (or (lo, hi) ranges for an interval claim) at ``values``."""

    def __call__(self, values: Mapping[str, object], *, dps: int) -> tuple: ...


@runtime_checkable
class Estimator(Protocol):
    """The independent route: an ``Estimate`` from ``n`` samples (or a deterministic computation) drawn from ``rng``."""

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int | None, dps: int): ...


@runtime_checkable
class ShowsExpression(Protocol):
    """A prediction that can show its closed form (a SymPy expression or text) for the report."""

    def expression(self, values: Mapping[str, object]) -> object: ...


@runtime_checkable
class BoundsItsError(Protocol):
    """A prediction evaluated numerically that bounds its own error per component (added to the estimate's)."""

    def errors(self, values: Mapping[str, object], *, dps: int) -> tuple: ...


@runtime_checkable
class DeclaresDeterminism(Protocol):
    """An estimator that says whether it samples; ``deterministic = True`` means a bound, no false-fail rate."""

    deterministic: bool


@runtime_checkable
class MapsDraws(Protocol):
    """An estimator whose work is independent draws handed to :func:`numerics.map_draws`; ``maps_draws = True``
    asks the engine to run its body where the draws can be spread over the workers."""

    maps_draws: bool


@runtime_checkable
class DeclaresAllowance(Protocol):
    """An interval prediction whose ranges are centres -+ a chosen allowance: ``allowance(values)`` gives
    (its name, its pre-registered value, the centres), so the report can show at which allowance the verdict turns."""

    def allowance(self, values: Mapping[str, object]) -> tuple[str, float, tuple[float, ...]]: ...


#: How an estimate can be independent of its prediction: a simulation of the system, a quadrature of the
#: defining integral, a second code path (another formula or algorithm for the same quantity), or a
#: definitional identity of the implementation (it tests code, not mathematics).
ROUTES = ("simulation", "quadrature", "second_path", "identity")


@runtime_checkable
class DeclaresRoute(Protocol):
    """An estimator that says how it is independent of the prediction: ``route`` is one of :data:`ROUTES`."""

    route: str


def route_of(estimator: object) -> str | None:
    """The route the estimator declares, or None."""
    return estimator.route if isinstance(estimator, DeclaresRoute) and isinstance(estimator.route, str) else None


def allowance_of(prediction: object, values: Mapping[str, object]) -> tuple[str, float, tuple[float, ...]] | None:
    """(name, pre-registered value, centres) of the prediction's allowance, or None when it declares none."""
    method = getattr(prediction, "allowance", None)  # a data field of that name (a range's own allowance) is not it
    return method(values) if isinstance(prediction, DeclaresAllowance) and callable(method) else None


@runtime_checkable
class NamesComponents(Protocol):
    """A prediction that names its components (``k=3, s=0.5``) for tables and plots."""

    def labels(self, params: Mapping[str, object]) -> tuple[str, ...]: ...


def component_labels(prediction: object, values: Mapping[str, object], count: int) -> tuple[str, ...]:
    """A label per component: the prediction's own names when it gives ``count`` of them; else the swept (tuple)
    parameters of the claim when they sweep exactly ``count`` values (``s=0.5, w=2``); else the index."""
    if isinstance(prediction, NamesComponents):
        try:
            named = tuple(str(x) for x in prediction.labels(values))
        except Exception:  # noqa: BLE001  (a label is a nicety: never lose a report over it)
            named = ()
        if len(named) == count:
            return named
    swept = {k: v for k, v in values.items() if isinstance(v, tuple) and len(v) == count}
    if swept and count > 1:
        return tuple(", ".join(f"{k}={_short(v[i])}" for k, v in swept.items()) for i in range(count))
    return tuple(f"[{i}]" for i in range(count))


def _short(x: object) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def expression_of(prediction: object, values: Mapping[str, object]) -> object | None:
    """The prediction's closed form at ``values``, or None when it shows none."""
    return prediction.expression(values) if isinstance(prediction, ShowsExpression) else None


def errors_of(prediction: object, values: Mapping[str, object], *, dps: int) -> tuple | None:
    """The prediction's own error bound per component, or None when it declares none."""
    return tuple(prediction.errors(values, dps=dps)) if isinstance(prediction, BoundsItsError) else None


def is_deterministic(estimator: object) -> bool:
    """True when the estimator declares that it does not sample."""
    return isinstance(estimator, DeclaresDeterminism) and bool(estimator.deterministic)


def maps_draws(estimator: object) -> bool:
    """True when the estimator declares that its draws go through :func:`numerics.map_draws`."""
    return isinstance(estimator, MapsDraws) and bool(estimator.maps_draws)
