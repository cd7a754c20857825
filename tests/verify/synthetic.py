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
    """``claim`` with each predicted value moved by ``relative`` times its comparison scale.

    The scale is the one the verifier measures discrepancies against: |prediction|,
    floored at ``claim.scale_floor``, or 1 for an exactly zero prediction (where a
    multiplicative mutation would change nothing). Computed at the claim's precision.
    """
    import mpmath

    def prediction(params, dps):
        with mpmath.workdps(dps + 10):
            out = []
            for v in claim.prediction(params, dps=dps):
                v = mpmath.mpf(v)
                scale = max(abs(v), mpmath.mpf(claim.scale_floor)) if claim.scale_floor else (abs(v) or 1)
                out.append(v + (1 if v >= 0 else -1) * mpmath.mpf(relative) * scale)
            return tuple(out)

    return dataclasses.replace(claim, prediction=prediction)


@dataclass(frozen=True)
class Coin:
    """Estimator: the frequency of successes in n independent trials of probability p (per component)."""

    p: tuple

    def __call__(self, params, *, rng, n, dps=None):
        return Estimate.frequency(tuple(int(k) for k in rng.binomial(n, self.p)), n, method="synthetic coin",
                                  seed=seed_of(rng))


@dataclass(frozen=True)
class Replicates:
    """Estimator: the mean of n draws of N(truth, sigma^2) with its sample standard error and n - 1 dof."""

    truth: float
    sigma: float = 1.0

    def __call__(self, params, *, rng, n, dps=None):
        x = rng.normal(self.truth, self.sigma, size=n)
        return Estimate((float(x.mean()),), std_error=(float(x.std(ddof=1) / np.sqrt(n)),), n_samples=n, dof=n - 1,
                        method="synthetic replicates", seed=seed_of(rng))


def interval(ranges=((0.5, 1.0),), estimator=Coin((0.9,)), n_start=16, id="synthetic.interval"):
    return Claim(id=id, title="synthetic interval claim", provenance=Provenance("observed"), parameters={},
                 prediction=Constant(tuple(ranges)), estimator=estimator, kind=Kind.INTERVAL, resolution=0.05,
                 n_start=n_start)
