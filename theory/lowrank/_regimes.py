r"""Leading-order sizes of the gradient's terms and the spike regimes they imply (arXiv 2510.01303 setting).

**Derived by us** (our note, sections 3.3-3.4), not the paper's: a heuristic small-spike expansion under
proportional asymptotics, m = kappa n, d = delta n, zeta = n^nu, gamma_m = m^(-g) (g = 1/2 NTK, g = 1
mean-field, any rational g in [1/2, 1], or a symbolic g), Gaussian data with bulk spectrum lambda_k = k^(-alpha),
unit-norm neurons at typical scale s (s^2 = tr(Sigma_hat)/d), targets of unit variance independent of the spike:

* ||S1||  = gamma rho |mu| sqrt(m);
* ||S2||  : drift gamma zeta^2 |rbar| |mu2| ||Wq||, fluctuation gamma zeta sqrt(m/n) sigma_r v;
* ||S12|| : drift gamma zeta^2 |c| |mu| sqrt(m), c = gamma |mu| ||Wq||, fluctuation gamma zeta n^(-1/2) sigma_r
  |mu| sqrt(m);
* ||E||   = O(gamma sigma_r v): a leading-order statement from the Gaussian-equivalent argument ((gamma/n) X_B^T N,
  N = (r a^T) o sigma'_perp with entries of size sigma_r v, has norm Theta(gamma sigma_r v)); O(gamma) at alpha = 0.

mu0, mu, mu2, v are the activation's Gaussian moments at scale s (:mod:`._sizes`). The mean residual
|rbar| = Theta(n^e), e the largest of 1/2 - g + (exponent of mu0) when E sigma(sZ) != 0 (the initial output's
random mean gamma sum_j a_j E sigma(sZ)), 0 when E[y] != 0, and -1/2 (the empirical mean of centred targets).
Exponents of n are read from these expressions and the boundaries in nu solved from them: nothing is typed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Mapping

import sympy as sp

from .._activations import activation
from .._errors import InvalidArgument, UnknownName
from .._gaussian import s
from ._exponents import G, G_RANGE, exponent, extreme, n, nu, rational
from ._render import as_dict, boundary_reason, regime_notes, render
from ._sizes import (FORMULAS, MOMENT_NAMES, TERMS, Moment, R, W_q, bulk_trace, c, c_y, delta, gamma, kappa, m, moments,
                     mu, rbar, rho, sigma_r, typical_scale, zeta)

__all__ = ["REGIME_SCALINGS", "REGIME_WEIGHTS", "ExponentBand", "Regime", "derive_lowrank", "scaling_exponent",
           "exponent", "n", "nu"]


REGIME_SCALINGS = {"ntk": sp.Rational(1, 2), "mf": sp.Integer(1)}
REGIME_WEIGHTS = ("isotropic", "aligned-ones", "aligned-signs")
SCALING_RANGE = ("'ntk' (g = 1/2), 'mf' (g = 1), 'g' (a symbolic g), or a rational g in [1/2, 1] "
                 "(gamma_m = m^(-g)) such as '3/4'")
ALPHA_RANGE = "a rational >= 0 (bulk spectrum lambda_k = k^(-alpha)) such as '5/9'"


def scaling_exponent(scaling: object) -> sp.Expr:
    """g of gamma_m = m^(-g): 'ntk' 1/2, 'mf' 1, 'g' the symbol, else a rational in [1/2, 1]."""
    if isinstance(scaling, str) and scaling.strip().lower() in REGIME_SCALINGS:
        return REGIME_SCALINGS[scaling.strip().lower()]
    if isinstance(scaling, str) and scaling.strip() == "g":
        return G
    return rational("scaling", scaling, SCALING_RANGE, *G_RANGE)


@dataclass(frozen=True)
class Regime:
    """One setting: scaling, activation (from the library), weight construction, whether E[y] != 0, the
    activation's parameters (``(("slope", 0.3),)`` or a mapping; the library's defaults fill the rest), and the
    bulk exponent alpha (a rational >= 0)."""

    scaling: object = "ntk"
    activation: str = "relu"
    weights: str = "isotropic"
    target_mean: bool = False
    params: tuple = ()
    alpha: object = 0

    def __post_init__(self) -> None:
        scaling_exponent(self.scaling)
        if self.weights not in REGIME_WEIGHTS:
            raise UnknownName("weight construction", str(self.weights), list(REGIME_WEIGHTS))
        if not isinstance(self.target_mean, bool):
            raise InvalidArgument("target_mean", self.target_mean, "True (E[y] != 0) or False (centred targets)")
        given = self.params
        if isinstance(given, Mapping):
            given = tuple(given.items())
        if not (isinstance(given, tuple) and all(isinstance(p, tuple) and len(p) == 2 and isinstance(p[0], str)
                                                 for p in given)):
            raise InvalidArgument("params", self.params, "a mapping or a tuple of (name, value) pairs")
        bound = activation(self.activation, **dict(given)).params  # validates the name, the keys and the domains
        object.__setattr__(self, "params", tuple(sorted((k, tuple(v) if isinstance(v, list) else v)
                                                        for k, v in bound.items())))
        object.__setattr__(self, "alpha", rational("alpha", self.alpha, ALPHA_RANGE, 0))

    # --- settings ---
    @cached_property
    def g(self) -> sp.Expr:
        """The scaling exponent: a Rational in [1/2, 1], or the symbol g (1/2 <= g <= 1)."""
        return scaling_exponent(self.scaling)

    def describe(self) -> str:
        names = {sp.Rational(1, 2): "NTK scaling (g = 1/2)", sp.Integer(1): "mean-field scaling (g = 1)"}
        scale = names.get(self.g, "symbolic g, 1/2 <= g <= 1" if self.g == G else f"scaling g = {self.g}")
        own = ", ".join(f"{k} = {v}" for k, v in self.params)
        mean = "non-zero" if self.target_mean else "zero"
        return (f"{scale}, {self.activation}{f' ({own})' if own else ''}, {self.weights} weights, target mean "
                f"{mean}, bulk alpha = {self.alpha}")

    # --- the activation's moments ---
    @cached_property
    def moment_info(self) -> dict[str, Moment]:
        return moments(self.activation, self.params, self.alpha > 0)

    @cached_property
    def moments(self) -> dict[str, sp.Expr]:
        """E sigma(sZ), E sigma'(sZ), E sigma''(sZ), sd sigma'(sZ) (keys mean, mu, second, sd): closed forms in s,
        0 by parity, or named constants (mu0, mu, mu2, v) where the library has none."""
        return {k: mo.display for k, mo in self.moment_info.items()}

    @cached_property
    def derived(self) -> bool:
        """False when a moment's order in n is unknown (no closed form at alpha > 0 for a kinked activation)."""
        return all(mo.leading is not None for mo in self.moment_info.values())

    # --- the ingredients, as functions of n ---
    @cached_property
    def gamma(self) -> sp.Expr:
        return (kappa * n) ** -self.g

    @cached_property
    def scale(self) -> sp.Expr:
        """The typical pre-activation scale s as a function of n (1 at alpha = 0)."""
        return typical_scale(self.alpha, delta * n)

    def _lead(self, key: str) -> sp.Expr:
        return self.moment_info[key].leading.subs(s, self.scale)

    @cached_property
    def rbar_parts(self) -> dict[str, sp.Expr]:
        """Contributions to the exponent of |rbar|, by cause."""
        parts = {"empirical mean of the centred targets": -sp.Rational(1, 2)}
        if self.derived and self._lead("mean") != 0:
            parts["initial output's random mean gamma sum_j a_j E sigma(sZ)"] = \
                sp.Rational(1, 2) - self.g + exponent(self._lead("mean"))
        if self.target_mean:
            parts["target mean E[y] != 0"] = sp.Integer(0)
        return parts

    @cached_property
    def rbar_exponent(self) -> sp.Expr:
        return extreme(self.rbar_parts.values(), "max")

    @cached_property
    def rbar(self) -> sp.Expr:
        """|mean residual| = R n^e (see :attr:`rbar_parts`)."""
        return R * n**self.rbar_exponent

    @cached_property
    def weight_overlap(self) -> sp.Expr:
        """||W q|| (and (a o mu)^T W q / |mu|, the same order for random-sign a)."""
        return sp.sqrt(kappa / delta) if self.weights == "isotropic" else sp.sqrt(kappa * n) * n ** sp.Rational(-1, 4)

    def _rho(self, mu_value: sp.Expr) -> sp.Expr:
        """rho = ||X_B^T r||/n ~ sqrt(||E[x_B y]||^2 + ||E[x_B f]||^2 + tr(Sigma_hat) E[r^2]/n)."""
        d = delta * n
        t1, t2 = bulk_trace(1, self.alpha, d), bulk_trace(2, self.alpha, d)
        return sp.sqrt(c_y**2 * t2 / t1 + self.gamma**2 * kappa * n * sp.Abs(mu_value) ** 2 * t2 / d
                       + t1 * sigma_r**2 / n)

    def _substitutions(self, lead: bool) -> dict:
        if lead:
            mom = {MOMENT_NAMES[k][0]: self._lead(k) for k in MOMENT_NAMES}
            extra = {rho: self._rho(mom[mu]), s: self.scale}
        else:
            mom = {MOMENT_NAMES[k][0]: mo.display for k, mo in self.moment_info.items()}
            extra = {}
        return {c: self.gamma * sp.Abs(mom[mu]) * self.weight_overlap, gamma: self.gamma, zeta: n**nu,
                m: kappa * n, W_q: self.weight_overlap, rbar: self.rbar, **mom, **extra}

    @cached_property
    def sizes(self) -> dict[str, sp.Expr]:
        """Leading-order sizes of each part (drift and fluctuation separately): closed forms in s, n, nu."""
        sub = self._substitutions(lead=False)
        return {k: f.subs(sub) for k, f in FORMULAS.items()}

    @cached_property
    def asymptotic_sizes(self) -> dict[str, sp.Expr]:
        """The sizes with s and rho replaced by their orders in n (what the exponents are read from)."""
        if not self.derived:
            return {}
        sub = self._substitutions(lead=True)
        return {k: f.subs(sub) for k, f in FORMULAS.items()}

    @cached_property
    def s1_vanishes(self) -> bool:
        return self.derived and self._lead("mu") == 0

    @cached_property
    def exponents(self) -> dict[str, sp.Expr]:
        """Exponent of n of each part, of each term (the larger of its parts) and of S2/S1, S12/S1, E/S1."""
        if not self.derived:
            return {}
        e = {k: exponent(v) for k, v in self.asymptotic_sizes.items()}
        e["S1/(gamma sqrt(m))"] = e["S1"] - exponent(self.gamma * sp.sqrt(kappa * n)) if e["S1"] != -sp.oo else -sp.oo
        for term in TERMS:
            e[term] = extreme([e[f"{term}_drift"], e[f"{term}_fluctuation"]], "max")
        e["E"] = extreme([e["E_bulk"], e["E_spike"]], "max")
        if not self.s1_vanishes:
            for term in TERMS:
                e[f"{term}/S1"] = extreme([e[f"{term}_drift"] - e["S1"], e[f"{term}_fluctuation"] - e["S1"]], "max")
            e["E/S1"] = e["E"] - e["S1"]
        return {k: sp.piecewise_fold(v) if v.has(sp.Piecewise) else v for k, v in e.items()}

    @cached_property
    def validity(self) -> sp.Expr:
        """The expansion needs zeta |w_j^T q| << min(1, s): nu below this bound."""
        return exponent(self.scale) - exponent(self.weight_overlap / sp.sqrt(kappa * n))

    @cached_property
    def part_roots(self) -> dict[str, dict[str, sp.Expr]]:
        """For each term, the nu where each of its parts alone reaches S1 (-oo: above S1 at every nu)."""
        out = {}
        for term in TERMS:
            roots = {}
            for part in ("drift", "fluctuation"):
                e = self.exponents.get(f"{term}_{part}", -sp.oo)
                if e == -sp.oo or self.s1_vanishes or not self.derived:
                    continue
                piece = sp.piecewise_fold(sp.expand(e - self.exponents["S1"]))
                slope, at0 = sp.diff(piece, nu), piece.subs(nu, 0)
                if slope.is_positive:
                    roots[part] = sp.piecewise_fold(-at0 / slope)
                elif at0.is_positive:
                    roots[part] = -sp.oo
            out[term] = roots
        return out

    @cached_property
    def boundaries(self) -> dict[str, sp.Expr]:
        """The nu at which S2 and S12 overtake S1: the smallest part root, at least 0; oo if never; nan (no
        boundary) where S1 vanishes or the exponents are not derived. :attr:`reasons` says which, in words."""
        out = {}
        for term, roots in self.part_roots.items():
            key = f"{term}/S1"
            if self.s1_vanishes or not self.derived:
                out[key] = sp.nan
            elif not roots:
                out[key] = sp.oo
            else:
                out[key] = extreme([sp.Integer(0), extreme(roots.values(), "min")], "max")
        return out

    @cached_property
    def reasons(self) -> dict[str, str]:
        """One line per boundary saying how it arises (or why there is none)."""
        return {key: boundary_reason(self, key) for key in self.boundaries}

    @cached_property
    def notes(self) -> list[str]:
        """What the derivation assumes beyond its formulas (E, alpha, moments without closed forms, weights)."""
        return regime_notes(self)

    def lines(self, latex: bool = False) -> list[str]:
        """The derivation as lines of text, or (``latex``) as a LaTeX document fragment."""
        return render(self, latex)

    def as_dict(self) -> dict:
        """The derivation as JSON-serialisable data (expressions as SymPy strings with LaTeX versions)."""
        return as_dict(self)


def derive_lowrank(scaling: object = "ntk", activation: str = "relu", weights: str = "isotropic",
                   target_mean: bool = False, params: Mapping[str, object] | None = None,
                   alpha: object = 0) -> Regime:
    """The regime of one setting, with its sizes, exponents and boundaries (see :class:`Regime`).

    >>> derive_lowrank("ntk").boundaries["S2/S1"], derive_lowrank("mf").boundaries["S2/S1"]
    (1/4, 1/2)
    >>> derive_lowrank("mf", target_mean=True).boundaries["S2/S1"], derive_lowrank("3/4").boundaries["S2/S1"]
    (1/4, 3/8)
    >>> derive_lowrank("g").boundaries["S2/S1"]
    g/2
    >>> derive_lowrank("ntk", weights="aligned-signs").boundaries["S2/S1"]
    1/8
    >>> derive_lowrank("ntk", "erf").exponents["S2/S1"]     # the drift vanishes for odd activations
    nu - 1/2
    """
    given = tuple(params.items()) if isinstance(params, Mapping) else (params or ())
    return Regime(scaling, activation, weights, target_mean, given, alpha)


@dataclass(frozen=True)
class ExponentBand:
    """Prediction of a scaling-law claim: each derived exponent of n, at the claim's nu, give or take ``band``.

    Returns one (e - band, e + band) range per quantity (keys of
    :attr:`Regime.exponents`). ``band`` is the claim's stated allowance for
    finite-size corrections to a log-slope over a finite ladder of sizes; the
    derivation does not bound them, so it is part of what the claim asserts.
    ``boundary_shift`` evaluates the exponents at nu - shift: the prediction of
    a theory whose phase boundaries sit ``shift`` higher (for mutation tests).

    >>> ExponentBand(Regime("mf", target_mean=True), ("S2/S1",), 0.1)({"nu": 0.4}, dps=15)
    ((0.2, 0.4),)
    """

    regime: Regime
    quantities: tuple[str, ...]
    band: float
    boundary_shift: float = 0.0

    def __post_init__(self) -> None:
        unknown = [q for q in self.quantities if q not in self.regime.exponents]
        if unknown or not self.quantities:
            raise UnknownName("exponent", unknown[0] if unknown else "", list(self.regime.exponents))
        if not (0 < self.band < 1):
            raise InvalidArgument("band", self.band, "an allowance in (0, 1)")

    def exponents(self, values) -> tuple[sp.Expr, ...]:
        at = sp.nsimplify(values["nu"]) - sp.nsimplify(self.boundary_shift)
        return tuple(sp.simplify(self.regime.exponents[q].subs(nu, at)) for q in self.quantities)

    def expression(self, values) -> str:
        return ", ".join(f"exponent of {q} = {sp.sstr(self.regime.exponents[q])} = {sp.sstr(e)} (+- {self.band})"
                         for q, e in zip(self.quantities, self.exponents(values)))

    def allowance(self, values) -> tuple[str, float, tuple[float, ...]]:
        """(name, value, centres): each claimed range is a derived exponent -+ the band."""
        return "band", float(self.band), tuple(float(e) for e in self.exponents(values))

    def __call__(self, values, *, dps: int) -> tuple[tuple[float, float], ...]:
        band = sp.nsimplify(self.band)
        return tuple((float(e - band), float(e + band)) for e in self.exponents(values))
