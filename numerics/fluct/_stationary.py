r"""Estimators from SGD simulations (our note ``weight_fluctuations.md``, sections 3.3, 3.6, 3.7; B6-B8, B11, B14).

Every estimator runs many independent chains (:mod:`numerics._sgd`) and takes
its standard error from the delete-a-group jackknife over chains
(:func:`numerics.chain_statistic`), so the autocorrelation within a chain needs
no model. ``n`` is the number of chains. Windows and burn-in are set in
continuous time t = eta k, so halving eta doubles the steps:

* burn-in: ``burn_in_time / (eta h_min)`` steps, h_min the smallest curvature of
  the quadratic (or the linearised) loss; covariances relax like exp(-2 eta h_min k),
  so a burn-in time of 7 leaves a relative transient below exp(-14) < 1e-6;
* window: ``window_time / eta`` steps.

Continuum predictions (eta -> 0) are compared through :class:`Extrapolated`:
with the declared bias model X(eta) = X0 + a1 eta + O(eta^2), the Richardson
combination 2 X(eta/2) - X(eta) estimates X0 with an O(eta^2) remainder, from two
independent runs; the first-order coefficient a1 is reported in the method.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, Mapping

import numpy as np

from theory import InvalidArgument
from theory.fluct import balanced_minimum, conserved, finite_data_stationary, range_projector

from .._chain_stats import chain_statistic, covariance_components
from .._estimate import Estimate, seed_of
from .._sgd import FiniteDataSGD, OnlineLinearSGD, TwoLayerSGD

__all__ = ["Extrapolated", "OnlineStationaryMC", "finite_dataset", "FiniteDataStationary", "FiniteDataStationaryMC",
           "TwoLayerRangeMC", "ConservedDriftMC", "ConservationIdentity", "two_layer_problem"]

BURN_IN_TIME = 7.0
#: Jackknife groups of chains: 64 give 63 degrees of freedom, so at the run's per-claim rates (~1e-7 per component
#: and look) the Student quantile is 7.5 instead of 9.6 with 20 groups: a detectable discrepancy 22% smaller for the
#: same chains (groups of >= 16 chains at every claim's first look).
GROUPS = 64


def _steps(time: float, eta: float, h: float = 1.0) -> int:
    return int(math.ceil(time / (eta * h)))


@dataclass(frozen=True)
class Extrapolated:
    """Richardson extrapolation eta -> 0 of an estimator of X(eta): 2 X(eta/2) - X(eta), independent runs.

    The standard error is sqrt(4 se(eta/2)^2 + se(eta)^2), with the smaller of the two
    degrees of freedom (conservative). Bias model (declared): X(eta) = X0 + a1 eta + O(eta^2).
    """

    inner: object
    key: str = "eta"

    @property
    def route(self) -> str | None:
        """The inner estimator's route (the extrapolation combines two of its runs)."""
        route = getattr(self.inner, "route", None)
        return route if isinstance(route, str) else None

    @property
    def maps_draws(self) -> bool:
        """Whether the inner estimator hands its draws to numerics.map_draws (its two runs then do)."""
        return bool(getattr(self.inner, "maps_draws", False))

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        eta = float(values[self.key])
        coarse_rng, fine_rng = rng.spawn(2)
        coarse = self.inner(values, rng=coarse_rng, n=n, dps=dps)
        fine = self.inner({**values, self.key: eta / 2}, rng=fine_rng, n=n, dps=dps)
        c, f = np.array(coarse.value, float), np.array(fine.value, float)
        se = np.sqrt(4 * np.array(fine.std_error, float) ** 2 + np.array(coarse.std_error, float) ** 2)
        a1 = (c - f) / (eta / 2)
        dof = min(d for d in (coarse.dof, fine.dof) if d is not None) if coarse.dof or fine.dof else None
        return Estimate(tuple(2 * f - c), std_error=tuple(se), n_samples=coarse.n_samples + fine.n_samples, dof=dof,
                        seed=seed_of(rng), method=f"Richardson extrapolation 2 X(eta/2) - X(eta) at eta = {eta:g}: "
                        f"X(eta) = {np.round(c, 4).tolist()}, X(eta/2) = {np.round(f, 4).tolist()}, first-order "
                        f"coefficient a1 = {np.round(a1, 3).tolist()}; each run: {coarse.method}")


@dataclass(frozen=True)
class OnlineStationaryMC:
    """B7 estimator: the stationary variances s_i of online SGD (diagonal in Sigma's eigenbasis).

    Values ``lam``, ``eta``, ``batch``, ``sigma2``. The stationary mean of delta is exactly 0
    (E delta_k = (I - eta Sigma)^k delta_0 with delta_0 = 0), so s_i is the second moment.
    """

    route: ClassVar[str] = "simulation"  # SGD chains

    window_time: float = 200.0
    thin: int = 4
    maps_draws: ClassVar[bool] = True  # its chain blocks go through numerics.map_draws (numerics._sgd_engine)

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        lam = np.atleast_1d(np.asarray(values["lam"], float))
        eta = float(values["eta"])
        sim = OnlineLinearSGD(lam=lam, eta=eta, batch=int(values["batch"]), sigma2=float(values["sigma2"]))
        burn = _steps(BURN_IN_TIME, eta, float(lam.min()))
        moments = sim.run(int(n), rng=rng, burn_in=burn, steps=_steps(self.window_time, eta), thin=self.thin)
        stat = chain_statistic(moments, lambda mean, second: np.diag(second), groups=GROUPS)
        return stat.estimate(f"online SGD, {n} chains x {moments.steps} steps after {burn} burn-in (every "
                             f"{self.thin}th recorded); jackknife over {GROUPS} groups of chains", seed_of(rng))


def finite_dataset(values: Mapping[str, object]) -> tuple[np.ndarray, np.ndarray]:
    """The fixed dataset of a finite-data claim, drawn from ``values["data_seed"]``: X (M x N) with rows
    N(0, I_N), a teacher wbar ~ N(0, I_N) and y = X wbar + sqrt(sigma2) eps."""
    rng = np.random.default_rng(int(values["data_seed"]))
    m, d = int(values["M"]), int(values["N"])
    if m <= d:
        raise InvalidArgument("M", m, f"an integer > N = {d} (underparameterized)")
    X = rng.standard_normal((m, d))
    y = X @ rng.standard_normal(d) + math.sqrt(float(values["sigma2"])) * rng.standard_normal(m)
    return X, y


def _eigenbasis(X: np.ndarray) -> np.ndarray:
    return np.linalg.eigh(X.T @ X / X.shape[0])[1]


@dataclass(frozen=True)
class FiniteDataStationary:
    """B8/B6 prediction: the exact discrete-time stationary covariance S(eta) of finite-data SGD (with
    replacement), as its diagonal in H's eigenbasis (``what="diag"``) or the excess loss tr(H S)/2."""

    what: str = "diag"

    def __call__(self, values: Mapping[str, object], *, dps: int = 30) -> tuple:
        X, y = finite_dataset(values)
        S = finite_data_stationary(X, y, float(values["eta"]), int(values["batch"]))
        if self.what == "diag":
            V = _eigenbasis(X)
            return tuple(np.diag(V.T @ S @ V).tolist())
        return (float(np.trace(X.T @ X @ S)) / (2 * X.shape[0]),)

    def expression(self, values=None) -> str:
        return ("eta (H S + S H) - eta^2 [(1 - 1/B) H S H + (1/(B M)) sum_mu (x_mu^T S x_mu) x_mu x_mu^T] "
                "= eta^2 C*" + ("" if self.what == "diag" else "; E[L] - L* = tr(H S) / 2"))


@dataclass(frozen=True)
class FiniteDataStationaryMC:
    """B8/B6 estimator: the same statistic of the simulated stationary covariance (mean of delta is exactly 0)."""

    route: ClassVar[str] = "simulation"  # SGD chains

    what: str = "diag"
    window_time: float = 100.0
    thin: int = 2
    maps_draws: ClassVar[bool] = True  # its chain blocks go through numerics.map_draws (numerics._sgd_engine)

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        X, y = finite_dataset(values)
        eta = float(values["eta"])
        sim = FiniteDataSGD(X=X, y=y, eta=eta, batch=int(values["batch"]), replacement=True)
        V, H = _eigenbasis(X), X.T @ X / X.shape[0]
        h_min = float(np.linalg.eigvalsh(H)[0])
        burn = _steps(BURN_IN_TIME, eta, h_min)
        moments = sim.run(int(n), rng=rng, burn_in=burn, steps=_steps(self.window_time, eta, h_min), thin=self.thin)
        if self.what == "diag":
            f = lambda mean, second: np.diag(V.T @ second @ V)  # noqa: E731
        else:
            f = lambda mean, second: np.array([np.trace(H @ second) / 2])  # noqa: E731
        stat = chain_statistic(moments, f, groups=GROUPS)
        return stat.estimate(f"finite-data SGD (with replacement), {n} chains x {moments.steps} steps after {burn} "
                             f"burn-in; jackknife over {GROUPS} groups of chains", seed_of(rng))


def two_layer_problem(values: Mapping[str, object]):
    """(W2, W1, T) at the balanced minimum of the teacher with singular values ``values["teacher"]``."""
    t = tuple(float(v) for v in np.atleast_1d(values["teacher"]))
    return balanced_minimum(t, int(values["O"]), int(values["N"]), int(values["K"]))


@dataclass(frozen=True)
class TwoLayerRangeMC:
    """B11 estimator of X(eta): u_k^T Cov(Pi theta) u_k / (eta kappa / 2), kappa = sigma2 / B, for the
    eigenvectors u_k of the Gauss-Newton curvature J^T J on range(J^T) (each predicted to tend to 1)."""

    route: ClassVar[str] = "simulation"  # SGD chains

    window_time: float = 100.0
    thin: int = 10
    maps_draws: ClassVar[bool] = True  # its chain blocks go through numerics.map_draws (numerics._sgd_engine)

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        W2, W1, T = two_layer_problem(values)
        eta, batch, sigma2 = float(values["eta"]), int(values["batch"]), float(values["sigma2"])
        sim = TwoLayerSGD(W2=W2, W1=W1, teacher=T, eta=eta, batch=batch, sigma2=sigma2)
        Pi = range_projector(W2, W1)
        curvature, vectors = np.linalg.eigh(sim.jacobian.T @ sim.jacobian)
        rank = int(round(np.trace(Pi)))
        U, h_min = vectors[:, -rank:], float(curvature[-rank])
        burn = _steps(BURN_IN_TIME, eta, h_min)
        moments = sim.run(int(n), rng=rng, burn_in=burn, steps=_steps(self.window_time, eta), thin=self.thin,
                          project=Pi)
        scale = eta * sigma2 / batch / 2
        stat = chain_statistic(moments, lambda m, s: np.diag(U.T @ covariance_components(m, s) @ U) / scale,
                               groups=GROUPS)
        return stat.estimate(f"two-layer online SGD, {n} chains x {moments.steps} steps after {burn} burn-in, "
                             f"recorded Pi (theta - theta*); jackknife over {GROUPS} groups", seed_of(rng))


@dataclass(frozen=True)
class ConservedDriftMC:
    """B14 estimator of X(eta): the diagonal of (Q_k - Q_0) / (eta^2 k), Q = W2^T W2 - W1 W1^T, over
    k = (window time) / eta steps from the balanced minimum, per chain; mean and standard error over chains."""

    route: ClassVar[str] = "simulation"  # SGD chains

    window_time: float = 50.0
    maps_draws: ClassVar[bool] = True  # its chain blocks go through numerics.map_draws (numerics._sgd_engine)

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        W2, W1, T = two_layer_problem(values)
        eta = float(values["eta"])
        sim = TwoLayerSGD(W2=W2, W1=W1, teacher=T, eta=eta, batch=int(values["batch"]), sigma2=float(values["sigma2"]))
        k = _steps(self.window_time, eta)
        moments = sim.run(int(n), rng=rng, burn_in=0, steps=k, thin=k)
        drift = (sim.conserved(moments.final) - conserved(W2, W1)) / (eta ** 2 * k)
        rows = np.diagonal(drift, axis1=1, axis2=2)
        return Estimate(tuple(rows.mean(axis=0)), std_error=tuple(rows.std(axis=0, ddof=1) / math.sqrt(n)),
                        n_samples=int(n), seed=seed_of(rng), dof=int(n) - 1,
                        method=f"two-layer online SGD from the balanced minimum, {n} chains x {k} steps: "
                               "diag (Q_k - Q_0) / (eta^2 k)")


@dataclass(frozen=True)
class ConservationIdentity:
    """B14 (exact): on simulated trajectories Q_k - Q_0 = eta^2 sum_j (g2^T g2 - g1 g1^T)_j, so gradient flow
    (eta -> 0 at fixed eta k) conserves Q = W2^T W2 - W1 W1^T and each SGD step changes it at O(eta^2).

    The value is max over chains of ||Q_k - Q_0 - increment||_F / (||W2||_F^2 + ||W1||_F^2). Bound (ours): each
    of the k updates W <- W - g rounds every entry with relative error <= eps, which moves Q by at most
    2 eps ||W||^2 (first order), and the increments' products round at gamma_{O+N}; with the final
    evaluation of Q that is (k + 2) (2 eps + gamma_{O+N}) max_t (||W2||^2 + ||W1||^2). The run keeps only
    the start and the end, so max_t is taken as twice the larger of the two (an assumption: the weights
    fluctuate by O(sqrt(eta)) around the minimum, far less than a factor 2 in norm).
    """

    route: ClassVar[str] = "second_path"  # Q from the simulated weights against the accumulated increments

    chains: int = 16

    def __call__(self, values: Mapping[str, object], *, rng=None, n=None, dps=None) -> Estimate:
        W2, W1, T = two_layer_problem(values)
        sim = TwoLayerSGD(W2=W2, W1=W1, teacher=T, eta=float(values["eta"]), batch=int(values["batch"]),
                          sigma2=float(values["sigma2"]))
        k = int(values["steps"])
        m = sim.run(self.chains, rng=np.random.default_rng(int(values["seed"])), burn_in=0, steps=k, thin=k,
                    track_conserved=True)
        change = sim.conserved(m.final) - m.extra["conserved_start"]
        residual = np.linalg.norm(change - m.extra["conserved_increment"], axis=(1, 2))
        w2, w1 = sim.split(m.final)
        size = np.linalg.norm(w2, axis=(1, 2)) ** 2 + np.linalg.norm(w1, axis=(1, 2)) ** 2
        scale = float(np.linalg.norm(W2) ** 2 + np.linalg.norm(W1) ** 2)
        o, n_in = W2.shape[0], W1.shape[1]
        eps = float(np.finfo(float).eps)
        bound = 2 * (k + 2) * (2 * eps + (o + n_in) * eps / (1 - (o + n_in) * eps)) * max(float(size.max()), scale)
        return Estimate((float(residual.max()) / scale,), bound=(bound / scale,),
                        method=f"{self.chains} chains x {k} SGD steps (seed {int(values['seed'])}): Q_k - Q_0 against "
                               "the accumulated eta^2 (g2^T g2 - g1 g1^T)")
