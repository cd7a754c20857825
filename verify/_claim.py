"""The claim model: what is asserted, where it comes from, and how to test it."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from enum import Enum
from numbers import Real
from types import MappingProxyType
from typing import Mapping

import numpy as np

from theory import Interval, InvalidArgument

from ._protocols import ROUTES, Estimator, Prediction, ShowsExpression, is_deterministic, route_of

__all__ = ["Kind", "Provenance", "Parameter", "Claim", "TRUST"]

_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")
_ARXIV = re.compile(r"^\d{4}\.\d{4,5}$")
_VERSION = re.compile(r"^v\d+$")
_SOURCES = ("paper", "derived", "observed")
#: How we know a paper's statement: from the paper itself (or a verbatim mirror), from a secondary summary
#: that is usually right about definitions ([S] in our notes), or from a low-quality secondary note known to
#: invent things ([S-low]); only a paper's statement has a trust level.
TRUST = {"primary": "", "secondary": "secondary source", "secondary-low": "low-trust secondary source"}
#: The most decimal digits a claim may ask for, and its largest first look
MAX_DPS = 1000
MAX_N_START = 1 << 40


def _real(value: object) -> bool:
    """A real number that is not a bool nor NaN, and fits a float (NumPy scalars too)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real):
        return False
    try:
        return not math.isnan(float(value))
    except OverflowError:
        return False


def _integer(value: object) -> bool:
    return not isinstance(value, (bool, np.bool_)) and isinstance(value, (int, np.integer))


class Kind(str, Enum):
    """How a claim is checked.

    EXACT: an identity, against a deterministic bound. STATISTICAL: an equality,
    against a confidence interval. INTERVAL: the estimand lies in a stated range
    (the prediction returns (lo, hi) pairs; see :mod:`verify._interval`).
    Statistical and interval claims spend the run's false-fail rate, except interval claims whose estimator
    declares ``deterministic = True`` (see :attr:`Claim.spends_rate`).
    """

    EXACT = "exact"
    STATISTICAL = "statistical"
    INTERVAL = "interval"

    @property
    def spends_rate(self) -> bool:
        return self is not Kind.EXACT


@dataclass(frozen=True)
class Provenance:
    """Where a claim comes from.

    ``source`` is ``"paper"`` (the paper's own statement: ``arxiv``, ``version`` and
    ``locator`` are required), ``"derived"`` or ``"observed"`` (by us; ``arxiv`` still
    names the paper whose setting the claim concerns, if any). ``note`` points at
    our derivation or simulation (e.g. a section of the project's paper notes); for a paper's
    statement it says which parts (criterion, threshold, setting) are ours. ``trust`` (paper only)
    is one of :data:`TRUST`: how we know the statement.

    >>> Provenance("paper", arxiv="2510.01303", version="v1", locator="Fig. 1 caption",
    ...            note="the criterion is ours").describe()
    'paper: arXiv:2510.01303v1, Fig. 1 caption; the criterion is ours'
    >>> Provenance("paper", arxiv="2510.01303", version="v1", locator="Fig. 2 caption",
    ...            trust="secondary-low").describe()
    'paper (through a low-trust secondary source): arXiv:2510.01303v1, Fig. 2 caption'
    """

    source: str
    arxiv: str | None = None
    version: str | None = None
    locator: str | None = None
    note: str = ""
    trust: str = "primary"

    def __post_init__(self) -> None:
        for name in ("source", "note", "trust"):
            if not isinstance(getattr(self, name), str):
                raise InvalidArgument(f"provenance.{name}", getattr(self, name), "a str")
        for name in ("arxiv", "version", "locator"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), str):
                raise InvalidArgument(f"provenance.{name}", getattr(self, name), "None or a str")
        if self.trust not in TRUST or (self.trust != "primary" and self.source != "paper"):
            raise InvalidArgument("provenance.trust", self.trust,
                                  f"one of {', '.join(TRUST)} ('primary' unless the source is a paper)")
        if self.source not in _SOURCES:
            raise InvalidArgument("provenance.source", self.source, f"one of {', '.join(_SOURCES)}")
        if self.arxiv is not None and not _ARXIV.match(self.arxiv):
            raise InvalidArgument("provenance.arxiv", self.arxiv, "an arXiv id like '2510.01303'")
        if self.version is not None and not _VERSION.match(self.version):
            raise InvalidArgument("provenance.version", self.version, "an arXiv version like 'v1'")
        if self.source == "paper" and not (self.arxiv and self.version and self.locator):
            raise InvalidArgument("provenance", (self.arxiv, self.version, self.locator),
                                  "arxiv, version and locator all set for a paper's statement")

    def describe(self) -> str:
        if self.source == "paper":
            via = f" (through a {TRUST[self.trust]})" if TRUST[self.trust] else ""
            ours = f"; {self.note}" if self.note else ""
            return f"paper{via}: arXiv:{self.arxiv}{self.version}, {self.locator}{ours}"
        where = f" (setting of arXiv:{self.arxiv})" if self.arxiv else ""
        return f"{self.source} by us{where}" + (f"; {self.note}" if self.note else "")


@dataclass(frozen=True)
class Parameter:
    """A parameter value with its valid domain; ``vector`` parameters take a tuple of numbers (or one number)."""

    value: float | tuple[float, ...]
    domain: Interval
    vector: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.domain, Interval):
            raise InvalidArgument("domain", self.domain, "a theory.Interval")
        if not isinstance(self.vector, (bool, np.bool_)):
            raise InvalidArgument("vector", self.vector, "True or False")
        self.check("parameter", self.value)

    def check(self, name: str, value: object) -> None:
        """Raise InvalidArgument unless ``value`` has this parameter's shape and lies in its domain."""
        if isinstance(value, tuple) and not self.vector:
            raise InvalidArgument(name, value, f"a single number in {self.domain.describe()}")
        try:
            self.domain.validate(name, value)
        except (OverflowError, TypeError, ValueError) as exc:  # an int beyond float's range, say
            if isinstance(exc, InvalidArgument):
                raise
            raise InvalidArgument(name, value, f"a number in {self.domain.describe()}") from None


@dataclass(frozen=True)
class Claim:
    """One checkable statement.

    Every field is checked when the claim is made (an InvalidArgument naming it): its type first, then its
    range; lists given as ``assumptions`` or ``illustrations`` are kept as tuples, NumPy numbers as Python ones.

    Attributes
    ----------
    id : stable dotted slug, e.g. ``gauss.relu.mean_derivative.mc``.
    title : one line in words.
    provenance : :class:`Provenance`.
    parameters : name -> :class:`Parameter` (value and domain).
    prediction : ``prediction(values, *, dps) -> tuple`` of predicted values
        (of (lo, hi) ranges for an interval claim); see :class:`verify.Prediction` for
        what else it may declare (its closed form, its own error bound).
    estimator : ``estimator(values, *, rng, n, dps) -> numerics.Estimate``; see
        :class:`verify.Estimator` (``deterministic = True`` for a bound without sampling).
    kind : :class:`Kind`.
    resolution : the relative discrepancy the claim must be able to detect
        (absolute where the prediction is 0); for an interval claim, the
        absolute margin from a range's end it is meant to resolve (display only).
    dps : decimal digits at which the prediction (and exact estimators) are evaluated, in [5, 1000].
    n_start : sample size of the first sequential look (statistical claims), in [2, 2**40].
    assumptions : statements the claim relies on, in words.
    scale_floor : relative discrepancies are measured against max(|prediction|,
        scale_floor); with the default 0, an exactly zero prediction is measured on
        the absolute scale 1. A positive floor lets a numerically computed
        structural zero (1e-60 instead of 0) be compared absolutely.
    thresholds : parameter name -> rationale, for every threshold we chose (a frequency for "most draws",
        a cosine for "aligned", ...): its value is a parameter read by the prediction, so the report can show
        the verdict across a range of it.
    independence : how the estimate is independent of the prediction, one of :data:`ROUTES`; by default what
        the estimator declares as its ``route``.
    illustrations : callables ``f(values) -> picture data``, drawn in the report by the renderer the
        claim's pack registered for the data's type (:attr:`verify.Pack.pictures`).
    """

    id: str
    title: str
    provenance: Provenance
    parameters: Mapping[str, Parameter]
    prediction: Prediction = field(repr=False)
    estimator: Estimator = field(repr=False)
    kind: Kind
    resolution: float
    dps: int = 30
    n_start: int = 1 << 14
    assumptions: tuple[str, ...] = ()
    scale_floor: float = 0.0
    illustrations: tuple = field(default=(), repr=False)
    thresholds: Mapping[str, str] = field(default_factory=dict)
    independence: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not _ID.match(self.id):
            raise InvalidArgument("id", self.id, "a dotted lower-case slug like 'gauss.relu.mu'")
        if not isinstance(self.title, str) or not self.title.strip():
            raise InvalidArgument("title", self.title, "a non-empty str (one line in words)")
        if not isinstance(self.provenance, Provenance):
            raise InvalidArgument("provenance", self.provenance, "a Provenance")
        if not isinstance(self.kind, Kind):
            raise InvalidArgument("kind", self.kind, "Kind.EXACT, Kind.STATISTICAL or Kind.INTERVAL")
        for name in ("prediction", "estimator"):
            if not callable(getattr(self, name)):
                raise InvalidArgument(name, getattr(self, name), "a callable (see verify.Prediction, verify.Estimator)")
        self._check_numbers()
        self._check_parameters()
        for name in ("assumptions", "illustrations"):
            self._check_tuple(name)
        if self.independence is not None and (not isinstance(self.independence, str)
                                              or self.independence not in ROUTES):
            raise InvalidArgument("independence", self.independence, f"None or one of {', '.join(ROUTES)}")

    def _check_numbers(self) -> None:
        if not (_real(self.resolution) and 0 < self.resolution < 1):
            raise InvalidArgument("resolution", self.resolution, "a relative discrepancy in (0, 1)")
        if not (_real(self.scale_floor) and 0 <= self.scale_floor < math.inf):
            raise InvalidArgument("scale_floor", self.scale_floor, "a finite number >= 0")
        if not (_integer(self.dps) and 5 <= self.dps <= MAX_DPS):
            raise InvalidArgument("dps", self.dps, f"an integer in [5, {MAX_DPS}]")
        if not (_integer(self.n_start) and 2 <= self.n_start <= MAX_N_START):
            raise InvalidArgument("n_start", self.n_start, "an integer in [2, 2**40]")
        for name in ("resolution", "scale_floor", "dps", "n_start"):  # NumPy scalars become Python numbers
            value = getattr(self, name)
            object.__setattr__(self, name, int(value) if name in ("dps", "n_start") else float(value))

    def _check_parameters(self) -> None:
        if not isinstance(self.parameters, Mapping):
            raise InvalidArgument("parameters", self.parameters, "a mapping of name -> Parameter")
        for name, p in self.parameters.items():
            if not isinstance(name, str) or not name:
                raise InvalidArgument("parameters", name, "names that are non-empty str")
            if not isinstance(p, Parameter):
                raise InvalidArgument(f"parameters[{name!r}]", p, "a Parameter(value, domain)")
        object.__setattr__(self, "parameters", MappingProxyType(dict(self.parameters)))
        if not isinstance(self.thresholds, Mapping):
            raise InvalidArgument("thresholds", self.thresholds, "a mapping of parameter name -> rationale")
        for name, why in dict(self.thresholds).items():
            if not isinstance(name, str) or name not in self.parameters or not (isinstance(why, str) and why.strip()):
                raise InvalidArgument(f"thresholds[{name!r}]", why, "a parameter of the claim with its rationale")
        object.__setattr__(self, "thresholds", MappingProxyType(dict(self.thresholds)))

    def _check_tuple(self, name: str) -> None:
        """``assumptions`` (str) and ``illustrations`` (callables): a list or tuple, kept as a tuple."""
        value = getattr(self, name)
        ok = (lambda a: isinstance(a, str)) if name == "assumptions" else callable
        if not isinstance(value, (tuple, list)) or not all(ok(a) for a in value):
            what = "str" if name == "assumptions" else "callables f(values) -> picture data"
            raise InvalidArgument(name, value, f"a tuple of {what}")
        object.__setattr__(self, name, tuple(value))

    @property
    def values(self) -> dict[str, float | tuple[float, ...]]:
        """The parameter values, name -> value."""
        return {k: p.value for k, p in self.parameters.items()}

    def with_values(self, **values: float | tuple[float, ...]) -> "Claim":
        """A copy with some parameter values changed, each checked against its domain."""
        params = dict(self.parameters)
        for name, value in values.items():
            if name not in params:
                raise InvalidArgument(f"parameter of {self.id}", name, f"one of: {', '.join(params) or 'none'}")
            old = params[name]
            old.check(name, value)
            params[name] = Parameter(value, old.domain, old.vector)
        return replace(self, parameters=params)

    @property
    def route(self) -> str | None:
        """How the estimate is independent of the prediction (:data:`ROUTES`), or None when undeclared."""
        return self.independence or route_of(self.estimator)

    @property
    def checks_implementation(self) -> bool:
        """True for an implementation identity: it holds by definition and tests code paths, not mathematics."""
        return self.route == "identity"

    def __hash__(self) -> int:
        return hash(self.id)

    @property
    def spends_rate(self) -> bool:
        """Statistical claims, and interval claims whose estimator is not declared ``deterministic`` (an interval
        claim decided against a deterministic bound has no false-fail probability to allot)."""
        if self.kind is Kind.INTERVAL and is_deterministic(self.estimator):
            return False
        return self.kind.spends_rate

    def formula(self) -> str | None:
        """The predicted closed form as text, when the prediction exposes one."""
        return str(self.prediction.expression(self.values)) if isinstance(self.prediction, ShowsExpression) else None
