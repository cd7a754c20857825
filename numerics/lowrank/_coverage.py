r"""Estimators for the bulk trace, the input-noise law and the size of S2's drift (our note, section 6 items 9, 20
and 15; the statements are **derived by us**, their closed forms in :mod:`theory.lowrank._bulk`).

Every estimate here is a simulation, never the closed form it is compared with:

* :class:`BulkTraceMC`: the means of ||x_B||^2 over x_B ~ N(0, Sigma_hat) (its expectation is tr Sigma_hat) and of
  w^T Sigma_hat w over w uniform on the sphere (tr Sigma_hat / d), over fresh samples (a statistical estimate);
* :class:`NoiseSpikeRatio`: per independent draw, ||S2(tau)|| / ||S2(0)|| for inputs X_B + tau eps (one eps per
  draw, scaled by each tau) at a fixed mean residual rbar = -E[y]: with and without noise the targets are shifted by
  a constant so that the network's mean residual is exactly -E[y], which isolates E sigma''(sZ) from the growth of
  ReLU's mean output with the scale (and from the draw-to-draw spread of rbar);
* :class:`DriftRatio`: per independent draw, ||S2|| / D and ||S2|| / sqrt(D^2 + F^2), D and F the note's drift
  and fluctuation evaluated by :class:`theory.lowrank._bulk.S2Size` at the draw's measured rbar, rms(r), omega_j =
  w_j^T q and scales s_j.

||S2|| is the exact rank-one norm (gamma zeta / n) ||z^T M|| from the decomposition's vectors (our note, section
2.3 item 4), as in :mod:`numerics.lowrank._scaling`. The per-draw estimators report the mean over draws with its
sample standard error and n - 1 degrees of freedom (Student's t intervals).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import ClassVar, Mapping

import numpy as np

from theory import COUNT, NONNEGATIVE, POSITIVE, REAL, InvalidArgument
from theory.lowrank import S2Size

from .._arrays import draw_seeds
from .._draws import map_draws
from .._estimate import Estimate, seed_of
from .._sampling import chunked_mean
from ._decomposition import Preactivations, gradient_vectors, preactivations
from ._setup import Problem, Setup
from ._spiked import BulkCovariance, bulk_covariance, unit_sphere

__all__ = ["BulkTraceMC", "NoiseSpikeRatio", "DriftRatio", "s2_norm"]


@dataclass(frozen=True)
class BulkTraceMC:
    """Estimator: Monte Carlo means of (||x_B||^2, w^T Sigma_hat w), x_B ~ N(0, Sigma_hat), w uniform on S^(d-1),
    Sigma_hat = diag(k^(-alpha)), at the values ``d`` and ``alpha``; ``chunk`` samples at a time.

    >>> est = BulkTraceMC()({"d": 50, "alpha": 0.0}, rng=np.random.default_rng(0), n=4000)
    >>> round(est.value[0]), round(est.value[1], 12), est.n_samples     # tr I = 50; w^T I w = 1 for every w
    (50, 1.0, 4000)
    """

    route = "simulation"

    chunk: int = 1 << 12

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        COUNT.validate("d", values["d"])
        NONNEGATIVE.validate("alpha", values["alpha"])
        bulk = bulk_covariance(int(values["d"]), float(values["alpha"]))

        def sample(g: np.random.Generator, k: int) -> np.ndarray:
            X = bulk.sample(k, rng=g)
            return np.vstack([np.einsum("ij,ij->i", X, X), bulk.quadratic_forms(unit_sphere((k, bulk.d), rng=g))])

        return chunked_mean(sample, rng=rng, n=n, chunk=self.chunk,
                            method="Monte Carlo: ||x_B||^2 over x_B ~ N(0, Sigma_hat); w^T Sigma_hat w over w "
                                   "uniform on the sphere (float64)")


def s2_norm(problem: Problem, X_B: np.ndarray, bulk: BulkCovariance, rbar: float | None = None, *,
            pre: Preactivations | None = None) -> tuple[float, float]:
    """(||S2||, mean residual) of ``problem``'s draw with bulk data ``X_B`` of population covariance ``bulk``; with
    ``rbar``, the targets are first shifted by a constant so that the mean residual is ``rbar`` (MSE loss).
    ``pre``, if given, must be the :func:`preactivations` of that data (population scales of ``bulk``)."""
    d, s = problem.data, problem.setup
    if rbar is not None and s.loss != "mse":
        raise InvalidArgument("setup.loss", s.loss, "'mse' (a fixed mean residual shifts the targets)")
    pre = pre if pre is not None else preactivations(X_B, d.z, d.q, d.zeta, problem.W, bulk_cov=bulk)
    y = problem.y
    if rbar is not None:
        net = problem.network
        y = y + (float(np.mean(net.gamma * (net.sigma(pre.H) @ problem.a) - y)) - rbar)
    vec = gradient_vectors(X_B, d.z, d.q, d.zeta, problem.W, problem.a, y, activation=s.activation,
                           scaling=s.scaling, loss=s.loss, mu=s.mu, bulk_cov=bulk,
                           activation_params=dict(s.activation_params), preactivations=pre)
    return float(vec.gamma * vec.zeta / len(vec.r) * np.linalg.norm(vec.v)), float(vec.r.mean())


def _mean_over_draws(rows: list, n: int, rng: np.random.Generator, method: str) -> Estimate:
    """The mean of per-draw rows with its sample standard error and n - 1 degrees of freedom."""
    a = np.asarray(rows, dtype=float)
    return Estimate(tuple(a.mean(0).tolist()), std_error=tuple((a.std(0, ddof=1) / np.sqrt(n)).tolist()),
                    n_samples=int(n), dof=int(n) - 1, seed=seed_of(rng), method=method)


def _check_draws(n: object) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise InvalidArgument("n", n, "at least 2 independent draws (a standard error needs two)")


def _taus(values: Mapping[str, object]) -> tuple[float, ...]:
    taus = values["tau"] if isinstance(values["tau"], tuple) else (values["tau"],)
    if not taus:
        raise InvalidArgument("tau", taus, "at least one noise scale tau > 0")
    for t in taus:
        POSITIVE.validate("tau", t)
    return tuple(float(t) for t in taus)


def _fixed_rbar(values: Mapping[str, object]) -> float:
    """rbar = -E[y] from ``target_mean``, which must be non-zero (at rbar = 0 S2 has no drift to compare)."""
    mean = values.get("target_mean", 0.0)
    REAL.validate("target_mean", mean)
    if float(mean) == 0:
        raise InvalidArgument("target_mean", mean, "non-zero (the ratio is taken at rbar = -E[y]; at rbar = 0 S2 "
                                                   "has no drift)")
    return -float(mean)


@dataclass(frozen=True)
class NoiseSpikeRatio:
    """Estimator: the mean over ``n`` draws of ||S2(tau)|| / ||S2(0)|| at the mean residual rbar = -E[y], one
    component per tau of the values (module docstring). Reads the problem's values (``n, d, m, nu, alpha``,
    ``target_mean`` = E[y], non-zero) and ``tau``; input noise eps ~ N(0, I_d) per row, from the draw's own stream
    ([seed, 1]), scaled by each tau."""

    route = "simulation"

    setup: Setup
    maps_draws: ClassVar[bool] = True

    def __post_init__(self) -> None:
        if self.setup.loss != "mse":
            raise InvalidArgument("setup.loss", self.setup.loss, "'mse' (a fixed mean residual shifts the targets)")

    def ratios(self, values: Mapping[str, object], seed: int) -> np.ndarray:
        """Per tau, ||S2(tau)|| / ||S2(0)|| on the draw of ``seed``. The noisy pre-activations are the clean ones
        plus tau eps W^T (one product for every tau), with the population scales of Sigma_hat + tau^2 I,
        s_j^2 + tau^2 ||w_j||^2."""
        rbar = _fixed_rbar(values)
        problem = self.setup.problem({**values, "seed": seed})
        data, W = problem.data, problem.W
        eps = np.random.default_rng([seed, 1]).standard_normal(data.X_B.shape)
        clean = preactivations(data.X_B, data.z, data.q, data.zeta, W, bulk_cov=data.bulk)
        s2_clean = s2_norm(problem, data.X_B, data.bulk, rbar, pre=clean)[0]
        noise_h, row_norms = eps @ W.T, np.einsum("ij,ij->i", W, W)
        out = []
        for t in _taus(values):
            H = clean.H + t * noise_h
            H.setflags(write=False)
            pre = Preactivations(H, np.sqrt(clean.s**2 + t**2 * row_norms), clean.s_method)
            out.append(s2_norm(problem, data.X_B + t * eps, data.bulk.with_noise(t), rbar, pre=pre)[0] / s2_clean)
        return np.array(out)

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        _check_draws(n)
        taus, rbar = _taus(values), _fixed_rbar(values)
        rows = map_draws(partial(self.ratios, values), draw_seeds(rng, n))
        return _mean_over_draws(rows, n, rng, f"mean over {n} draws of ||S2(tau)|| / ||S2(0)|| at rbar = {rbar:g}, "
                                              f"tau = {taus} ({self.setup.describe()})")


@dataclass(frozen=True)
class DriftRatio:
    """Estimator: the means over ``n`` draws of ||S2|| / D and ||S2|| / sqrt(D^2 + F^2), with D and F from ``size``
    (:class:`theory.lowrank._bulk.S2Size`) at each draw's measured quantities. Reads the problem's values."""

    route = "simulation"

    setup: Setup
    size: S2Size = field(default_factory=S2Size)
    maps_draws: ClassVar[bool] = True

    def __post_init__(self) -> None:
        if self.setup.activation != self.size.activation:
            raise InvalidArgument("size.activation", self.size.activation,
                                  f"the setup's activation {self.setup.activation!r}")

    def ratios(self, values: Mapping[str, object], seed: int) -> np.ndarray:
        """(||S2|| / D, ||S2|| / sqrt(D^2 + F^2)) on the draw of ``seed``."""
        problem = self.setup.problem({**values, "seed": seed})
        vec = problem.vectors()
        rows = len(vec.r)
        s2 = vec.gamma * vec.zeta / rows * np.linalg.norm(vec.v)
        drift = self.size.drift(gamma=vec.gamma, zeta=vec.zeta, rbar=float(vec.r.mean()),
                                omega=problem.W @ problem.data.q, s=vec.s)
        fluctuation = self.size.fluctuation(gamma=vec.gamma, zeta=vec.zeta, n=rows,
                                            rms=float(np.sqrt(np.mean(vec.r**2))), s=vec.s)
        return np.array([s2 / drift, s2 / np.hypot(drift, fluctuation)])

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        _check_draws(n)
        rows = map_draws(partial(self.ratios, values), draw_seeds(rng, n))
        return _mean_over_draws(rows, n, rng, f"mean over {n} draws of ||S2|| / D and ||S2|| / sqrt(D^2 + F^2) "
                                              f"({self.setup.describe()})")
