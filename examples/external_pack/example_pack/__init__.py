"""An example external pack: E[Z^2 cos(sZ)] = (1 - s^2) exp(-s^2/2) for Z ~ N(0, 1).

The identity is minus the second derivative in s of the characteristic function E[cos(sZ)] = exp(-s^2/2).
The verifier finds this module through the entry point ``example = "example_pack"`` in the group
``theory_verifier.packs`` (see ``pyproject.toml``); it uses only the public names of ``verify``, ``theory`` and
``numerics`` and touches no file of the project.
"""

from dataclasses import dataclass, replace

import numpy as np
import sympy as sp

import numerics
import theory
from verify import Claim, Kind, Pack, Parameter, Provenance

__all__ = ["PACK", "claims"]

s = theory.s  # the input scale symbol (positive)


@dataclass(frozen=True)
class Prediction:
    """The closed form (1 - s^2) exp(-s^2/2), evaluated at each scale to ``dps`` digits."""

    def expression(self, params=None):
        return (1 - s**2) * sp.exp(-s**2 / 2)

    def __call__(self, params, *, dps):
        return tuple(theory.evaluate(self.expression(), {s: v}, dps=dps) for v in params["s"])


def _u2_cos(u):
    return u * u * np.cos(u)


@dataclass(frozen=True)
class Estimator:
    """Monte Carlo mean of Z^2 cos(sZ), with its standard error.

    ``numerics.gaussian_expectation_mc`` averages g(sZ); with g(u) = u^2 cos(u) that is s^2 Z^2 cos(sZ), so the
    mean and its standard error are divided by s^2 (an exact rescaling, same draws at every scale).
    """

    def __call__(self, params, *, rng, n, dps=None):
        scales = tuple(float(v) for v in params["s"])
        est = numerics.gaussian_expectation_mc(_u2_cos, scales, rng=rng, n=n)
        return replace(
            est,
            value=tuple(v / sc**2 for v, sc in zip(est.value, scales)),
            std_error=tuple(e / sc**2 for e, sc in zip(est.std_error, scales)),
            method=(f"{est.method}; g(u) = u^2 cos(u), divided by s^2" if est.method
                    else "Monte Carlo mean of Z^2 cos(sZ)"),
        )


def claims():
    """The pack's one claim."""
    return (
        Claim(
            id="example.gauss.second_moment_cos",
            title="E[Z^2 cos(sZ)] = (1 - s^2) exp(-s^2/2) for Z ~ N(0, 1)",
            provenance=Provenance("derived", note="textbook identity (differentiate the characteristic function "
                                                  "twice); an example of an external pack"),
            parameters={"s": Parameter((0.5, 2.0), theory.POSITIVE, vector=True)},
            prediction=Prediction(),
            estimator=Estimator(),
            kind=Kind.STATISTICAL,
            resolution=0.01,
        ),
    )


PACK = Pack(
    name="example",
    title="An example external pack: one Gaussian moment identity",
    families=("example",),
    claims=claims,
)
