"""Estimators of user-declared claims, driven by parsed formulas (:func:`theory.parse_formula`).

* :class:`FormulaExpectationMC`: Monte Carlo mean of ``integrand(Z)`` over Z ~ N(0, 1);
* :class:`FormulaExpectationQuad`: the same expectation by arbitrary-precision
  quadrature (two rules and an error bound, :func:`gaussian_expectation_quad`);

Each claim component (one position of its swept parameters, see
:func:`theory.components`) is estimated from the same draws (common random numbers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import mpmath
import numpy as np

from theory import Formula, InvalidArgument, NoConvergence, ResourceLimit, components

from ._estimate import Estimate
from ._quadrature import gaussian_expectation_quad
from ._sampling import Rows, chunked_mean

__all__ = ["FormulaExpectationMC", "FormulaExpectationQuad", "MC_MAX_EVALUATIONS"]

#: The Gaussian variable of an integrand.
Z = "Z"


def _needs_z(formula: Formula) -> None:
    if not isinstance(formula, Formula) or Z not in formula.symbols:
        raise InvalidArgument("integrand", formula, "a Formula declared over the symbol 'Z'")


#: The most integrand evaluations (components x draws) one :class:`FormulaExpectationMC` call may make: 2^32,
#: e.g. a sweep of 1000 values at 2^22 draws (the standard budget's last look from the default n_start), a minute
#: or two on one core for a short formula. Memory is bounded apart from this
#: (:data:`numerics.MC_CHUNK_BYTES`).
MC_MAX_EVALUATIONS = 1 << 32


@dataclass(frozen=True)
class FormulaExpectationMC:
    """Estimator callable: E[integrand(Z)], Z ~ N(0, 1), at every component, by a chunked sample mean.

    Components are evaluated a block at a time (:class:`Rows`), so memory stays
    within :data:`numerics.MC_CHUNK_BYTES` whatever the sweep; a call of more than
    :data:`MC_MAX_EVALUATIONS` evaluations raises :class:`theory.ResourceLimit`
    before drawing anything.
    """

    route = "simulation"  # how its estimate is independent of a prediction (verify.ROUTES)
    integrand: Formula

    def __post_init__(self) -> None:
        _needs_z(self.integrand)

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        comps = components(values)
        if isinstance(n, (int, np.integer)) and len(comps) * int(n) > MC_MAX_EVALUATIONS:
            raise ResourceLimit(f"a Monte Carlo mean of {self.integrand.text!r} at {len(comps)} components and "
                                f"{n} draws", f"needs {len(comps) * int(n):.3g} evaluations",
                                f"at most {MC_MAX_EVALUATIONS:.3g} (numerics.MC_MAX_EVALUATIONS)")

        def block(z: np.ndarray, lo: int, hi: int) -> np.ndarray:
            k = z.size
            rows = np.stack([np.broadcast_to(self.integrand.numpy({**c, Z: z}), (k,)) for c in comps[lo:hi]])
            if not np.all(np.isfinite(rows)):
                i, j = np.argwhere(~np.isfinite(rows))[0]
                raise NoConvergence(f"integrand {self.integrand.text!r} is {rows[i, j]} at Z = {z[j]:.6g} "
                                    f"(component {lo + i}: {comps[lo + i]})")
            return rows

        def sample(rng_: np.random.Generator, k: int) -> Rows:
            z = rng_.standard_normal(k)
            return Rows(len(comps), lambda lo, hi: block(z, lo, hi))

        return chunked_mean(sample, rng=rng, n=n,
                            method=f"Monte Carlo mean of {self.integrand.text} over Z ~ N(0, 1) (float64)")


@dataclass(frozen=True)
class FormulaExpectationQuad:
    """Estimator callable: E[integrand(Z)] by quadrature to ``dps`` digits, split at ``breakpoints`` (Z values)."""

    route = "quadrature"
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
