r"""Leading-order sizes of the gradient's terms and the spike regimes they imply (arXiv 2510.01303 setting).

**Derived by us** (our note, section 3.3), not the paper's: a heuristic
small-spike expansion under proportional asymptotics, m = kappa n, d = delta n,
zeta = n^nu, gamma_m = m^(-g) (g = 1/2 NTK, 1 mean-field), Gaussian data,
unit-norm neurons at typical scale s, targets of unit variance:

* ||S1||  = gamma_m rho ||mu||,                    ||mu|| = |mu(s)| sqrt(m), rho = Theta(1);
* ||S2||  : drift gamma_m zeta^2 |rbar| |E sigma''(sZ)| ||Wq||, fluctuation gamma_m zeta sqrt(m/n) rms(r) sd sigma'(sZ);
* ||S12|| : drift gamma_m zeta^2 |c| ||mu||, c = gamma_m (a o mu)^T W q,
  fluctuation gamma_m zeta n^(-1/2) rms(r) ||mu||;
* ||E||   = O(gamma_m): **observed** in our simulations only (note, section 3.3), no derivation.

The weights set ||Wq|| and (a o mu)^T Wq: sqrt(m/d) and |mu| sqrt(m/d) for
isotropic rows; sqrt(m) n^(-1/4) and |mu| sqrt(m) n^(-1/4) for the spike-aligned
W_S + n^(-1/4) b q^T (random signs a make the sum in c a random walk). The mean
residual rbar is Theta(1) in NTK when E sigma(sZ) != 0 (the initial output has an
O(1) random mean) or when the target mean is non-zero; otherwise it is
O(n^(-1/2)). The activation enters through its Gaussian moments from the
activation library; E sigma'' = 0 (odd activations) removes the S2 drift.

Exponents of n are computed from these expressions (a limit of log size / log n),
and the phase boundaries in nu are solved from them: nothing is typed in as a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import sympy as sp

from .._activations import activation, x
from .._errors import InvalidArgument, UnknownName
from .._gaussian import gaussian_moment

__all__ = ["REGIME_SCALINGS", "REGIME_WEIGHTS", "ExponentBand", "Regime", "derive_lowrank", "exponent", "n", "nu"]

n = sp.Symbol("n", positive=True)
nu = sp.Symbol("nu", nonnegative=True)
kappa, delta, rho, R, sigma_r = sp.symbols("kappa delta rho R sigma_r", positive=True)

REGIME_SCALINGS = {"ntk": sp.Rational(1, 2), "mf": sp.Integer(1)}
REGIME_WEIGHTS = ("isotropic", "aligned-ones", "aligned-signs")


def exponent(expr: sp.Expr) -> sp.Expr:
    """The exponent e with expr = Theta(n^e) as n -> oo (expr a product of powers of n times constants)."""
    if expr == 0:
        return sp.S.NegativeInfinity
    return sp.simplify(sp.limit(sp.expand_log(sp.log(expr), force=True) / sp.log(n), n, sp.oo))


@dataclass(frozen=True)
class Regime:
    """One setting: scaling, activation (from the library), weight construction, and whether E[y] != 0."""

    scaling: str = "ntk"
    activation: str = "relu"
    weights: str = "isotropic"
    target_mean: bool = False

    def __post_init__(self) -> None:
        if self.scaling not in REGIME_SCALINGS:
            raise UnknownName("scaling", self.scaling, list(REGIME_SCALINGS))
        if self.weights not in REGIME_WEIGHTS:
            raise UnknownName("weight construction", self.weights, list(REGIME_WEIGHTS))
        if not isinstance(self.target_mean, bool):
            raise InvalidArgument("target_mean", self.target_mean, "True (E[y] != 0) or False (centred targets)")
        activation(self.activation)  # validates the name

    # --- the activation's Gaussian moments (closed forms in s) ---
    @cached_property
    def moments(self) -> dict[str, sp.Expr]:
        """E sigma(sZ), E sigma'(sZ), E sigma''(sZ), sd sigma'(sZ): the library's closed forms in s; where
        there is none, 0 if sigma^(k) is odd (checked symbolically: sigma^(k)(-x) + sigma^(k)(x) = 0, e.g.
        sigmoid'' since sigmoid - 1/2 is odd), else a named non-zero constant."""
        act = activation(self.activation)

        def odd(k: int) -> bool:
            f = act.derivative_expr(k)
            return sp.simplify(f.subs(x, -x) + f) == 0

        zero_by_parity = {"mean": odd(0), "mean_derivative": odd(1), "mean_second_derivative": odd(2),
                          "variance_derivative": False}
        g = {}
        for q, label in (("mean", "E[sigma(sZ)]"), ("mean_derivative", "E[sigma'(sZ)]"),
                         ("mean_second_derivative", "E[sigma''(sZ)]"), ("variance_derivative", "Var[sigma'(sZ)]")):
            try:
                g[q] = gaussian_moment(self.activation, q)
            except UnknownName:
                g[q] = sp.Integer(0) if zero_by_parity[q] else sp.Symbol(label, positive=True)
        return {"mean": g["mean"], "mu": g["mean_derivative"], "second": g["mean_second_derivative"],
                "sd": sp.sqrt(g["variance_derivative"])}

    # --- the ingredients, as powers of n ---
    @cached_property
    def gamma(self) -> sp.Expr:
        return (kappa * n) ** -REGIME_SCALINGS[self.scaling]

    @cached_property
    def rbar(self) -> sp.Expr:
        """|mean residual|: Theta(1) if the NTK initial mean or the target mean is non-zero, else n^(-1/2)."""
        ntk_mean = self.scaling == "ntk" and sp.simplify(self.moments["mean"]) != 0
        return R if (ntk_mean or self.target_mean) else R / sp.sqrt(n)

    @cached_property
    def weight_overlap(self) -> sp.Expr:
        """||W q|| (and (a o mu)^T W q / |mu(s)|, the same order for random-sign a)."""
        m, d = kappa * n, delta * n
        return sp.sqrt(m / d) if self.weights == "isotropic" else sp.sqrt(m) * n ** sp.Rational(-1, 4)

    @cached_property
    def sizes(self) -> dict[str, sp.Expr]:
        """Leading-order sizes of each part (drift and fluctuation separately), in n, nu and constants."""
        mom, g, zeta, m = self.moments, self.gamma, n**nu, kappa * n
        mu_norm = sp.Abs(mom["mu"]) * sp.sqrt(m)
        c = g * sp.Abs(mom["mu"]) * self.weight_overlap
        return {
            "S1": g * rho * mu_norm,
            "S2_drift": g * zeta**2 * self.rbar * sp.Abs(mom["second"]) * self.weight_overlap,
            "S2_fluctuation": g * zeta * sp.sqrt(m / n) * sigma_r * mom["sd"],
            "S12_drift": g * zeta**2 * c * mu_norm,
            "S12_fluctuation": g * zeta / sp.sqrt(n) * sigma_r * mu_norm,
            "E": g,
        }

    @cached_property
    def exponents(self) -> dict[str, sp.Expr]:
        """Exponent of n of each part, of each term (the larger of its parts) and of S2/S1, S12/S1."""
        e = {k: exponent(v) for k, v in self.sizes.items()}
        e["S1/(gamma sqrt(m))"] = exponent(self.sizes["S1"] / (self.gamma * sp.sqrt(kappa * n)))
        for term in ("S2", "S12"):
            e[term] = sp.Max(e[f"{term}_drift"], e[f"{term}_fluctuation"])
            e[f"{term}/S1"] = sp.Max(e[f"{term}_drift"] - e["S1"], e[f"{term}_fluctuation"] - e["S1"])
        return e

    @cached_property
    def boundaries(self) -> dict[str, sp.Expr]:
        """The nu at which S2 and S12 overtake S1 (exponent of the ratio crosses 0), solved per part.

        Each part's ratio exponent is linear and increasing in nu; the term overtakes S1 at the
        smallest non-negative root among its parts (oo if none).
        """
        out = {}
        for term in ("S2", "S12"):
            roots = []
            for part in ("drift", "fluctuation"):
                piece = self.exponents[f"{term}_{part}"] - self.exponents["S1"]
                if piece is sp.S.NegativeInfinity or piece == sp.S.NegativeInfinity:
                    continue
                roots += [r for r in sp.solve(sp.Eq(piece, 0), nu) if r.is_nonnegative]
            out[f"{term}/S1"] = min(roots) if roots else sp.oo
        return out

    def describe(self) -> str:
        mean = "non-zero" if self.target_mean else "zero"
        return f"{self.scaling} scaling, {self.activation}, {self.weights} weights, target mean {mean}"

    def lines(self, latex: bool = False) -> list[str]:
        """The derivation as lines of text (or LaTeX): sizes, exponents of n, and the boundaries in nu."""
        show = sp.latex if latex else sp.sstr
        out = [f"regime: {self.describe()}",
               "provenance: derived by us (our note low_rank_gradients.md, section 3.3; heuristic small-spike "
               "expansion), not the paper's; ||E|| = O(gamma_m) is only observed",
               "leading-order sizes (m = kappa n, d = delta n, zeta = n^nu):"]
        out += [f"  ||{k}|| ~ {show(v)}" for k, v in self.sizes.items()]
        out.append("exponents of n:")
        out += [f"  {k}: {show(v)}" for k, v in self.exponents.items()]
        out.append("boundaries (the term overtakes S1 for nu above):")
        out += [f"  {k}: nu = {show(v)}" for k, v in self.boundaries.items()]
        if self.weights == "aligned-ones" and sp.simplify(self.moments["second"]) != 0:
            out.append("note: with all-ones b the S2 right vector is nearly parallel to a o mu, so S1, S12 and S2 "
                       "merge into one spike (note, section 3.3); the boundary is where it turns towards q")
        if self.weights != "isotropic":
            out.append("note: the expansion needs zeta |w^T q| << 1, i.e. nu < 1/4 for aligned weights")
        return out


def derive_lowrank(scaling: str = "ntk", activation: str = "relu", weights: str = "isotropic",
                   target_mean: bool = False) -> Regime:
    """The regime of one setting, with its sizes, exponents and boundaries (see :class:`Regime`).

    >>> derive_lowrank("ntk").boundaries["S2/S1"], derive_lowrank("mf").boundaries["S2/S1"]
    (1/4, 1/2)
    >>> derive_lowrank("mf", target_mean=True).boundaries["S2/S1"]
    1/4
    >>> derive_lowrank("ntk", weights="aligned-signs").boundaries["S2/S1"]
    1/8
    >>> derive_lowrank("ntk", "erf").exponents["S2/S1"]     # the drift vanishes for odd activations
    nu - 1/2
    """
    return Regime(scaling, activation, weights, target_mean)


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

    def __call__(self, values, *, dps: int) -> tuple[tuple[float, float], ...]:
        band = sp.nsimplify(self.band)
        return tuple((float(e - band), float(e + band)) for e in self.exponents(values))
