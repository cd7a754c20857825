"""Estimators of user-declared claims, driven by parsed formulas (:func:`theory.parse_formula`).

* :class:`FormulaExpectationMC`: Monte Carlo mean of ``integrand(Z)`` over Z ~ N(0, 1);
* :class:`FormulaExpectationQuad`: the same expectation by arbitrary-precision
  quadrature (two rules and an error bound, :func:`gaussian_expectation_quad`);
* :class:`GradientNorms`: the mean over independent draws of a statistic of the
  low-rank gradient decomposition's spectral norms (||G|| = sigma_1, sigma_2,
  ||S1||, ||S12||, ||S2||, ||E||), e.g. ``S2/S1``, with a Student-t standard error.

Each claim component (one position of its swept parameters, see
:func:`theory.components`) is estimated from the same draws (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import mpmath
import numpy as np

from theory import Formula, InvalidArgument, NoConvergence, activation, components

from ._arrays import draw_seeds
from ._estimate import Estimate, seed_of
from ._lowrank_setup import Setup
from ._decomposition import MU_MODES
from ._network import LOSSES, SCALINGS
from ._quadrature import gaussian_expectation_quad
from ._sampling import chunked_mean
from ._targets import TARGETS
from ._weights import WEIGHTS

__all__ = ["FormulaExpectationMC", "FormulaExpectationQuad", "GradientNorms", "GRADIENT_NORMS", "GRADIENT_PARAMETERS"]

#: The Gaussian variable of an integrand.
Z = "Z"


def _needs_z(formula: Formula) -> None:
    if not isinstance(formula, Formula) or Z not in formula.symbols:
        raise InvalidArgument("integrand", formula, "a Formula declared over the symbol 'Z'")


@dataclass(frozen=True)
class FormulaExpectationMC:
    """Estimator callable: E[integrand(Z)], Z ~ N(0, 1), at every component, by a chunked sample mean."""

    integrand: Formula

    def __post_init__(self) -> None:
        _needs_z(self.integrand)

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        comps = components(values)

        def sample(rng_: np.random.Generator, k: int) -> np.ndarray:
            z = rng_.standard_normal(k)
            rows = np.stack([np.broadcast_to(self.integrand.numpy({**c, Z: z}), (k,)) for c in comps])
            if not np.all(np.isfinite(rows)):
                i, j = np.argwhere(~np.isfinite(rows))[0]
                raise NoConvergence(f"integrand {self.integrand.text!r} is {rows[i, j]} at Z = {z[j]:.6g} "
                                    f"(component {i}: {comps[i]})")
            return rows

        return chunked_mean(sample, rng=rng, n=n,
                            method=f"Monte Carlo mean of {self.integrand.text} over Z ~ N(0, 1) (float64)")


@dataclass(frozen=True)
class FormulaExpectationQuad:
    """Estimator callable: E[integrand(Z)] by quadrature to ``dps`` digits, split at ``breakpoints`` (Z values)."""

    integrand: Formula
    breakpoints: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        _needs_z(self.integrand)

    def __call__(self, values: Mapping[str, object], *, rng=None, n=None, dps: int) -> Estimate:
        estimates = []
        for c in components(values):
            point = {k: mpmath.mpf(float(v)) for k, v in c.items()}
            g = lambda z, point=point: self.integrand.mpmath({**point, Z: z})  # noqa: E731
            estimates.append(gaussian_expectation_quad(g, [1.0], dps=dps, kinks=self.breakpoints))
        return Estimate(tuple(e.value[0] for e in estimates), bound=tuple(e.bound[0] for e in estimates),
                        method=f"quadrature of {self.integrand.text} against the N(0, 1) density "
                               f"(tanh-sinh and Gauss-Legendre)", dps=dps)


#: The spectral norms a :class:`GradientNorms` statistic may use.
GRADIENT_NORMS = ("G", "sigma2", "S1", "S12", "S2", "E")

#: Parameters a :class:`GradientNorms` claim must declare (``alpha`` and ``target_mean`` are optional).
GRADIENT_PARAMETERS = ("n", "d", "m", "nu")


def _norms(setup: Setup, values: Mapping[str, object], seed: int, used: tuple[str, ...]) -> dict[str, float]:
    dec = setup.problem({**values, "seed": seed}).decomposition(k=2)
    norms = {"G": float(dec.singular_values[0]), "sigma2": float(dec.singular_values[1]),
             "S1": float(np.linalg.norm(dec.S1)), "S12": float(np.linalg.norm(dec.S12)),
             "S2": float(np.linalg.norm(dec.S2))}  # rank one: Frobenius norm = spectral norm
    if "E" in used:
        norms["E"] = float(np.linalg.norm(dec.E, 2))
    return norms


@dataclass(frozen=True)
class GradientNorms:
    """Estimator callable: mean over ``n`` independent draws of ``statistic`` of the gradient's spectral norms.

    ``statistic`` is a Formula over :data:`GRADIENT_NORMS` (and the claim's
    parameters); the problem is :class:`Setup`'s, built from the claim's
    ``n, d, m, nu`` (and ``alpha``, ``target_mean`` if declared) and one seed per draw.
    """

    statistic: Formula
    setup: Setup

    def __post_init__(self) -> None:
        s = self.setup
        for name, value, allowed in (("weights", s.weights, WEIGHTS), ("target", s.target, TARGETS),
                                     ("loss", s.loss, tuple(LOSSES)), ("mu", s.mu, MU_MODES)):
            if value not in allowed:
                raise InvalidArgument(name, value, f"one of {', '.join(allowed)}")
        if s.scaling not in SCALINGS:
            raise InvalidArgument("scaling", s.scaling, f"one of {', '.join(SCALINGS)}")
        activation(s.activation, **dict(s.activation_params))
        if not set(self.statistic.used) & set(GRADIENT_NORMS):
            raise InvalidArgument("statistic", self.statistic.text, f"a formula using some of {', '.join(GRADIENT_NORMS)}")

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
            raise InvalidArgument("n", n, "at least 2 independent draws (a standard error needs two)")
        comps = components(values)
        used = self.statistic.used
        rows = np.empty((len(comps), int(n)))
        for j, seed in enumerate(draw_seeds(rng, n)):
            for i, c in enumerate(comps):
                rows[i, j] = self.statistic.numpy({**c, **_norms(self.setup, c, seed, used)})
        if not np.all(np.isfinite(rows)):
            raise NoConvergence(f"statistic {self.statistic.text!r} is not finite on some draw")
        se = rows.std(axis=1, ddof=1) / np.sqrt(n)
        return Estimate(tuple(rows.mean(axis=1).tolist()), std_error=tuple(se.tolist()), n_samples=int(n),
                        method=f"mean of {self.statistic.text} over {n} independent draws ({self.setup.describe()})",
                        seed=seed_of(rng), dof=int(n) - 1)
