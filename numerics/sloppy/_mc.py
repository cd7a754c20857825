r"""Monte Carlo estimators of the ``sloppy`` claims (our note ``sloppiness.md``; A4, A10, A11), and picture data.

``n`` is the number of ensemble members (trajectories, chains). Trajectories of different members are independent,
so every standard error is the delete-a-group jackknife over equal groups of members
(:func:`numerics.chain_statistic`, 128 groups, Student's t with 127 degrees of freedom); eigenvalues of a sample
covariance are biased at O(1/n), which the jackknife's bias correction removes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, Mapping

import numpy as np

from theory import InvalidArgument
from theory.sloppy import ensemble_covariance, ground_truth, kernel_ensemble_covariance, sgd_components, spectrum_of

from .._chain_stats import ChainMoments, chain_statistic
from .._estimate import Estimate, seed_of
from .._sgd import OnlineLinearSGD
from ._trajectories import EnsembleMoments, GDProblem, design_with_spectrum

__all__ = ["GROUPS", "linear_problem", "EnsembleSpectrumMC", "MONOMIALS", "polynomial_features", "kernel_problem",
           "KernelSpectrum", "KernelSpectrumMC", "SgdMomentsMC", "SgdEnsembleSpectrumMC"]

GROUPS = 128


def _top_eigenvalues(k: int):
    return lambda mean, second: np.linalg.eigvalsh(second - np.outer(mean, mean))[::-1][:k]


def _statistic(moments: EnsembleMoments, k: int, eta: float):
    cm = ChainMoments(moments.total, moments.outer, moments.total.shape[0], 0, moments.T + 1, 1, eta, 1,
                      moments.seed, moments.total)
    return chain_statistic(cm, _top_eigenvalues(k), groups=moments.total.shape[0], bias_corrected=True)


def linear_problem(values: Mapping[str, object]) -> GDProblem:
    """The GD problem of an A4 claim: a design of ``rows`` rows with spectrum ``e^{-c(k-1)}`` from ``data_seed`` and
    w* = ``w_star`` given in the design's eigenbasis (descending), recorded through ``R``, ``R^T R = Sigma_hat``."""
    lam = spectrum_of(values)
    X = design_with_spectrum(int(values["rows"]), lam, np.random.default_rng(int(values["data_seed"])))
    V = np.linalg.eigh(X.T @ X / X.shape[0])[1][:, ::-1]
    return GDProblem.linear(X, V @ ground_truth(values), float(values["eta"]), record="factor")


@dataclass(frozen=True)
class EnsembleSpectrumMC:
    """A4 estimator: the top ``k`` eigenvalues of the pooled covariance of ``n`` simulated GD trajectories
    (all ``(t, s)`` points equally weighted), the inPCA eigenvalues up to the factor m / (8 sigma2)."""

    route: ClassVar[str] = "simulation"

    k: int

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        problem = linear_problem(values)
        T = int(values["T"])
        moments = problem.moments(int(n), float(values["sigma0"]), T, rng=rng, groups=GROUPS)
        stat = _statistic(moments, self.k, problem.eta)
        return stat.estimate(f"{n} GD trajectories of {T} steps on a {problem.dim}-dimensional design; pooled "
                             f"covariance eigenvalues, bias-corrected jackknife over {GROUPS} groups", seed_of(rng))

    @staticmethod
    def picture(values: Mapping[str, object]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(predicted, estimated, standard errors) of the whole spectrum from 2^14 members of seed 0 (picture only)."""
        problem = linear_problem(values)
        moments = problem.moments(1 << 14, float(values["sigma0"]), int(values["T"]), rng=np.random.default_rng(0),
                                  groups=GROUPS)
        stat = _statistic(moments, problem.dim, problem.eta)
        M = ensemble_covariance(spectrum_of(values), ground_truth(values), float(values["sigma0"]),
                                float(values["eta"]), int(values["T"]))
        return np.linalg.eigvalsh(M)[::-1], stat.value, stat.std_error


def _target(x: np.ndarray) -> np.ndarray:
    return np.sin(2 * x[:, 0]) * np.cos(x[:, 1]) + 0.5 * x[:, 1]


#: Exponents (a, b) of the monomials x1^a x2^b of total degree <= 3: the features of the cubic polynomial kernel.
MONOMIALS = tuple((a, b) for a in range(4) for b in range(4 - a))


def polynomial_features(x: np.ndarray, scale: float) -> np.ndarray:
    """Explicit features of ``k(x, x') = (1 + x.x' / scale)^3`` on R^2: ``phi_ab(x) = sqrt(3! / (a! b! (3-a-b)!))
    (x1 / sqrt(scale))^a (x2 / sqrt(scale))^b`` (multinomial theorem), so ``Phi Phi^T = K`` (10 features).

    >>> x = np.array([[0.3, -0.7], [1.1, 0.4]])
    >>> Phi = polynomial_features(x, 2.0)
    >>> bool(np.allclose(Phi @ Phi.T, (1 + x @ x.T / 2.0) ** 3))
    True
    """
    z = np.asarray(x, dtype=float) / np.sqrt(scale)
    weight = [np.sqrt(math.factorial(3) / (math.factorial(a) * math.factorial(b) * math.factorial(3 - a - b)))
              for a, b in MONOMIALS]
    return np.stack([w * z[:, 0] ** a * z[:, 1] ** b for w, (a, b) in zip(weight, MONOMIALS)], axis=1)


def kernel_problem(values: Mapping[str, object]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(K, y*, x) of an A10 claim: ``n`` points uniform on [-1, 1]^2 from ``data_seed``, the cubic polynomial kernel
    ``K = (1 + x.x' / scale)^3`` computed from its formula, and the target ``y* = sin(2 x1) cos(x2) + x2 / 2``
    (not in the kernel's span: GD fits its projection)."""
    x = np.random.default_rng(int(values["data_seed"])).uniform(-1.0, 1.0, (int(values["n"]), 2))
    K = (1 + x @ x.T / float(values["scale"])) ** 3
    return K, _target(x), x


@dataclass(frozen=True)
class KernelSpectrum:
    """A10 prediction: the top ``k`` eigenvalues of M with ``lambda = eig(K/n)`` and ``D*_k = u_k^T y* / sqrt(n)``
    (``theory.sloppy.kernel_ensemble_covariance``) for the claim's kernel problem, K from the kernel's formula."""

    k: int

    def __call__(self, values: Mapping[str, object], *, dps: int = 30) -> tuple:
        K, y, _ = kernel_problem(values)
        _, M = kernel_ensemble_covariance(K, y, float(values["sigma0"]), float(values["eta"]), int(values["T"]))
        return tuple(np.linalg.eigvalsh(M)[::-1][: self.k].tolist())

    def expression(self, values=None) -> str:
        return (f"top {self.k} eigenvalues of M (note 4.3) with lambda_k = eig_k(K/n), D*_k = u_k^T y* / sqrt(n)")


@dataclass(frozen=True)
class KernelSpectrumMC:
    """A10 estimator: GD on the weights in feature space, ``w <- w - eta Phi^T (Phi w - y*) / n`` from
    ``w_0 ~ N(0, sigma0^2 I)`` with the explicit features ``Phi`` (:func:`polynomial_features`), as linear regression
    on the design Phi towards its least-squares fit of y* (``GDProblem.linear``); top ``k`` eigenvalues of the pooled
    covariance of ``R w`` (``R^T R = Phi^T Phi / n``: the same distances as the predictions ``Phi w / sqrt(n)``).
    Nothing here uses K or its eigenvectors."""

    route: ClassVar[str] = "simulation"

    k: int

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        _, y, x = kernel_problem(values)
        Phi = polynomial_features(x, float(values["scale"]))
        fit = np.linalg.lstsq(Phi, y, rcond=None)[0]
        problem = GDProblem.linear(Phi, fit, float(values["eta"]), record="factor")
        T = int(values["T"])
        moments = problem.moments(int(n), float(values["sigma0"]), T, rng=rng, groups=GROUPS)
        return _statistic(moments, self.k, problem.eta).estimate(
            f"{n} GD trajectories on the {Phi.shape[1]} feature weights, {T} steps, {Phi.shape[0]} points; "
            f"bias-corrected jackknife over {GROUPS} groups", seed_of(rng))


@dataclass(frozen=True)
class SgdMomentsMC:
    """A11 estimator: ``m_T`` and ``S_T`` of ``n`` independent online-SGD chains (``numerics.OnlineLinearSGD``) from
    ``w_0 = 0`` with ``w* = 1``, ``lambda_k = e^{-c k}``; components as ``theory.sloppy.sgd_components``."""

    route: ClassVar[str] = "simulation"

    maps_draws: ClassVar[bool] = True  # its chain blocks go through numerics.map_draws (numerics._sgd_engine)

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        d, T = int(values["d"]), int(values["T"])
        if n < GROUPS:
            raise InvalidArgument("n", n, f"at least {GROUPS} chains (one per jackknife group)")
        lam = np.exp(-float(values["c"]) * np.arange(1, d + 1))
        sim = OnlineLinearSGD(lam=lam, eta=float(values["eta"]), batch=int(values["batch"]),
                              sigma2=float(values["sigma_eps2"]), wbar=np.ones(d))
        run = sim.run(int(n), rng=rng, burn_in=0, steps=T, thin=T, start=np.zeros(d))
        slow = int(values["slow"])
        stat = chain_statistic(run, lambda mean, second: sgd_components(mean, second - np.outer(mean, mean), slow),
                               groups=GROUPS)
        return stat.estimate(f"{n} online-SGD chains after {T} steps; mean and covariance of w_T - w*, jackknife "
                             f"over {GROUPS} groups", seed_of(rng))


@dataclass(frozen=True)
class SgdEnsembleSpectrumMC:
    """A11 (ensemble): the top ``k`` eigenvalues of the pooled covariance of ``z = Sigma^{1/2} w`` over ``t = 0..T``
    and ``n`` online-SGD chains (``numerics.OnlineLinearSGD``, ``Sigma = diag(e^{-c(k-1)})``) started at
    ``w_0 ~ N(0, sigma0^2 I)``: the inPCA eigenvalues of an SGD trajectory ensemble up to m / (8 sigma2).

    ``w_0`` comes from the first of two streams spawned from ``rng`` and the chains from the second; the engine
    records ``t = 1..T`` and the ``t = 0`` term is added from ``w_0``.
    """

    route: ClassVar[str] = "simulation"

    k: int
    maps_draws: ClassVar[bool] = True  # its chain blocks go through numerics.map_draws (numerics._sgd_engine)

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        lam, w = spectrum_of(values), ground_truth(values)
        T, s0 = int(values["T"]), float(values["sigma0"])
        if n < GROUPS or n % GROUPS:
            raise InvalidArgument("n", n, f"a positive multiple of {GROUPS} chains (equal jackknife groups)")
        start_rng, chain_rng = rng.spawn(2)
        w0 = s0 * start_rng.standard_normal((int(n), lam.size))
        root = np.sqrt(lam)
        sim = OnlineLinearSGD(lam=lam, eta=float(values["eta"]), batch=int(values["batch"]),
                              sigma2=float(values["sigma_eps2"]), wbar=w)
        run = sim.run(int(n), rng=chain_rng, burn_in=0, steps=T, thin=1, start=w0, record=lambda state: state * root)
        z0 = w0 * root
        mean = (T * run.mean + z0) / (T + 1)
        second = (T * run.second + z0[:, :, None] * z0[:, None, :]) / (T + 1)
        pooled = ChainMoments(mean, second, int(n), 0, T + 1, 1, sim.eta, sim.batch, run.seed, run.final)
        stat = chain_statistic(pooled, _top_eigenvalues(self.k), groups=GROUPS, bias_corrected=True)
        return stat.estimate(f"{n} online-SGD trajectories of {T} steps (batch {sim.batch}); pooled covariance "
                             f"eigenvalues, bias-corrected jackknife over {GROUPS} groups", seed_of(rng))
