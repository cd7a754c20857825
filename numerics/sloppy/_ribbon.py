r"""Simulated evidence for the ribbon and plateau statements of the ``sloppy`` pack (our note ``sloppiness.md``,
sections 4.3 and 4.5; derived by us).

Both estimators run full-batch GD on a design whose correlation has the claim's spectrum ``e^{-c(k-1)}`` in a Haar
eigenbasis drawn from the engine's ``rng`` (:func:`numerics.sloppy.design_with_spectrum`), from ``w_0 ~ N(0, sigma0^2
I)``, and form the trajectory ensemble's pooled covariance of ``R w_t`` (``R^T R = Sigma_hat``: the distances of the
predictions, so the inPCA eigenvalues up to the factor ``m / (8 sigma2)``, note 4.2, claim A2). No closed form of
``M`` is used: what is compared with the claim's ranges comes from the iterated GD steps only.

* :class:`RibbonEnsemble`: the note's ribbon criterion ``max_{k <= k_max} e_{k+1} / e_k`` at each ``sigma0``.
  At ``sigma0 > 0``: ``n`` simulated trajectories, the plug-in value with a delete-a-group jackknife standard error
  over :data:`GROUPS` equal groups of members (Student's t, 127 degrees of freedom). At ``sigma0 = 0`` every member
  starts at 0 and runs the same trajectory, so the ensemble is one trajectory (the note's ``D* K D*``): it is
  simulated once and its component carries a derived first-order rounding bound in place of a standard error (an
  interval of any quantile >= 1 times it contains the value's error).
* :class:`PlateauWidths`: the top ``widths`` eigenvalues of a wide ensemble in units of the plateau level
  ``P = sigma0^2 / (2 eta (T + 1))``; :class:`PlateauRanges` predicts which lie above the cut: the ``n_f`` fast
  modes of ``theory.sloppy.plateau_count``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, Mapping

import numpy as np

from theory import InvalidArgument
from theory.sloppy import ground_truth, plateau_count, spectrum_of

from .._chain_stats import ChainMoments, chain_statistic
from .._estimate import Estimate, seed_of
from .._rounding import gamma_k
from ._trajectories import GDProblem, design_with_spectrum

__all__ = ["GROUPS", "simulated_problem", "single_trajectory_ratios", "RibbonEnsemble", "PlateauWidths",
           "PlateauRanges"]

#: Jackknife groups of ensemble members (equal, contiguous).
GROUPS = 128


def simulated_problem(values: Mapping[str, object], rng: np.random.Generator) -> GDProblem:
    """GD on a design of ``rows`` rows (default ``2 d``) with spectrum ``e^{-c(k-1)}`` in a Haar basis from ``rng``,
    towards ``w*`` given in the design's eigenbasis (descending; ``w* = 1`` by default), recorded as ``R w``."""
    lam = spectrum_of(values)
    X = design_with_spectrum(int(values.get("rows", 2 * lam.size)), lam, rng)
    V = np.linalg.eigh(X.T @ X / X.shape[0])[1][:, ::-1]
    return GDProblem.linear(X, V @ ground_truth(values), float(values["eta"]), record="factor")


def _covariance(mean: np.ndarray, second: np.ndarray) -> np.ndarray:
    return second - np.outer(mean, mean)


def _max_ratio(k_max: int):
    def f(mean: np.ndarray, second: np.ndarray) -> np.ndarray:
        e = np.linalg.eigvalsh(_covariance(mean, second))[::-1][: k_max + 1]
        return np.array([np.max(e[1:] / e[:-1])])
    return f


def single_trajectory_ratios(problem: GDProblem, T: int, k_max: int) -> tuple[np.ndarray, float]:
    """The first ``k_max`` ratios ``e_{k+1} / e_k`` of the covariance (uniform over ``t = 0..T``) of the one GD
    trajectory from ``w_0 = 0``, and a first-order bound on the rounding error of their largest.

    Bound: the iteration's error per step ``gamma_{p+3} (||w|| + eta ||A||_F ||w - w*||)`` with ``||w_t - w*|| <=
    ||w*||`` (GD is non-expansive), over T steps; the record ``R w`` adds ``gamma_p ||R||_F ||w||``; the covariance's
    entries then err by at most ``2 v_max dv + gamma_{T+4} 2 v_max^2`` (sums and the centring), its 2-norm by ``q``
    times that (Weyl), and the eigensolver by ``gamma_{4q} ||C||_F``. A ratio ``a / b`` moves by at most
    ``(a / b)(de / a + de / b)``, so the largest ratio by at most the largest of these.
    """
    p = problem.dim
    traj = problem.trajectories(np.zeros((1, p)), T)[0]
    C = np.cov(traj, rowvar=False, bias=True)
    e = np.linalg.eigvalsh(C)[::-1]
    if not e[k_max] > 0:
        raise InvalidArgument("k_max", k_max, f"at most the rank of the trajectory's covariance (e_{k_max + 1} = "
                              f"{e[k_max]:.3g})")
    w_star = float(np.linalg.norm(problem.target))
    w_max = 2 * w_star
    dw = T * gamma_k(p + 3) * (w_max + problem.eta * float(np.linalg.norm(problem.hessian)) * w_star)
    R = problem.record
    v_max = float(np.max(np.linalg.norm(traj, axis=1)))
    dv = float(np.linalg.norm(R, 2)) * dw + gamma_k(p) * float(np.linalg.norm(R)) * w_max
    de = traj.shape[1] * (2 * v_max * dv + 2 * gamma_k(T + 4) * v_max**2) + gamma_k(4 * p) * float(np.linalg.norm(C))
    ratios = e[1: k_max + 1] / e[:k_max]
    bounds = ratios * (de / e[1: k_max + 1] + de / e[:k_max])
    return ratios, float(np.max(bounds))


@dataclass(frozen=True)
class RibbonEnsemble:
    """The ribbon criterion ``max_{k <= k_max} e_{k+1} / e_k`` (values ``k_max``) of simulated GD trajectory
    ensembles at each ``sigma0`` of the claim (vector ``sigma0s``); see the module's docstring.

    ``n`` is the number of members at each positive ``sigma0`` (a multiple of :data:`GROUPS`); the design's basis and
    the members' starts come from independent children of ``rng``. The plug-in ratio of the pooled covariance has an
    O(1/n) bias (about +0.02 at n = 2048 in the claim's setting, below its standard error); the jackknife's bias
    correction is not used: the largest of near-equal ratios is not smooth enough for it.
    """

    route: ClassVar[str] = "simulation"

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        T, k_max = int(values["T"]), int(values["k_max"])
        sigmas = [float(s) for s in np.atleast_1d(values["sigma0s"]).tolist()]
        if n < GROUPS or n % GROUPS:
            raise InvalidArgument("n", n, f"a positive multiple of {GROUPS} members (equal jackknife groups)")
        if k_max >= spectrum_of(values).size or (0.0 in sigmas and k_max >= T):
            raise InvalidArgument("k_max", k_max, "below d and, with sigma0 = 0, below T (a single trajectory's "
                                  "covariance has rank <= T: the ratios past it are rounding)")
        design_rng, *member_rngs = rng.spawn(1 + len(sigmas))
        problem = simulated_problem(values, design_rng)
        out, errors, how = [], [], []
        for s0, gen in zip(sigmas, member_rngs):
            if s0 == 0:
                ratios, bound = single_trajectory_ratios(problem, T, k_max)
                out.append(float(np.max(ratios)))
                errors.append(bound)
                how.append("sigma0 = 0: the one trajectory from w_0 = 0 (error: a rounding bound)")
                continue
            moments = problem.moments(int(n), s0, T, rng=gen, groups=GROUPS)
            cm = ChainMoments(moments.total, moments.outer, GROUPS, 0, T + 1, 1, problem.eta, 1, moments.seed,
                              moments.total)
            stat = chain_statistic(cm, _max_ratio(k_max), groups=GROUPS)
            out.append(float(stat.value[0]))
            errors.append(float(stat.std_error[0]))
            how.append(f"sigma0 = {s0:g}: {n} trajectories, jackknife over {GROUPS} groups")
        return Estimate(tuple(out), std_error=tuple(errors), n_samples=int(n), dof=GROUPS - 1, seed=seed_of(rng),
                        method=f"simulated GD ({T} steps, d = {problem.dim}, Haar design from the rng); largest of the "
                               f"first {k_max} ratios of the pooled covariance's eigenvalues; " + "; ".join(how))


@dataclass(frozen=True)
class PlateauWidths:
    """The top ``widths`` eigenvalues of the pooled covariance of ``n`` simulated GD trajectories from ``w_0 ~ N(0,
    sigma0^2 I)``, divided by the plateau level ``P = sigma0^2 / (2 eta (T + 1))`` (note 4.3); delete-a-group
    jackknife over :data:`GROUPS` groups (plug-in values: the ranges they are compared with are far from the
    O(1/n) bias)."""

    route: ClassVar[str] = "simulation"

    def __call__(self, values: Mapping[str, object], *, rng: np.random.Generator, n: int, dps=None) -> Estimate:
        T, s0, eta = int(values["T"]), float(values["sigma0"]), float(values["eta"])
        widths = int(values["widths"])
        if n < GROUPS or n % GROUPS:
            raise InvalidArgument("n", n, f"a positive multiple of {GROUPS} members (equal jackknife groups)")
        if not s0 > 0 or widths > spectrum_of(values).size:
            raise InvalidArgument("sigma0, widths", (s0, widths), "sigma0 > 0 and at most d widths")
        design_rng, member_rng = rng.spawn(2)
        problem = simulated_problem(values, design_rng)
        moments = problem.moments(int(n), s0, T, rng=member_rng, groups=GROUPS)
        cm = ChainMoments(moments.total, moments.outer, GROUPS, 0, T + 1, 1, problem.eta, 1, moments.seed,
                          moments.total)
        level = s0**2 / (2 * eta * (T + 1))
        stat = chain_statistic(cm, lambda mean, second: np.linalg.eigvalsh(_covariance(mean, second))[::-1][:widths]
                               / level, groups=GROUPS)
        return stat.estimate(f"{n} simulated GD trajectories of {T} steps (d = {problem.dim}, Haar design from the "
                             f"rng); top {widths} pooled-covariance eigenvalues / (sigma0^2 / (2 eta (T+1))), "
                             f"jackknife over {GROUPS} groups", seed_of(rng))


@dataclass(frozen=True)
class PlateauRanges:
    """Prediction: the first ``n_f`` widths (``theory.sloppy.plateau_count``: ``#{k : 2 eta lambda_k (T+1) > 1}``)
    lie above the cut (value ``plateau_cut``, in units of P), the others below it."""

    def __call__(self, values: Mapping[str, object], *, dps: int = 30) -> tuple:
        n_f, cut = self.count(values), float(values["plateau_cut"])
        return tuple((cut, math.inf) if k < n_f else (0.0, cut) for k in range(int(values["widths"])))

    @staticmethod
    def count(values: Mapping[str, object]) -> int:
        return plateau_count(spectrum_of(values), float(values["eta"]), int(values["T"]))

    def expression(self, values=None) -> str:
        shown = f" = {self.count(values)}" if values else ""
        return (f"widths e_k / (sigma0^2 / (2 eta (T+1))) above plateau_cut for k <= n_f{shown}, below it after; "
                "n_f = #{k : 2 eta lambda_k (T+1) > 1} ~ 1 + ln(2 eta lambda_1 T) / c")
