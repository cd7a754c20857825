"""Synthetic claims with known truth, shared by the verify tests."""

import dataclasses
from dataclasses import dataclass

import numpy as np

from numerics import Estimate, seed_of
from theory import POSITIVE
from verify import Claim, Kind, Parameter, Provenance


@dataclass(frozen=True)
class Constant:
    """Prediction callable returning fixed values."""

    values: tuple

    def __call__(self, params, *, dps):
        return self.values


@dataclass(frozen=True)
class NormalMean:
    """Estimator: the mean of n draws of N(truth, sigma^2), drawn exactly as one normal variate."""

    truth: tuple
    sigma: float = 1.0

    def __call__(self, params, *, rng, n, dps=None):
        se = self.sigma / np.sqrt(n)
        values = rng.normal(self.truth, se)
        return Estimate(tuple(values.tolist()), std_error=(se,) * len(self.truth), n_samples=n,
                        method="synthetic normal mean", seed=seed_of(rng))


@dataclass(frozen=True)
class Bounded:
    """Deterministic estimator: value with a bound."""

    value: float
    bound: float

    def __call__(self, params, *, rng=None, n=None, dps):
        return Estimate((self.value,), bound=(self.bound,), method="synthetic bound", dps=dps)


def statistical(predicted=(1.0,), truth=(1.0,), sigma=1.0, resolution=0.05, n_start=64, id="synthetic.normal.mean"):
    return Claim(id=id, title="synthetic normal mean", provenance=Provenance("observed"),
                 parameters={"s": Parameter(1.0, POSITIVE)}, prediction=Constant(tuple(predicted)),
                 estimator=NormalMean(tuple(truth), sigma), kind=Kind.STATISTICAL, resolution=resolution,
                 n_start=n_start)


def exact(predicted=1.0, value=1.0, bound=1e-25, resolution=1e-20):
    return Claim(id="synthetic.exact", title="synthetic exact", provenance=Provenance("derived"),
                 parameters={}, prediction=Constant((predicted,)), estimator=Bounded(value, bound),
                 kind=Kind.EXACT, resolution=resolution, dps=30)


def mutated(claim, relative):
    """``claim`` with its prediction multiplied by 1 + relative, computed at the claim's precision."""
    import mpmath

    def prediction(params, dps):
        with mpmath.workdps(dps + 10):
            return tuple(mpmath.mpf(v) * (1 + mpmath.mpf(relative)) for v in claim.prediction(params, dps=dps))

    return dataclasses.replace(claim, prediction=prediction)
