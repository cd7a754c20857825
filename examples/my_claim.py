"""Add your own claim: E[cos(sZ)] = exp(-s^2/2) for Z ~ N(0, 1).

Run it with ``python examples/my_claim.py``; it registers the claim, checks it
and writes a report to ``verify-report-example/``.
"""

from dataclasses import dataclass

import numpy as np
import sympy as sp

import numerics
import theory
import verify
from verify import Claim, Kind, Parameter, Provenance

s = theory.s  # the input scale symbol (positive)


@dataclass(frozen=True)
class Prediction:
    """The closed form exp(-s^2/2), evaluated at each scale to ``dps`` digits."""

    def expression(self, params=None):
        return sp.exp(-s**2 / 2)

    def __call__(self, params, *, dps):
        return tuple(theory.evaluate(self.expression(), {s: v}, dps=dps) for v in params["s"])


@dataclass(frozen=True)
class Estimator:
    """Monte Carlo mean of cos(sZ), with its standard error."""

    def __call__(self, params, *, rng, n, dps=None):
        return numerics.gaussian_expectation_mc(np.cos, params["s"], rng=rng, n=n)


claim = Claim(
    id="example.cos.characteristic",
    title="E[cos(sZ)] = exp(-s^2/2): the Gaussian characteristic function",
    provenance=Provenance("derived", note="textbook identity, used as an example"),
    parameters={"s": Parameter((0.5, 1.0), theory.POSITIVE, vector=True)},
    prediction=Prediction(),
    estimator=Estimator(),
    kind=Kind.STATISTICAL,
    resolution=0.01,
)

if __name__ == "__main__":
    verify.register(claim)
    verdict = verify.check(verify.get(claim.id), seed=0)
    print(verdict.outcome, "-", verdict.reason)
    result = verify.run([claim], seed=0)
    print("report:", verify.write_report(result, "verify-report-example")["markdown"])
