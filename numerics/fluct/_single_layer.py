r"""Simulated weight fluctuations of the weakly underparameterized single layer (our note
``weight_fluctuations.md`` sections 2, 3.2-3.5; the paper's abstract-level single-layer statements, B9, B10).

One design X (M x N, rows i.i.d. N(0, I_N), M = round(ratio N)) from the claim's ``data_seed``; every chain
has its own label noise eps ~ N(0, sigma2 I_M), so that averages over chains are averages over label noise
(the note compares the label-noise-averaged noise, section 3.2). With r = y - X w_hat the chain's
least-squares residual and delta = w - w_hat, a chain follows the continuum limit of SGD (note section 2)

    d delta = -H delta dt + sqrt(eta C(w)) dW,   C(w) = (1/B) [(1/M) sum_mu e_mu^2 x_mu x_mu^T - gbar gbar^T],

with e = X delta - r the per-sample residuals at the current weights and gbar = H delta: the minibatch
gradient's covariance over the batch draw, evaluated from the per-sample gradients at the simulated weights.
Its increment over a step Delta is drawn as sqrt(eta Delta / B) X^T (e * (zeta - mean zeta)) / sqrt(M),
zeta ~ N(0, I_M), whose covariance is exactly B C(w) Delta. The drift is integrated exactly in H's eigenbasis
(an exponential integrator: the slow directions, h ~ 1e-3, relax in as many steps as the fast ones), with the
noise applied at the midpoint of the step; for a frozen C the stationary covariance of the scheme is that of the
SDE times x / sinh(x), x = (h_i + h_j) Delta / 2 <= h_max Delta (declared bias; ``step`` = h_max Delta).

Why the continuum dynamics and not minibatch SGD at a finite step: with batch size B a step is stable only
for eta ||x||^2 / B ~ eta N / B < 2, and its discrete-time corrections are O(eta N / B), not O(eta h); at
N = 50, M/N = 1.05 the exact discrete stationary covariance (note 3.6) at eta h_max = 0.05 already halves
S_max / S_min (23 -> 11) and moves corr(log sigma^2, log kappa) by 0.1-0.2 (our check with
theory.fluct's discrete operator), while the relaxation of the slowest direction takes 1 / (eta h_min) ~ 1e5
steps: a simulation of SGD in its continuum regime at this size does not fit a claim's seconds.

Standard errors: the delete-a-group jackknife over chains (independent label noise and dynamics), with the
jackknife bias correction (the statistics are nonlinear in the averages: eigenvalues, norms).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, Mapping

import numpy as np

from theory import InvalidArgument

from .._chain_stats import ChainMoments, chain_statistic
from .._estimate import Estimate, seed_of
from ._noise_hessian import design, isotropic_loss_statistics

__all__ = ["SingleLayerRun", "simulate_single_layer", "SimulatedNoiseGap", "SimulatedAnisotropy", "noise_gap"]

#: Records are accumulated in blocks of this many (one batched matmul each).
_BLOCK = 16


@dataclass(frozen=True)
class SingleLayerRun:
    """Per chain time averages: ``moments`` of delta in H's eigenbasis (mean, second moment), and ``e2`` (chains, M)
    the time average of the squared per-sample residuals e_mu^2; with the design's ``h`` (eigenvalues of H, ascending),
    ``V`` (eigenvectors) and ``X``."""

    moments: ChainMoments
    e2: np.ndarray
    h: np.ndarray
    V: np.ndarray
    X: np.ndarray


def _residuals(X: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """Least-squares residuals (I - P) eps of each column of ``noise`` (M, chains)."""
    Q, _ = np.linalg.qr(X)
    return noise - Q @ (Q.T @ noise)


def simulate_single_layer(values: Mapping[str, object], rng: np.random.Generator, n: int, *, burn_in_time: float,
                          window_time: float, step: float, thin: int, shared_labels: bool = False) -> SingleLayerRun:
    """Run ``n`` chains of the continuum SGD dynamics (module docstring) from delta = 0.

    Times are in units of t = eta k: ``burn_in_time`` and ``window_time`` are multiplied by 1 / h_min (the slowest
    relaxation time of delta) when positive, and taken as absolute times when negative (-T means T). The step is
    Delta = ``step`` / h_max. Values: ``N``, ``ratio``, ``data_seed``, ``sigma2``, ``batch``, ``eta``.
    With ``shared_labels`` every chain trains on one training set: the label noise is drawn once, from the
    ``data_seed`` generator after X; otherwise each chain draws its own from ``rng``.
    """
    n = int(n)
    if n < 2:
        raise InvalidArgument("n", n, "at least 2 chains")
    data = np.random.default_rng(int(values["data_seed"]))
    X = design(data, int(values["N"]), float(values["ratio"]))
    m, d = X.shape
    H = X.T @ X / m
    h, V = np.linalg.eigh(H)
    if h[0] <= 0:
        raise InvalidArgument("data_seed", values["data_seed"], "a design of full column rank")
    eta, batch, sigma2 = float(values["eta"]), int(values["batch"]), float(values["sigma2"])
    dt = step / h[-1]
    steps_of = lambda t: int(math.ceil((abs(t) if t < 0 else t / h[0]) / dt))  # noqa: E731
    burn, window = steps_of(burn_in_time), steps_of(window_time)
    records = window // thin
    if records < 1:
        raise InvalidArgument("window_time", window_time, f"at least one record of every {thin} steps")
    Xt = X @ V                                          # rows x_mu in H's eigenbasis
    if shared_labels:
        r = np.repeat(_residuals(X, math.sqrt(sigma2) * data.standard_normal((m, 1))), n, axis=1)
    else:
        r = _residuals(X, math.sqrt(sigma2) * rng.standard_normal((m, n)))
    decay = np.exp(-h * dt)[:, None]
    kick = (np.exp(-h * dt / 2) * math.sqrt(eta * dt / (batch * m)))[:, None]
    u = np.zeros((d, n))
    mean, second, e2 = np.zeros((n, d)), np.zeros((n, d, d)), np.zeros((n, m))
    buf, j = np.empty((n, _BLOCK, d)), 0
    for k in range(1, burn + records * thin + 1):
        e = Xt @ u - r
        z = rng.standard_normal((m, n))
        z -= z.mean(axis=0)
        z *= e
        u *= decay
        u += kick * (Xt.T @ z)
        if k > burn and (k - burn) % thin == 0:
            buf[:, j] = u.T
            e2 += (e * e).T
            j += 1
            if j == _BLOCK or k == burn + records * thin:
                part = buf[:, :j]
                mean += part.sum(axis=1)
                second += np.matmul(part.transpose(0, 2, 1), part)
                j = 0
    if not np.all(np.isfinite(u)):
        raise InvalidArgument("step", step, "a step at which the integrator stays finite")
    moments = ChainMoments(mean / records, second / records, n, burn, records * thin, thin, eta, batch, seed_of(rng),
                           u.T.copy())
    return SingleLayerRun(moments, e2 / records, h, V, X)


def _gap(H: np.ndarray, C: np.ndarray) -> np.ndarray:
    kappa = np.trace(C) / np.trace(H)
    rel = np.linalg.norm(C - kappa * H) / np.linalg.norm(kappa * H)
    comm = np.linalg.norm(H @ C - C @ H) / (np.linalg.norm(H, 2) * np.linalg.norm(C, 2))
    return np.array([rel, comm, kappa])


def noise_gap(run: SingleLayerRun, batch: int, groups: int):
    """(relative Frobenius deviation of the simulated noise covariance from kappa H, kappa = tr C / tr H, the
    scale-free commutator ||HC - CH||_F / (||H||_2 ||C||_2), and kappa) with jackknife errors; the noise covariance
    is the average over chains and records of C(w) = (1/B) [X^T diag(e^2) X / M - H delta delta^T H], in H's
    eigenbasis."""
    Xt, h, m = run.X @ run.V, run.h, run.X.shape[0]
    d = h.size
    stacked = ChainMoments(np.hstack([run.moments.mean, run.e2]), _pad(run.moments.second, run.e2.shape[1]),
                           run.moments.n_chains, run.moments.burn_in, run.moments.steps, run.moments.thin,
                           run.moments.eta, run.moments.batch, run.moments.seed, run.moments.final)

    def statistic(mean, second):
        e2, S = mean[d:], second[:d, :d]
        C = ((Xt.T * e2) @ Xt / m - h[:, None] * S * h[None, :]) / batch
        return _gap(np.diag(h), C)

    return chain_statistic(stacked, statistic, groups=groups, bias_corrected=True)


def _pad(second: np.ndarray, extra: int) -> np.ndarray:
    """The second moments with ``extra`` zero rows and columns (only their delta block is used)."""
    n, d, _ = second.shape
    out = np.zeros((n, d + extra, d + extra))
    out[:, :d, :d] = second
    return out


@dataclass(frozen=True)
class SimulatedNoiseGap:
    """Estimator: the noise covariance of the simulated stationary SGD dynamics against the Hessian: the relative
    Frobenius deviation ||C - kappa H||_F / ||kappa H||_F and the scale-free commutator (see :func:`noise_gap`);
    with ``what="kappa"`` instead the noise level kappa = tr C / tr H in units of sigma2 / B.

    Values ``N``, ``ratio``, ``data_seed``, ``sigma2``, ``batch``, ``eta``; ``n`` chains (label-noise draws).
    """

    what: str = "gap"
    burn_in_time: float = -10.0
    window_time: float = -20.0
    step: float = 0.3
    thin: int = 5
    groups: int = 64
    route: ClassVar[str] = "simulation"

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        run = simulate_single_layer(values, rng, n, burn_in_time=self.burn_in_time, window_time=self.window_time,
                                    step=self.step, thin=self.thin)
        stat = noise_gap(run, int(values["batch"]), min(self.groups, int(n)))
        unit = float(values["sigma2"]) / int(values["batch"])
        pick, what = ((slice(0, 2), "relFrobDev(C, kappa H), commutator") if self.what == "gap" else
                      (slice(2, 3), "kappa = tr C / tr H in units of sigma2 / B"))
        scale = 1.0 if self.what == "gap" else 1 / unit
        method = _method(run, n, "noise covariance C(w) from the per-sample gradients at the simulated weights, "
                         f"averaged over chains (label noise) and records: {what}", stat.dof + 1)
        value, se = stat.value[pick] * scale, stat.std_error[pick] * scale
        return Estimate(tuple(value.tolist()), std_error=tuple(se.tolist()), n_samples=int(n), dof=stat.dof,
                        seed=seed_of(rng), method=method)


def _method(run: SingleLayerRun, n: int, what: str, groups: int) -> str:
    mo = run.moments
    return (f"continuum SGD dynamics (exponential integrator), design {run.X.shape[0]} x {run.X.shape[1]}, {n} chains, "
            f"{mo.steps} steps after {mo.burn_in} burn-in (every {mo.thin}th recorded); "
            f"{what}; bias-corrected jackknife over {groups} groups of chains")


@dataclass(frozen=True)
class SimulatedAnisotropy:
    """Estimator: S_max / S_min of the simulated stationary covariance S of delta for SGD on one training set (every
    chain shares the labels drawn from ``data_seed``), with the jackknife bias correction.

    The other two statistics of :func:`numerics.fluct.isotropic_loss_statistics` (the CV of u_i^T H u_i along S's
    principal directions and |corr(log sigma_i^2, log kappa_i)|) are reported in the method text and not returned:
    at this sample size the sample principal directions of a 100-dimensional covariance are mixed by sampling noise
    (which pulls the CV down, towards the isotropic-loss statement), and their jackknife errors are not reliable
    (observed: CV 0.09 +- 0.03 and 0.18 +- 0.02 at two seeds, where the Lyapunov value of this training set is 0.20).

    Values ``N``, ``ratio``, ``data_seed``, ``sigma2``, ``batch``, ``eta``; ``n`` chains.
    """

    burn_in_time: float = 1.5
    window_time: float = 0.5
    step: float = 0.3
    thin: int = 4
    groups: int = 32
    route: ClassVar[str] = "simulation"

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        run = simulate_single_layer(values, rng, n, burn_in_time=self.burn_in_time, window_time=self.window_time,
                                    step=self.step, thin=self.thin, shared_labels=True)
        H = np.diag(run.h)
        stat = chain_statistic(run.moments, lambda mean, second: np.array(isotropic_loss_statistics(H, second)),
                               groups=min(self.groups, int(n)), bias_corrected=True)
        shown = ", ".join(f"{name} = {v:.3f} +- {se:.3f}" for name, v, se in
                          zip(("CV(u_i^T H u_i)", "|corr(log sigma_i^2, log kappa_i)|"), stat.value[1:],
                              stat.std_error[1:]))
        return Estimate((float(stat.value[0]),), std_error=(float(stat.std_error[0]),), n_samples=int(n), dof=stat.dof,
                        seed=seed_of(rng), method=_method(run, n, "one training set; S_max/S_min of the stationary "
                                                          f"covariance of delta (mean 0: second moments); not decided: "
                                                          f"{shown}", stat.dof + 1))
